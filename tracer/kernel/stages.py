"""The kernel's named stages: what happens to a bundle of rays at one bounce.

trace.py's loop and the pick recorder (tracer/pick/) call these same functions, in this
order: :func:`nearest` (the closest hit of every ray), :func:`background` (what the rays that
missed see), :func:`compact` (keep the rays that hit), :func:`surface` (points, normals,
material ids), :func:`scattering` (the scene's reflectance model at the hits),
:func:`surface_colors`, :func:`shade` (Phong's local colour, with :class:`ShadowRays`),
the scattering's ``weigh``, :func:`scatter` (the child rays) and :func:`next_rays`; then,
deepest bounce first, :func:`fold`. Every stage keeps Puray's float64 arithmetic in Puray's
order (see trace.py).
"""

from __future__ import annotations

import numpy as np

from ..arrays import unit
from ..shading.background import background_colors
from ..shading.materials import fill_colors
from ..shading.model import Branch, Scattering, Vec
from ..shading.phong import phong
from ..shading.shadows import visibility
from .records import Hits, Level, Rays, Surface, take
from .scene_arrays import SceneArrays, by_object


def nearest(sa: SceneArrays, rays: Rays) -> Hits:
    """Return the nearest hit of every ray (ties go to the earlier object)."""
    t, obj, prim = sa.aggregate.nearest(rays.o, rays.d)
    return Hits(t, obj, prim)


def background(scene_background, rays: Rays, hits: Hits, found: np.ndarray) -> np.ndarray | None:
    """Return (3, n) background colours where rays hit nothing (None: black or no misses).

    ``found``: the positions of the rays that hit something (:meth:`Hits.found`).
    """
    if scene_background is None or found.size == hits.obj.size:
        return None
    out = np.zeros((3, hits.obj.size))
    miss = np.flatnonzero(hits.obj < 0)
    out[:, miss] = background_colors(scene_background, take(rays.d, miss))
    return out


def compact(rays: Rays, hits: Hits, idx: np.ndarray, depth: int) -> tuple[Rays, Hits]:
    """Return the rays ``idx`` (those that hit) and their hits; samples move to ``depth``."""
    samples = None if rays.samples is None else rays.samples.take(idx, depth)
    if idx.size < rays.count:
        return Rays(take(rays.o, idx), take(rays.d, idx), samples), hits.take(idx)
    return Rays(rays.o, rays.d, samples), hits


def normals(sa: SceneArrays, p: Vec, d: Vec, hit: np.ndarray, prim: np.ndarray | None) -> Vec:
    """Return the outward unit normals at points ``p`` of objects ``hit`` (rays ``d``)."""
    cx, cy, cz = (sa.centers[a][hit] for a in range(3))
    n = unit(p[0] - cx, p[1] - cy, p[2] - cz)
    for g, batch in enumerate(sa.normal_groups):
        sel = np.flatnonzero(sa.obj_group[hit] == g)
        if sel.size:
            prims = sa.obj_local[hit[sel]]
            nk = batch.normals(take(p, sel), take(d, sel), prims)  # type: ignore[attr-defined]
            for axis in range(3):
                n[axis][sel] = nk[axis]
    if sa.shapes:
        for k, sel in by_object(hit, sa.is_other):
            obj = sa.shapes[k]
            if prim is not None and k in sa.aggregate.prim_objects:
                nk = obj.normals(take(p, sel), take(d, sel), prim[sel])
            else:
                nk = obj.normals(take(p, sel), take(d, sel))
            for axis in range(3):
                n[axis][sel] = nk[axis]
    return n


def surface(sa: SceneArrays, rays: Rays, hits: Hits) -> Surface:
    """Return the surface points the rays hit: points, outward normals, material ids, offsets."""
    p = tuple(oc + dc * hits.t for oc, dc in zip(rays.o, rays.d, strict=True))
    n = normals(sa, p, rays.d, hits.obj, hits.prim)
    mat = sa.material_of(hits.obj, hits.prim)
    return Surface(hits, p, n, mat, sa.offset(p, hits.t))  # type: ignore[arg-type]


def scattering(sa: SceneArrays, rays: Rays, hit: Surface) -> Scattering:
    """Return the scene's reflectance model at the hits; turn the normals it shades with."""
    model = sa.model.scattering(hit.mat, rays.d, hit.n, hit.hits.t)
    hit.n = model.normals(hit.n)
    return model


def surface_colors(sa: SceneArrays, hit: Surface) -> np.ndarray:
    """Return the (3, m) colours of the hit materials at the hit points."""
    p, mat = hit.p, hit.mat
    oc = np.empty((3, len(mat)))
    for c in range(3):
        np.take(sa.colors[c], mat, out=oc[c])
    for m in sa.patterned:
        material = sa.materials[m]
        if len(sa.materials) == 1:
            fill_colors(material, p, oc)
            continue
        sel = np.flatnonzero(mat == m)
        if sel.size:
            part = np.empty((3, sel.size))
            fill_colors(material, take(p, sel), part)
            oc[:, sel] = part
    return oc


class ShadowRays:
    """Shadow rays from a bounce's hits toward each light, as Phong's equation asks for them."""

    def __init__(self, sa: SceneArrays, rays: Rays, hit: Surface) -> None:
        self.sa, self.p, self.samples = sa, hit.p, rays.samples
        self.q = hit.lifted()

    def __call__(
        self, light: int, L: Vec, dist: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Return (dark mask, (3, m) transmittance or None) toward light ``light``."""
        sa = self.sa
        if sa.plain_shadows:  # Puray's: one any-hit query toward the light
            return sa.aggregate.occluded(self.q, L, dist, toward=sa.lights[light][0]), None
        return visibility(sa, light, self.p, self.q, L, dist, self.samples, normals, sa.offset)


def shade(
    sa: SceneArrays,
    rays: Rays,
    hit: Surface,
    colors: np.ndarray,
    shadows: bool,
    terms=None,
    known=None,
) -> np.ndarray:
    """Return the hits' (3, m) local colours: Phong's equation (shading/phong.py).

    ``terms`` (a pick's record, a G-buffer's) receives each light's terms; ``known``: the
    terms an earlier call made at these hits (no shadow ray is traced); see :func:`phong`.
    """
    new = known is None or any(term is None for term in known)  # a light to trace toward
    light = ShadowRays(sa, rays, hit) if shadows and new else None
    return phong(sa, hit.p, hit.n, hit.mat, colors, light, terms, known)


class Traced:
    """Where trace() takes each bounce's hits, surfaces and local colours: these stages.

    (kernel/gbuffer.py's Recording keeps what they give; kernel/reshade.py's Replay gives
    what was kept, re-shading only what an edit changed.)
    """

    def nearest(self, sa: SceneArrays, rays: Rays, depth: int) -> Hits:
        return nearest(sa, rays)

    def surface(self, sa: SceneArrays, rays: Rays, hits: Hits, depth: int) -> Surface:
        return surface(sa, rays, hits)

    def shade(self, sa: SceneArrays, rays: Rays, hit: Surface, shadows: bool, depth: int):
        return shade(sa, rays, hit, surface_colors(sa, hit), shadows)

    def branched(self, depth: int, branches: list[Branch], level: Level) -> None:
        """Take note of the children the hits spawned (nothing to do here)."""


def scatter(rays: Rays, hit: Surface, model: Scattering, last: bool) -> list[Branch]:
    """Return the child rays of the hits, by kind (none from the ``last`` bounce)."""
    return model.children(hit.p, hit.n, rays.d, hit.step, last)


def next_rays(rays: Rays, branches: list[Branch]) -> Rays | None:
    """Return the branches' rays as one bundle, in order (None: there are none)."""
    if not branches:
        return None
    samples = rays.samples
    if samples is not None:
        samples = samples.children(*(b.rows for b in branches))
    if len(branches) == 1:
        return Rays(branches[0].o, branches[0].d, samples)
    o = tuple(np.concatenate([b.o[a] for b in branches]) for a in range(3))
    d = tuple(np.concatenate([b.d[a] for b in branches]) for a in range(3))
    return Rays(o, d, samples)  # type: ignore[arg-type]


def fold(levels: list[Level]) -> np.ndarray:
    """Return the first bounce's (3, n) colours, folding every level's children in.

    Deepest level first: ``local + reflection * child`` (running weights would round
    differently).
    """
    child = None
    for level in reversed(levels):
        child = level.fold(child)
    assert child is not None
    return child
