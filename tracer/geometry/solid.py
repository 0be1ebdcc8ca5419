"""Closed solids: shapes with an inside, which report a ray's inside intervals (for CSG).

A closed solid implements ``intervals(o, d) -> Intervals`` over the whole line of each ray,
numbers its surfaces 0..face_count-1 (the ``prim`` of its hits), and gives outward normals.
Its ``intersect`` is the first boundary in front of the ray, entry or exit: unlike a plain
Sphere (Puray's near-root rule), a ray that starts inside a solid hits its far side.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from ..arrays import unit
from ..errors import error_at
from .intervals import Intervals, first_hit, single
from .shape import Bounds, Shape, Triple, as_arrays, state_repr
from .sphere import Sphere


class ClosedSolid(Protocol):
    """What CSG (and a moved solid) asks of each operand: a surface with an inside."""

    @property
    def closed(self) -> bool: ...

    @property
    def face_count(self) -> int: ...

    def intervals(self, o: Triple, d: Triple) -> Intervals: ...

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple: ...

    def bounds(self) -> Bounds: ...


class Solid(Shape):
    """Base of closed solids: intersect is the first interval boundary in front of the ray."""

    __repr__ = state_repr

    closed = True
    face_count = 1

    def intervals(self, o: Triple, d: Triple) -> Intervals:
        raise NotImplementedError

    def intersect(self, o: Triple, d: Triple) -> tuple:
        return first_hit(self.intervals(*as_arrays(o, d)))


class SphereSolid:
    """A plain Sphere seen as a closed solid: both roots (CSG needs the far one too)."""

    closed = True
    face_count = 1

    def __init__(self, sphere: Sphere) -> None:
        self.sphere = sphere
        self.material = sphere.material

    def __repr__(self) -> str:
        return f"SphereSolid(c={self.sphere._c}, r2={self.sphere._r2})"

    def bounds(self) -> Bounds:
        r = float(self.sphere.radius)
        c = self.sphere._c
        return (c[0] - r, c[1] - r, c[2] - r), (c[0] + r, c[1] + r, c[2] + r)

    def intervals(self, o: Triple, d: Triple) -> Intervals:
        cx, cy, cz = self.sphere._c
        sx, sy, sz = o[0] - cx, o[1] - cy, o[2] - cz
        b = d[0] * sx + d[1] * sy + d[2] * sz
        c = (sx * sx + sy * sy + sz * sz) - self.sphere._r2
        disc = b * b - c
        hit = disc >= 0
        root = np.sqrt(np.maximum(disc, 0.0))
        return single(-b - root, -b + root, 0, 0, hit)

    def intersect(self, o: Triple, d: Triple) -> tuple:
        return first_hit(self.intervals(*as_arrays(o, d)))

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple:
        cx, cy, cz = self.sphere._c
        return unit(p[0] - cx, p[1] - cy, p[2] - cz)


def solid_of(shape, site, role: str) -> ClosedSolid:
    """Return ``shape`` as a closed solid, or raise at ``site`` naming what it is."""
    if isinstance(shape, Sphere):
        return SphereSolid(shape)
    if getattr(shape, "closed", False) and hasattr(shape, "intervals"):
        return shape
    what = type(shape).__name__
    if isinstance(shape, Shape):
        msg = (
            f"{role} must be a closed solid (Sphere, Box, Cylinder, Cone, a closed Mesh or "
            f"a CSG node), not a {what}: it has no inside"
        )
    else:
        msg = f"{role} must be a shape (a closed solid), got {shape!r}"
    raise error_at(site, msg)


def bounds_of(shape) -> Bounds:
    """Return a shape's world box (a plain Sphere's from its centre and radius)."""
    if isinstance(shape, Sphere):
        return SphereSolid(shape).bounds()
    return shape.bounds()


def materials_of(shape) -> list:
    """Return the materials a shape's surfaces use (most shapes: its one material)."""
    get = getattr(shape, "materials", None)
    return list(get()) if get is not None else [shape.material]


def material_ids_of(shape, prim: np.ndarray) -> np.ndarray:
    """Return indices into ``materials_of(shape)`` for hits on surfaces ``prim``."""
    get = getattr(shape, "material_ids", None)
    return get(prim) if get is not None else np.zeros(np.shape(prim), dtype=np.intp)
