"""Primitives: each intersects many rays at once (structure of arrays, float64).

A shape implements ``intersect(o, d) -> (t, hit)`` (distance along unit rays and a boolean
mask of the rays that hit at t > 0) and ``normals(p, d) -> n`` (unit normals at hit points).
``o``, ``d`` and ``p`` are triples of arrays (or floats: primary rays share the camera
origin). Sphere arithmetic follows Puray's evaluation order exactly, so its pictures match
Puray byte for byte.
"""

from __future__ import annotations

import math

import numpy as np

from .arrays import unit
from .errors import SceneError, caller_site, error_at, finite_xyz
from .materials import Material
from .vector import Vector

Triple = tuple  # (x, y, z): arrays or floats


class Shape:
    """Base of all primitives: a material and where the scene created it."""

    material: Material

    def __init__(self, material: Material | None) -> None:
        self.material = Material() if material is None else material
        self._site = caller_site()

    def prepare(self) -> None:
        """Validate the user's numbers and cache them as floats (raises SceneError)."""

    def intersect(self, o: Triple, d: Triple) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def normals(self, p: Triple, d: Triple) -> Triple:
        raise NotImplementedError


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

    def normals(self, p: Triple, d: Triple) -> Triple:
        cx, cy, cz = self._c
        return unit(p[0] - cx, p[1] - cy, p[2] - cz)


class Plane(Shape):
    """An infinite plane through ``point``; its normal faces the side the ray comes from."""

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

    def normals(self, p: Triple, d: Triple) -> Triple:
        nx, ny, nz = self._n
        facing = d[0] * nx + d[1] * ny + d[2] * nz
        sign = np.where(facing > 0, -1.0, 1.0)
        return sign * nx, sign * ny, sign * nz


def prepare_all(objects) -> None:
    """Validate every object of a scene."""
    for obj in objects:
        if not isinstance(obj, Shape):
            raise SceneError(f"OBJECTS holds {obj!r}, which is not a shape (Sphere, Plane)")
        obj.prepare()
