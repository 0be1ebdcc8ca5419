"""The ray-tracing kernel: many rays at once, Puray's shading, bit for bit.

Exactness rules (see ../shared/bench/ref.c): float64 everywhere, every expression in Puray's
left-to-right order, nearest object wins with ties to the earlier one, and the recursion
``colour = local + reflection * child`` folded from the deepest bounce upwards (running
weights would round differently).

Each bounce is a list of named stages (stages.py), the same ones the pick recorder calls.
Secondary rays are compacted at every bounce: only the children the scene's reflectance
model spawns go on (Puray's Phong: a reflected ray where a material reflects; a model may
add more kinds, each folded in as it says). Colours are (3, n) arrays worked on one channel
row at a time: 1-D ops are the fast ones. The scene's constants come as a SceneArrays
(scene_arrays.py).
"""

from __future__ import annotations

import numpy as np

from . import stages
from .records import Level, Rays
from .scene_arrays import MIN_DISPLACE, SceneArrays
from .stages import nearest

__all__ = ["MIN_DISPLACE", "SceneArrays", "nearest", "trace"]

_TRACED = stages.Traced()


def trace(
    sa: SceneArrays,
    o,
    d,
    max_depth: int,
    shadows: bool = False,
    background=None,
    ids_out=None,
    samples=None,
    bounces=None,
) -> np.ndarray:
    """Return the (3, n) colours seen along rays ``o + t d`` with up to ``max_depth`` bounces.

    Rays that hit nothing see ``background`` (None: black, Puray's). ``ids_out``: an (n,)
    integer array to receive each ray's first hit (index in OBJECTS, -1 for none): the id
    buffer the window outlines objects with. ``samples``: the rays' LightSamples (their
    pixels and sample index), for soft shadows; compacted with the rays at every bounce.
    ``bounces``: where each bounce's hits, surfaces and local colours come from (None: the
    stages, :class:`stages.Traced`; gbuffer.py records them, reshade.py replays them).
    """
    bounces = bounces or _TRACED
    rays = Rays(o, d, samples)
    levels: list[Level] = []
    for depth in range(max_depth + 1):
        hits = bounces.nearest(sa, rays, depth)
        if depth == 0 and ids_out is not None:
            ids_out[:] = hits.obj
        idx = hits.found()
        level = Level(rays.count, idx, stages.background(background, rays, hits, idx))
        levels.append(level)
        if idx.size == 0:
            break
        rays, hits = stages.compact(rays, hits, idx, depth)
        hit = bounces.surface(sa, rays, hits, depth)
        model = level.scattering = stages.scattering(sa, rays, hit)
        local = level.local = bounces.shade(sa, rays, hit, shadows, depth)
        model.weigh(local, sa.reflection[hit.mat])
        branches = stages.scatter(rays, hit, model, depth == max_depth)
        bounces.branched(depth, branches, level)
        children = stages.next_rays(rays, branches)
        if children is None:
            break
        rays = children
    return stages.fold(levels)
