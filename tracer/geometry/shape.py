"""The shape interface: every primitive intersects many rays at once (structure of arrays).

A shape implements ``intersect(o, d) -> (t, hit)`` or ``(t, hit, prim)`` (distance along unit
rays, a boolean mask of the rays that hit at t > 0, and which sub-primitive each ray hit: a
box's face, a mesh's triangle, a CSG node's surface) and ``normals(p, d, prim=None) -> n``
(unit normals at hit points). ``o``, ``d`` and ``p`` are triples of arrays (or floats: primary
rays share the camera origin), float64. ``bounds()`` gives the world-space box around it.

Every shape can be moved: ``.translated``, ``.rotated`` and ``.scaled`` return new shapes.
"""

from __future__ import annotations

import numpy as np

from ..errors import SceneError, caller_site
from ..shading.materials import Material

Triple = tuple  # (x, y, z): arrays or floats
Bounds = tuple  # ((x0, y0, z0), (x1, y1, z1))

INF = float("inf")


class Shape:
    """Base of all primitives: a material and where the scene created it."""

    material: Material

    def __init__(self, material: Material | None) -> None:
        self.material = Material() if material is None else material
        self._site = caller_site()

    def prepare(self) -> None:
        """Validate the user's numbers and cache them as floats (raises SceneError)."""

    def bounds(self) -> Bounds:
        """Return the world-space box around the shape (infinite when unknown)."""
        return (-INF, -INF, -INF), (INF, INF, INF)

    def intersect(self, o: Triple, d: Triple) -> tuple:
        raise NotImplementedError

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple:
        raise NotImplementedError

    def translated(self, dx: float, dy: float, dz: float) -> Shape:
        """Return this shape moved by (dx, dy, dz)."""
        from .transform import transformed, translation

        site = caller_site()
        return transformed(self, translation(dx, dy, dz, site), site)

    def rotated(self, axis, degrees: float) -> Shape:
        """Return this shape turned by ``degrees`` about ``axis`` (a Vector) through the origin."""
        from .transform import rotation, transformed

        site = caller_site()
        return transformed(self, rotation(axis, degrees, site), site)

    def scaled(self, sx: float, sy: float | None = None, sz: float | None = None) -> Shape:
        """Return this shape scaled about the origin (one factor: uniformly)."""
        from .transform import scaling, transformed

        site = caller_site()
        return transformed(self, scaling(sx, sy, sz, site), site)


def state_repr(obj) -> str:
    """Return a shape's prepared state as text, the same in every process (no addresses).

    SceneArrays.fingerprint_bytes hashes shapes' underscore attributes by their repr.
    """
    state = sorted((k, v) for k, v in vars(obj).items() if k.startswith("_") and k != "_site")
    return f"{type(obj).__name__}({', '.join(f'{k}={v!r}' for k, v in state)})"


def prepare_all(objects) -> None:
    """Validate every object of a scene."""
    for obj in objects:
        if not isinstance(obj, Shape):
            raise SceneError(f"OBJECTS holds {obj!r}, which is not a shape (Sphere, Plane, ...)")
        obj.prepare()


def as_arrays(o: Triple, d: Triple) -> tuple[Triple, Triple]:
    """Return rays with every component a float64 array of the rays' common shape."""
    shape = np.shape(d[0])
    o = tuple(np.broadcast_to(np.asarray(c, dtype=np.float64), shape) for c in o)
    return o, tuple(np.asarray(c, dtype=np.float64) for c in d)
