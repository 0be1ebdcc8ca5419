"""Infinite planes."""

from __future__ import annotations

import math

import numpy as np

from ..errors import error_at, finite_xyz
from ..shading.materials import Material
from ..vector import Vector
from .shape import Shape, Triple


class Plane(Shape):
    """An infinite plane through ``point`` at right angles to ``normal``.

    Its normal faces whichever side a ray comes from, so both sides are lit alike.

    Unbounded (the default ``bounds()``): the acceleration structure tests it beside itself.
    """

    def __init__(self, point: Vector, normal: Vector, material: Material | None = None) -> None:
        super().__init__(material)
        self.point = point
        self.normal = normal

    def prepare(self) -> None:
        self._p = finite_xyz(self.point, "Plane point", self._site, "Point")
        nx, ny, nz = finite_xyz(self.normal, "Plane normal", self._site)
        m = math.sqrt(nx * nx + ny * ny + nz * nz)
        if m == 0:
            raise error_at(self._site, "Plane normal must not be the zero vector")
        self._n = (nx / m, ny / m, nz / m)

    def intersect(self, o: Triple, d: Triple) -> tuple[np.ndarray, np.ndarray]:
        nx, ny, nz = self._n
        denom = d[0] * nx + d[1] * ny + d[2] * nz
        num = (self._p[0] - o[0]) * nx + (self._p[1] - o[1]) * ny + (self._p[2] - o[2]) * nz
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.asarray(num / denom, dtype=np.float64)
        t = np.array(np.broadcast_to(t, np.shape(denom)))
        return t, t > 0

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple:
        nx, ny, nz = self._n
        facing = d[0] * nx + d[1] * ny + d[2] * nz
        sign = np.where(facing > 0, -1.0, 1.0)
        return sign * nx, sign * ny, sign * nz
