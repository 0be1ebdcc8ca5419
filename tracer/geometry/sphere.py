"""Spheres, with Puray's arithmetic in Puray's evaluation order (pictures match byte for byte)."""

from __future__ import annotations

import math

import numpy as np

from ..arrays import unit
from ..errors import error_at, finite_xyz
from ..shading.materials import Material
from ..vector import Vector
from .shape import Shape, Triple


class Sphere(Shape):
    """A sphere; a ray starting inside it does not hit it (Puray's near-root rule)."""

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
        sx, sy, sz = o[0] - cx, o[1] - cy, o[2] - cz
        b = d[0] * sx
        b += d[1] * sy
        b += d[2] * sz
        b *= 2
        c = (sx * sx + sy * sy + sz * sz) - self._r2
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

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple:
        cx, cy, cz = self._c
        return unit(p[0] - cx, p[1] - cy, p[2] - cz)
