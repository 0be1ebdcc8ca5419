"""Spheres, with Puray's arithmetic in Puray's evaluation order (pictures match byte for byte)."""

from __future__ import annotations

import math

import numpy as np

from ..arrays import unit
from ..errors import SceneError, error_at, finite_xyz
from ..shading.materials import Material
from ..vector import Vector
from .shape import Batch, Bounds, Shape, Triple, gather


class Sphere(Shape):
    """A sphere of ``radius`` around the point ``center``, painted with ``material``.

    A ray that starts inside an opaque sphere does not hit it (Puray's near-root rule); a
    huge sphere makes Puray's ground.
    """

    def __init__(self, center: Vector, radius: float, material: Material | None = None) -> None:
        super().__init__(material)
        self.center = center
        self.radius = radius

    def prepare(self) -> None:
        self._c = finite_xyz(self.center, "Sphere center", self._site, "Point")
        try:
            r = float(self.radius)
        except (TypeError, ValueError):
            msg = f"Sphere radius must be a number, got {self.radius!r}"
            raise error_at(self._site, msg) from None
        if not math.isfinite(r) or r <= 0:
            raise error_at(self._site, f"Sphere radius must be positive and finite, got {r}")
        self._r2 = r * r

    def intersect(self, o: Triple, d: Triple) -> tuple[np.ndarray, np.ndarray]:
        cx, cy, cz = self._c
        return _near_root(o[0] - cx, o[1] - cy, o[2] - cz, d, self._r2)

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple:
        cx, cy, cz = self._c
        return unit(p[0] - cx, p[1] - cy, p[2] - cz)

    def bounds(self) -> Bounds:
        r = math.sqrt(self._r2)
        (x, y, z) = self._c
        return (x - r, y - r, z - r), (x + r, y + r, z + r)

    @classmethod
    def batch(cls, shapes: list) -> SphereBatch | None:
        if cls.intersect is not Sphere.intersect:
            return None  # a subclass with its own arithmetic goes one by one
        centers = np.array([s._c for s in shapes], dtype=np.float64).reshape(-1, 3)
        r2 = np.array([s._r2 for s in shapes], dtype=np.float64)
        return SphereBatch(centers, r2)


def _near_root(sx, sy, sz, d, r2):
    """Return (t, hit) of the near root: Puray's order, shared by one sphere and a batch."""
    b = d[0] * sx
    b += d[1] * sy
    b += d[2] * sz
    b *= 2
    c = (sx * sx + sy * sy + sz * sz) - r2
    disc = b * b
    disc -= 4 * c
    hit = disc >= 0
    np.maximum(disc, 0.0, out=disc)
    np.sqrt(disc, out=disc)
    np.negative(b, out=b)
    b -= disc
    b /= 2
    hit &= b > 0
    return b, hit


class SphereBatch(Batch):
    """Many spheres as arrays: centres (3, m) and squared radii, tested pair by pair.

    Pickles as just those two arrays (the boxes and per-axis views are rebuilt).
    """

    def __init__(self, centers: np.ndarray, r2: np.ndarray) -> None:
        self.__setstate__((np.ascontiguousarray(centers.T), r2))

    def __getstate__(self) -> tuple:
        return self.c3, self.r2

    def __setstate__(self, state: tuple) -> None:
        self.c3, self.r2 = state
        self.cx, self.cy, self.cz = self.c3
        # One row per sphere for the pair test: one gather fetches a sphere (30% faster).
        self.rows = np.empty((len(self.r2), 4))
        self.rows[:, :3] = self.c3.T
        self.rows[:, 3] = self.r2

    @property
    def lo(self) -> np.ndarray:  # type: ignore[override]
        return (self.c3 - np.sqrt(self.r2)).T

    @property
    def hi(self) -> np.ndarray:  # type: ignore[override]
        return (self.c3 + np.sqrt(self.r2)).T

    def __len__(self) -> int:
        return len(self.r2)

    def intersect_pairs(self, o: Triple, d: Triple, rays, prims) -> tuple:
        ox, oy, oz = gather(o, rays)
        if rays is None and np.ndim(prims) == 0:
            cx, cy, cz, r2 = (float(a[prims]) for a in (self.cx, self.cy, self.cz, self.r2))
            return _near_root(ox - cx, oy - cy, oz - cz, d, r2)
        q = np.take(self.rows, prims, axis=0)
        sx = ox - q[:, 0]
        sy = oy - q[:, 1]
        sz = oz - q[:, 2]
        return _near_root(sx, sy, sz, gather(d, rays), q[:, 3])


def prepare_spheres(spheres: list) -> None:
    """Validate and cache many plain spheres at once (Sphere.prepare's checks, vectorised).

    A SceneError raised here carries ``index``: the position of the bad sphere in ``spheres``.
    """
    if not spheres:
        return
    try:
        xyz = [(s.center.x, s.center.y, s.center.z, s.radius) for s in spheres]
        data = np.array(xyz, dtype=np.float64)
        bad = ~np.isfinite(data).all(axis=1) | ~(data[:, 3] > 0)
    except (AttributeError, TypeError, ValueError, OverflowError):
        bad = None
    if bad is None or bad.any():
        for k, s in enumerate(spheres):
            try:
                s.prepare()
            except SceneError as exc:
                exc.index = k  # type: ignore[attr-defined]
                raise
        return
    r = data[:, 3]
    r2 = (r * r).tolist()
    for s, c, sq in zip(spheres, data[:, :3].tolist(), r2, strict=True):
        s._c = tuple(c)
        s._r2 = sq
