"""The kernel's records: a bundle of rays, their hits, the surfaces hit, one bounce of the loop.

Vectors are (x, y, z) triples of float64 arrays, one entry per ray (an origin may be a triple
of floats: one point all rays leave from); colours are (3, n) arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..shading.area_light import LightSamples
from ..shading.model import Scattering, Vec


def take(v: Vec, idx: np.ndarray) -> Vec:
    """Return the entries ``idx`` of a triple of arrays (a float stays: it is every ray's)."""
    return tuple(a[idx] if isinstance(a, np.ndarray) else a for a in v)  # type: ignore[return-value]


@dataclass(slots=True)
class Rays:
    """Rays ``o + t d`` (unit ``d``) and the pixels they sample area lights for.

    ``samples`` is None without soft shadows; it is compacted with the rays.
    """

    o: Vec
    d: Vec
    samples: LightSamples | None = None

    @property
    def count(self) -> int:
        return self.d[0].shape[0]


@dataclass(slots=True)
class Hits:
    """The nearest hit of every ray: distance, object index (-1: none), primitive (or None)."""

    t: np.ndarray
    obj: np.ndarray
    prim: np.ndarray | None

    def found(self) -> np.ndarray:
        """Return the positions of the rays that hit something."""
        return np.flatnonzero(self.obj >= 0)

    def take(self, idx: np.ndarray) -> Hits:
        prim = None if self.prim is None else self.prim[idx]
        return Hits(self.t[idx], self.obj[idx], prim)


@dataclass(slots=True)
class Surface:
    """The surface points rays hit: points, normals to shade with, material ids.

    ``step``: how far rays spawned there start off the surface (offsets.py): one length for
    all (Puray's) or one per hit.
    """

    hits: Hits
    p: Vec
    n: Vec
    mat: np.ndarray
    step: float | np.ndarray

    def lifted(self) -> Vec:
        """Return the points a ``step`` off the surface along the normals (shadow rays' origins)."""
        step = self.step
        return tuple(pc + nc * step for pc, nc in zip(self.p, self.n, strict=True))  # type: ignore[return-value]


@dataclass(slots=True)
class Level:
    """One bounce of the loop, kept for the fold (deepest first).

    ``count`` rays went out, ``idx`` of them hit something; those that missed see
    ``missed`` ((3, count) or None: black); the hits' ``local`` colours take their children's
    as ``scattering`` folds them (None: the bounce hit nothing).
    """

    count: int
    idx: np.ndarray
    missed: np.ndarray | None
    local: np.ndarray | None = None
    scattering: Scattering | None = None

    def fold(self, child: np.ndarray | None) -> np.ndarray:
        """Return the (3, count) colours of this bounce's rays, its children's colours added."""
        local = self.local
        if local is not None and self.scattering is not None:
            self.scattering.fold(local, child)
            if self.idx.size == self.count:
                return local
        out = np.zeros((3, self.count)) if self.missed is None else self.missed
        if local is not None:
            out[:, self.idx] = local
        return out
