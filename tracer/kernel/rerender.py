"""What a worker keeps between versions of a scene: G-buffers of its rows, built structures.

Live editing renders version after version of one scene, most edits touching materials or
lights only. With ``RenderSettings.reshade_cache_mb`` above 0 (the window's previews) a
worker keeps every sample it traces as a G-buffer (gbuffer.py, bounded by that setting) and
re-shades the next version's samples from it (reshade.py) when only materials or lights
changed; and a load whose shapes, camera and lights equal an earlier load's of the same
scene takes that load's acceleration structure instead of building its own.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Callable, Iterable

import numpy as np

from ..accel.aggregates import Aggregate
from ..settings import RenderSettings
from .diff import LoadParts, describe, structure_key
from .gbuffer import GBufferStore, store
from .made import PATHS
from .reshade import Sample, sample_colors

#: Which shapes (digest) each acceleration structure in this process was built from.
_BUILT_FROM: weakref.WeakKeyDictionary[Aggregate, bytes] = weakref.WeakKeyDictionary()


def parts_of(loaded) -> LoadParts | None:
    """Return the parts of a loaded scene (diff.py), described once."""
    if loaded.parts is None:
        loaded.parts = describe(loaded) or False
    return loaded.parts or None


class Reshading:
    """Re-shade (or trace and keep) the samples of one block from this process's store."""

    def __init__(self, loaded, settings: RenderSettings, gbuffers: GBufferStore) -> None:
        self.store = gbuffers
        self.parts = parts_of(loaded)
        settings = settings.under_scene(loaded.scene.settings)
        plain = dataclasses.replace(
            settings,
            load_timeout=RenderSettings.load_timeout,
            block_timeout=RenderSettings.block_timeout,
            reshade_cache_mb=0,
            sample_range=None,
            samples=1,
        )
        self.base = (loaded.path, plain)
        self.paths: set[str] = set()

    @classmethod
    def of(cls, loaded, settings: RenderSettings) -> Reshading | None:
        """Return the re-shading of a block with ``settings`` (None: its setting is 0)."""
        if settings.reshade_cache_mb <= 0:
            return None
        store.set_limit(settings.reshade_cache_mb)
        return cls(loaded, settings, store)

    def colors(self, r0: int, r1: int, k: int, sample: Sample) -> np.ndarray:
        """Return sample ``k`` of rows ``r0..r1-1``: clipped (3, n) colours."""
        colors, path = sample_colors(self.store, (*self.base, r0, r1, k), self.parts, sample)
        self.paths.add(path)
        return colors

    @property
    def path(self) -> str:
        """Return how the block was made: "traced" if any sample was, then "re-lit"..."""
        return next((p for p in PATHS if p in self.paths), "")


def reusing(loads: Iterable, shapes: bytes | None) -> Callable:
    """Return what builds a load's acceleration structure, taking one of ``loads``' if equal.

    Equal: built from the same shapes (``shapes``: diff.shapes_digest of the load's objects;
    None: unknown, build anew), for the same camera position, lights and offsets.
    """
    earlier = [loaded.kernel.aggregate for loaded in loads]

    def build(built_from, eye, lights, offset) -> Aggregate:
        key = None if shapes is None else structure_key(shapes, built_from, eye, lights, offset)
        for aggregate in earlier if key is not None else ():
            if _BUILT_FROM.get(aggregate) == key:
                return aggregate
        aggregate = Aggregate(built_from, eye, lights, offset)
        if key is not None:
            _BUILT_FROM[aggregate] = key
        return aggregate

    return build
