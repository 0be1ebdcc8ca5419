"""The shape interface: every primitive intersects many rays at once (structure of arrays).

``o``, ``d`` and ``p`` are triples of float64 arrays (``o`` may be a triple of floats: primary
rays share the camera origin); ``d`` holds unit directions. A shape implements:

- ``intersect(o, d) -> (t, hit)`` or ``(t, hit, prim)``: distances along the rays, a boolean
  mask of the rays that hit at ``t > 0``, and optionally an intp array naming the
  sub-primitive hit (a triangle of a mesh, a leaf of a CSG node), meaningful where ``hit``.
- ``normals(p, d[, prim]) -> (nx, ny, nz)``: unit normals at hit points ``p`` of rays ``d``;
  ``prim`` (the values ``intersect`` returned for these hits) is passed only by shapes whose
  ``intersect`` returns one.
- ``bounds() -> ((x0, y0, z0), (x1, y1, z1))``: a world-space box holding every hit the shape
  can report (+-inf where unbounded; the default is everything). The acceleration structure
  files shapes by it: a shape reports no hit outside it (beyond rounding: a hit may stray
  by a millionth of its distance from the ray origin, as float64 sphere tests do).
- ``materials() -> list[Material]`` (default ``[self.material]``) and
  ``material_ids(prim) -> intp array`` (default zeros): several materials in one shape, as a
  CSG cut shows the cutter's material. The kernel keeps one table of every material.

Many shapes, fast: the acceleration structure (accel/aggregates.py) takes shapes in
:class:`Batch` es. A Shape class may define a classmethod ``batch(shapes) -> Batch`` holding
many instances (Sphere does), and a shape made of many primitives may define
``primitives() -> Batch`` (a mesh's triangles: many primitives, one OBJECTS entry, ``prim`` =
the triangle's index in the batch). A shape with neither still works: its bounds go in the
structure and its own ``intersect`` runs on the rays that may hit it.
Ties between equal distances go to the earlier object in OBJECTS, then to the lower prim.

Every shape can be moved: ``.translated``, ``.rotated`` and ``.scaled`` return new shapes.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from ..errors import caller_site
from ..shading.materials import Material
from .matrices import rotation, scaling, translation

Triple = tuple  # (x, y, z): arrays or floats
Bounds = tuple[tuple[float, float, float], tuple[float, float, float]]

INF = float("inf")
INF_BOX: Bounds = ((-INF, -INF, -INF), (INF, INF, INF))


class Batch:
    """Many primitives for the acceleration structure: their boxes and an exact pair test.

    ``lo`` and ``hi`` are (m, 3) float64 arrays of per-primitive bounds (see
    ``Shape.bounds``). ``intersect_pairs(o, d, rays, prims)`` tests ray ``rays[i]`` against
    primitive ``prims[i]`` for every i, with the SAME arithmetic as the shape's
    ``intersect`` (the distances must be bit-identical), and returns ``(t, ok)`` like
    ``intersect`` (or ``(t, ok, prim)`` to report a prim per pair; a shape's own
    primitives() report their index by default). ``rays`` may be None: then ``o`` and ``d``
    line up with ``prims`` already, or ``prims`` is one index tested against every ray.

    A class's batch (one primitive per shape) may also define ``normals(p, d, prims)``: the
    kernel then asks it once for the hits on all its shapes instead of shape by shape.
    """

    lo: np.ndarray
    hi: np.ndarray

    def __len__(self) -> int:
        return len(self.lo)

    def intersect_pairs(self, o: Triple, d: Triple, rays, prims) -> tuple:
        raise NotImplementedError


class Hittable(Protocol):
    """What the acceleration structure and the kernel ask of each object of a scene.

    Every :class:`Shape` is one; so is what the kernel puts in a shape's place (a glass
    sphere tested with both roots). The methods are described at the top of this module.
    """

    def bounds(self) -> Bounds: ...

    def intersect(self, o: Triple, d: Triple) -> tuple: ...

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple: ...

    def materials(self) -> list[Material]: ...

    def material_ids(self, prim: np.ndarray) -> np.ndarray: ...

    @classmethod
    def batch(cls, shapes: list) -> Batch | None: ...

    def primitives(self) -> Batch | None: ...


def gather(v: Triple, rays) -> Triple:
    """Return the rays' components of a triple (floats stay floats; None keeps all rays)."""
    if rays is None:
        return v
    return tuple(a[rays] if isinstance(a, np.ndarray) else a for a in v)


class Shape:
    """Base of all primitives: a material and where the scene created it."""

    material: Material

    def __init__(self, material: Material | None) -> None:
        self.material = Material() if material is None else material
        self._site = caller_site()

    def prepare(self) -> None:
        """Validate the user's numbers and cache them as floats (raises SceneError)."""

    def intersect(self, o: Triple, d: Triple) -> tuple:
        raise NotImplementedError

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple:
        raise NotImplementedError

    def bounds(self) -> Bounds:
        """Return the world-space box holding the shape (default: unbounded)."""
        return INF_BOX

    def materials(self) -> list[Material]:
        """Return every material this shape shows (material_ids index this list)."""
        return [self.material]

    def material_ids(self, prim: np.ndarray) -> np.ndarray:
        """Return, per hit, the index into materials() of the material hit."""
        return np.zeros(np.shape(prim), dtype=np.intp)

    @classmethod
    def batch(cls, shapes: list) -> Batch | None:
        """Return a Batch of many instances of this class, or None (no batch: one by one)."""
        return None

    def primitives(self) -> Batch | None:
        """Return a Batch of this shape's own primitives (a mesh's triangles), or None."""
        return None

    def translated(self, dx: float, dy: float, dz: float) -> Shape:
        """Return this shape moved by (dx, dy, dz)."""
        site = caller_site()
        return _moved(self, translation(dx, dy, dz, site), site)

    def rotated(self, axis, degrees: float) -> Shape:
        """Return this shape turned by ``degrees`` about ``axis`` (a Vector) through the origin."""
        site = caller_site()
        return _moved(self, rotation(axis, degrees, site), site)

    def scaled(self, sx: float, sy: float | None = None, sz: float | None = None) -> Shape:
        """Return this shape scaled about the origin (one factor: uniformly)."""
        site = caller_site()
        return _moved(self, scaling(sx, sy, sz, site), site)


def _moved(shape: Shape, m: np.ndarray, site) -> Shape:
    """Return ``shape`` seen through matrix ``m`` (transform.transformed)."""
    # The one deliberate import circle of geometry/: a Transformed is a Shape (transform.py
    # imports this module) and every Shape's fluent .translated/.rotated/.scaled returns one.
    # Imported here, when a scene first moves a shape, so either module can be imported first.
    from .transform import transformed

    return transformed(shape, m, site)


def state_repr(obj) -> str:
    """Return a shape's prepared state as text, the same in every process (no addresses).

    SceneArrays.fingerprint_bytes hashes shapes' underscore attributes by their repr.
    """
    state = sorted((k, v) for k, v in vars(obj).items() if k.startswith("_") and k != "_site")
    return f"{type(obj).__name__}({', '.join(f'{k}={v!r}' for k, v in state)})"


def as_arrays(o: Triple, d: Triple) -> tuple[Triple, Triple]:
    """Return rays with every component a float64 array of the rays' common shape."""
    shape = np.shape(d[0])
    o = tuple(np.broadcast_to(np.asarray(c, dtype=np.float64), shape) for c in o)
    return o, tuple(np.asarray(c, dtype=np.float64) for c in d)
