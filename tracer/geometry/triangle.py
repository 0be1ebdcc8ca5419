"""Single triangles; like Plane, the normal faces the side the ray comes from."""

from __future__ import annotations

import numpy as np

from ..errors import error_at
from ..shading.materials import Material
from ..vector import Point
from .checks import point
from .shape import Shape, Triple, state_repr
from .triangles import TriangleArrays, hit_pairs


class Triangle(Shape):
    """The triangle with corners ``a``, ``b``, ``c`` (not a closed solid)."""

    __repr__ = state_repr

    def __init__(self, a: Point, b: Point, c: Point, material: Material | None = None) -> None:
        super().__init__(material)
        self.a, self.b, self.c = a, b, c

    def prepare(self) -> None:
        corners = [
            point(v, f"Triangle corner {name}", self._site)
            for v, name in ((self.a, "a"), (self.b, "b"), (self.c, "c"))
        ]
        a, b, c = (np.array([v], dtype=np.float64) for v in corners)
        self._tri = TriangleArrays(a, b, c)
        n = np.cross(self._tri.e1[0], self._tri.e2[0])
        area2 = float(np.linalg.norm(n))
        scale = max(float(np.abs(self._tri.e1).max()), float(np.abs(self._tri.e2).max()))
        if area2 <= 1e-12 * scale * scale:
            msg = f"Triangle is degenerate (its corners are on one line): {corners}"
            raise error_at(self._site, msg)
        self._n = tuple(float(x) for x in n / area2)

    def bounds(self):
        return tuple(self._tri.lo[0].tolist()), tuple(self._tri.hi[0].tolist())

    def intersect(self, o: Triple, d: Triple) -> tuple:
        n = np.shape(d[0])[0]
        t, ok, _u, _v = hit_pairs(self._tri, o, d, np.arange(n), np.zeros(n, dtype=np.intp))
        return t, ok

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple:
        nx, ny, nz = self._n
        sign = np.where(d[0] * nx + d[1] * ny + d[2] * nz > 0, -1.0, 1.0)
        return sign * nx, sign * ny, sign * nz
