"""Flat discs: a circle of a plane; like Plane, the normal faces the side the ray comes from."""

from __future__ import annotations

import math

import numpy as np

from ..shading.materials import Material
from ..vector import Point, Vector
from .checks import direction, point, positive
from .shape import Shape, Triple, state_repr


class Disc(Shape):
    """A disc of ``radius`` around ``center`` with the given normal (not a closed solid)."""

    __repr__ = state_repr

    def __init__(
        self, center: Point, normal: Vector, radius: float, material: Material | None = None
    ) -> None:
        super().__init__(material)
        self.center = center
        self.normal = normal
        self.radius = radius

    def prepare(self) -> None:
        self._c = point(self.center, "Disc center", self._site)
        self._n = direction(self.normal, "Disc normal", self._site)
        r = positive(self.radius, "Disc radius", self._site)
        self._r, self._r2 = r, r * r

    def bounds(self):
        lo, hi = [], []
        for k in range(3):
            ext = self._r * math.sqrt(max(0.0, 1.0 - self._n[k] * self._n[k]))
            lo.append(self._c[k] - ext)
            hi.append(self._c[k] + ext)
        return tuple(lo), tuple(hi)

    def intersect(self, o: Triple, d: Triple) -> tuple:
        (cx, cy, cz), (nx, ny, nz) = self._c, self._n
        denom = d[0] * nx + d[1] * ny + d[2] * nz
        num = (cx - o[0]) * nx + (cy - o[1]) * ny + (cz - o[2]) * nz
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.asarray(num / denom, dtype=np.float64)
        px, py, pz = (o[k] + d[k] * t - self._c[k] for k in range(3))
        hit = (t > 0) & (px * px + py * py + pz * pz <= self._r2)
        shape = np.shape(denom)
        return np.array(np.broadcast_to(t, shape)), np.array(np.broadcast_to(hit, shape))

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple:
        nx, ny, nz = self._n
        sign = np.where(d[0] * nx + d[1] * ny + d[2] * nz > 0, -1.0, 1.0)
        return sign * nx, sign * ny, sign * nz
