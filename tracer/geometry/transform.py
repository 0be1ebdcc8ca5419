"""Moved, turned and scaled shapes: rays go into the shape's own space, normals come back.

A :class:`Transformed` shape holds its shape and a 4x4 affine matrix (shape space to world
space). Rays are mapped by the inverse; their directions are re-normalised, so distances are
divided by the length the unit direction got. Normals map by the inverse transpose, which
keeps them perpendicular under non-uniform scale. Chains of transforms compose into one
matrix. Spheres and planes moved by rotations, translations and uniform scales stay plain
Spheres and Planes (exact, and on the kernel's fast path), and meshes moved by any affine
matrix stay Meshes, their vertices moved (Mesh._moved_by: on the compiled path). The matrices:
matrices.py.
"""

from __future__ import annotations

import math

import numpy as np

from ..arrays import unit
from ..vector import Point, Vector
from .intervals import Intervals
from .mesh import Mesh
from .plane import Plane
from .shape import INF, Shape, Triple, as_arrays, state_repr
from .solid import bounds_of, material_ids_of, materials_of, solid_of
from .sphere import Sphere


def transformed(shape: Shape, m: np.ndarray, site) -> Shape:
    """Return ``shape`` moved by matrix ``m`` (composing with any transform it has)."""
    if isinstance(shape, Transformed):
        return Transformed(shape.shape, m @ shape.matrix, site)
    exact = _exact(shape, m)
    return exact if exact is not None else Transformed(shape, m, site)


def _similarity(m: np.ndarray) -> float | None:
    """Return the scale of a rotation + uniform scale, or None for any other linear part."""
    lin = m[:3, :3]
    gram = lin.T @ lin
    s2 = gram[0, 0]
    return math.sqrt(s2) if np.allclose(gram, s2 * np.eye(3), rtol=1e-12, atol=0) else None


def _exact(shape: Shape, m: np.ndarray) -> Shape | None:
    """Return a plain Sphere, Plane or Mesh equal to the moved shape, when there is one."""
    scale = _similarity(m)
    moved: Shape | None
    try:
        if type(shape) is Mesh:
            moved = shape._moved_by(m)
            if moved is None:
                return None
        elif isinstance(shape, Sphere) and scale is not None:
            c = _apply(m, (float(shape.center.x), float(shape.center.y), float(shape.center.z)))
            moved = Sphere(Point(*c), float(shape.radius) * scale, shape.material)
        elif isinstance(shape, Plane):
            p = _apply(m, (float(shape.point.x), float(shape.point.y), float(shape.point.z)))
            n = np.linalg.inv(m[:3, :3]).T @ [shape.normal.x, shape.normal.y, shape.normal.z]
            moved = Plane(Point(*p), Vector(*(float(v) for v in n)), shape.material)
        else:
            return None
    except (AttributeError, TypeError, ValueError):
        return None  # bad numbers: the wrapper's prepare() reports them at the shape's line
    moved._site = shape._site
    return moved


def _apply(m: np.ndarray, p) -> list[float]:
    x, y, z = p
    return [float(m[k, 0] * x + m[k, 1] * y + m[k, 2] * z + m[k, 3]) for k in range(3)]


def _linear(m: np.ndarray, v: Triple) -> list:
    return [m[k, 0] * v[0] + m[k, 1] * v[1] + m[k, 2] * v[2] for k in range(3)]


class Transformed(Shape):
    """A shape seen through an affine matrix (shape space -> world space)."""

    __repr__ = state_repr

    def __init__(self, shape: Shape, matrix: np.ndarray, site) -> None:
        self.shape = shape
        self.matrix = matrix
        self.material = shape.material
        self._site = site

    @property
    def closed(self) -> bool:
        return isinstance(self.shape, Sphere) or bool(getattr(self.shape, "closed", False))

    @property
    def face_count(self) -> int:
        return int(getattr(self.shape, "face_count", 1))

    def prepare(self) -> None:
        self.shape.prepare()
        self._inv = np.linalg.inv(self.matrix)
        self._normal_m = self._inv[:3, :3].T
        self._solid = solid_of(self.shape, self._site, "shape") if self.closed else None

    def _local(self, o: Triple, d: Triple):
        inv = self._inv
        lo = [inv[k, 0] * o[0] + inv[k, 1] * o[1] + inv[k, 2] * o[2] + inv[k, 3] for k in range(3)]
        ld = _linear(inv, d)
        stretch = np.sqrt(ld[0] * ld[0] + ld[1] * ld[1] + ld[2] * ld[2])
        return tuple(lo), tuple(c / stretch for c in ld), stretch

    def intersect(self, o: Triple, d: Triple) -> tuple:
        lo, ld, stretch = self._local(*as_arrays(o, d))
        t, hit, *rest = self.shape.intersect(lo, ld)
        return (t / stretch, hit, *rest)

    def intervals(self, o: Triple, d: Triple) -> Intervals:
        assert self._solid is not None
        lo, ld, stretch = self._local(o, d)
        iv = self._solid.intervals(lo, ld)
        s = stretch[:, None]
        return Intervals(iv.t_in / s, iv.t_out / s, iv.id_in, iv.id_out)

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple:
        lp, ld, _ = self._local(*as_arrays(p, d))
        inner = self._solid if self._solid is not None else self.shape
        n = inner.normals(lp, ld, prim)
        n = np.broadcast_arrays(*n, np.empty(np.shape(d[0])))[:3]
        return unit(*(np.array(c, dtype=np.float64) for c in _linear(self._normal_m, n)))

    def bounds(self):
        (x0, y0, z0), (x1, y1, z1) = bounds_of(self.shape)
        if not all(math.isfinite(v) for v in (x0, y0, z0, x1, y1, z1)):
            return (-INF, -INF, -INF), (INF, INF, INF)
        corners = np.array([[x, y, z, 1.0] for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)])
        world = corners @ self.matrix.T
        lo, hi = world[:, :3].min(axis=0), world[:, :3].max(axis=0)
        return tuple(lo.tolist()), tuple(hi.tolist())

    def materials(self) -> list:
        return materials_of(self.shape)

    def material_ids(self, prim: np.ndarray) -> np.ndarray:
        return material_ids_of(self.shape, prim)
