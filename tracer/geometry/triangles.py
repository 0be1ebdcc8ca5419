"""Möller-Trumbore ray/triangle tests for (ray, triangle) pairs, vectorised, float64.

Meshes, their acceleration structure and the single Triangle all call :func:`hit_pairs`, so
a triangle gives the same distance bit for bit whichever way it is reached.
"""

from __future__ import annotations

import numpy as np

#: Determinants smaller than this fraction of |e1| |e2| (rays in the triangle's plane) miss:
#: relative, so a triangle's grazing rays hit alike at any scale.
EPS = 1e-12


class TriangleArrays:
    """Triangles as (m, 3) float64 arrays: a corner and the two edges from it."""

    def __init__(self, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> None:
        self._corners(a, b, c)
        lengths = np.linalg.norm(self.e1, axis=1) * np.linalg.norm(self.e2, axis=1)
        self.tol = EPS * lengths  # the smallest |det| that counts
        self._mesh: tuple | None = None

    def _corners(self, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> None:
        self.a = np.ascontiguousarray(a, dtype=np.float64)
        self.e1 = np.ascontiguousarray(b - a, dtype=np.float64)
        self.e2 = np.ascontiguousarray(c - a, dtype=np.float64)
        self.lo = np.minimum(np.minimum(a, b), c)
        self.hi = np.maximum(np.maximum(a, b), c)

    @staticmethod
    def gather(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, ...]:
        """Return the corners (a, b, c) of triangles ``faces`` (m, 3) over ``vertices``."""
        return tuple(np.take(vertices, faces[:, k], axis=0) for k in range(3))

    @classmethod
    def of_mesh(cls, vertices: np.ndarray, faces: np.ndarray, corners=None) -> TriangleArrays:
        """Return the triangles ``faces`` (m, 3) over ``vertices`` (n, 3 float64).

        ``corners``: their corners if gathered already (:meth:`gather`).
        """
        tris = cls(*(corners or cls.gather(vertices, faces)))
        tris._mesh = (vertices, faces)
        return tris

    def __getstate__(self) -> dict:
        """Travel as the mesh's vertices and faces where it has them (a third of the bytes).

        The corners, edges and boxes come back by gathers, subtractions, minima and maxima:
        exact in IEEE arithmetic, the same bits on any machine. ``tol`` (a square root) travels.
        """
        if self._mesh is None:
            return self.__dict__
        return {"_mesh": self._mesh, "tol": self.tol}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if "a" not in state:
            v, f = state["_mesh"]
            self._corners(*self.gather(v, f))

    def __len__(self) -> int:
        return len(self.a)

    def __repr__(self) -> str:
        return f"TriangleArrays({len(self)} triangles)"

    def geometric_normals(self) -> np.ndarray:
        """Return the unit normals e1 x e2 (zero-area triangles give zeros)."""
        n = np.cross(self.e1, self.e2)
        m = np.linalg.norm(n, axis=1, keepdims=True)
        return np.divide(n, m, out=np.zeros_like(n), where=m > 0)


def hit_pairs(tris: TriangleArrays, o, d, rays, prims, any_sign: bool = False):
    """Return (t, hit, u, v) of rays[i] against triangles prims[i].

    ``o``, ``d`` are triples of ray arrays (o may hold floats); t > 0 hits only unless
    ``any_sign`` (CSG wants the whole line).
    """
    a, e1, e2 = tris.a[prims], tris.e1[prims], tris.e2[prims]
    dx, dy, dz = (c[rays] for c in d)
    ox, oy, oz = (c[rays] if isinstance(c, np.ndarray) and c.ndim else c for c in o)
    px = dy * e2[:, 2] - dz * e2[:, 1]
    py = dz * e2[:, 0] - dx * e2[:, 2]
    pz = dx * e2[:, 1] - dy * e2[:, 0]
    det = e1[:, 0] * px + e1[:, 1] * py + e1[:, 2] * pz
    ok = np.abs(det) > tris.tol[prims]
    inv = 1.0 / np.where(ok, det, 1.0)
    sx, sy, sz = ox - a[:, 0], oy - a[:, 1], oz - a[:, 2]
    u = (sx * px + sy * py + sz * pz) * inv
    qx = sy * e1[:, 2] - sz * e1[:, 1]
    qy = sz * e1[:, 0] - sx * e1[:, 2]
    qz = sx * e1[:, 1] - sy * e1[:, 0]
    v = (dx * qx + dy * qy + dz * qz) * inv
    t = (e2[:, 0] * qx + e2[:, 1] * qy + e2[:, 2] * qz) * inv
    ok &= (u >= 0) & (v >= 0) & (u + v <= 1)
    if not any_sign:
        ok &= t > 0
    return t, ok, u, v
