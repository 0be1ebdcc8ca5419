"""Triangle meshes, from arrays or Wavefront OBJ files; closed meshes are CSG solids.

Normals: smooth (interpolated from per-vertex normals) where the mesh has them (or computes
them: ``smooth=True``, or ``smooth=<degrees>`` to keep sharper edges: smoothing.py), flat
otherwise. A closed mesh (every edge shared by exactly two triangles) has an inside: its
normals point outward (the winding's side, flipped if its signed volume is negative) and it
takes part in CSG. An open mesh's normals face the ray, like a Plane's.
"""

from __future__ import annotations

import os

import numpy as np

from ..arrays import unit
from ..datafiles import read_scene_file
from ..errors import caller_site, error_at
from ..shading.materials import Material
from .bvh import LazyBVH
from .intervals import Intervals, from_crossings
from .matrices import affine_rows
from .obj import parse_obj
from .shape import Batch, Shape, Triple, as_arrays, state_repr
from .smoothing import FULL_TURN, corner_normals
from .triangles import TriangleArrays, hit_pairs


class Mesh(Shape):
    """Triangles over ``vertices`` ((n, 3) numbers); ``faces`` are index triples from 0.

    ``normals`` (one per vertex) shade the triangles smoothly; without them each is flat.
    :meth:`from_obj` reads a Wavefront OBJ file instead.
    """

    __repr__ = state_repr

    def __init__(
        self, vertices, faces, material: Material | None = None, normals=None, smooth=False
    ) -> None:
        super().__init__(material)
        self.vertices = vertices
        self.faces = faces
        self.normals_in = normals  # optional (n, 3) per-vertex normals: smooth shading
        #: Corners without given normals: None flat, else the crease angle in degrees.
        self.crease = _crease(smooth, self._site)
        # from OBJ: (m, 3) indices into normals_in, -1 where a corner has none
        self._corner_index: np.ndarray | None = None
        self._origin: tuple[Mesh, np.ndarray] | None = None  # moved(): the mesh and matrix
        self._built = False

    @classmethod
    def from_obj(
        cls,
        path: str | os.PathLike,
        material: Material | None = None,
        up: str = "-y",
        smooth: bool | float = False,
    ) -> Mesh:
        """Read a Wavefront OBJ file (relative paths: from the scene's folder).

        ``up``: the model's up axis, "y" (most modelling tools), "z" (CAD, Blender's own) or
        "-y" (already this world's: y points down); the model is turned upright by a proper
        rotation ("y": 180 degrees about x; "z": 90 degrees about x, +z to -y, the right-hand rule).
        ``smooth``: True to shade with angle-weighted vertex normals, or a crease angle in
        degrees (edges sharper than it stay sharp); ``vn`` normals in the file win.
        """
        full, data = read_scene_file(path, "OBJ file")
        obj = parse_obj(full, data)
        turn = UP_TURNS.get(up) if isinstance(up, str) else None
        if turn is None:
            site = caller_site()
            raise error_at(site, f"Mesh.from_obj up must be 'y', 'z' or '-y', got {up!r}")
        vertices, normals = obj.vertices, obj.normals
        if up != "-y":  # as in the file: the very numbers
            vertices = vertices @ turn.T
            normals = None if normals is None else normals @ turn.T
        mesh = cls(vertices, obj.faces, material, normals, smooth)
        mesh._corner_index = obj.face_normals
        return mesh

    def _moved_by(self, m: np.ndarray) -> Mesh | None:
        """Return this mesh moved by affine matrix ``m`` (its space to the world's): a Mesh.

        An affine image of triangles is triangles: the vertices move (each coordinate summed
        in a fixed order: the same numbers on every machine) and the normals that shade it
        (given, or computed in its own space) turn by the inverse transpose, as a moved
        shape's do. Outward stays outward through a mirror too: a closed mesh orients by its
        signed volume. Moves compose from the first mesh (one rounding, not one per move).
        A moved mesh is an ordinary one, on the compiled path. None: ``m`` has no inverse.
        """
        base, total = (self, m) if self._origin is None else (self._origin[0], m @ self._origin[1])
        if abs(np.linalg.det(total[:3, :3])) == 0:
            return None
        moved = Mesh.__new__(Mesh)
        moved.__dict__.update(base.__dict__)
        moved.vertices = affine_rows(total, base._arrays()[0], shift=True)
        moved._origin, moved._built = (base, total), False
        return moved

    def prepare(self) -> None:
        if self._built:
            return
        v, f = self._arrays()
        a, b, c = TriangleArrays.gather(v, f)
        self._tris = TriangleArrays.of_mesh(v, f, (a, b, c))
        self._corners = self._corner_normals(v, f)
        self._origin = None  # the scene has made its moves: the mesh it came from stays home
        self._closed = _is_closed(f)
        volume = float(np.einsum("ij,ij->", self._tris.a, np.cross(b, c)))
        self._orient = -1.0 if self._closed and volume < 0 else 1.0
        self._flat = self._tris.geometric_normals() * self._orient
        self._bvh = LazyBVH(self._tris)  # built when a ray first needs it
        self._built = True

    def _arrays(self):
        try:
            v = np.asarray(self.vertices, dtype=np.float64)  # an OBJ's own arrays: no copy
            f = np.asarray(self.faces)
        except (TypeError, ValueError) as exc:
            raise error_at(self._site, f"Mesh vertices and faces must be numbers: {exc}") from None
        if v.ndim != 2 or v.shape[1] != 3 or not np.isfinite(v).all():
            raise error_at(
                self._site, f"Mesh vertices must be (n, 3) finite numbers, got shape {v.shape}"
            )
        if f.ndim != 2 or f.shape[1] != 3 or f.shape[0] == 0 or f.dtype.kind not in "iu":
            raise error_at(
                self._site, f"Mesh faces must be (m, 3) whole-number indices, got shape {f.shape}"
            )
        bad = (f < 0) | (f >= len(v))
        if bad.any():
            row = int(np.flatnonzero(bad.any(axis=1))[0])
            msg = (
                f"Mesh face {row} has an index out of range: {f[row].tolist()} (vertices: {len(v)})"
            )
            raise error_at(self._site, msg)
        return v, f.astype(np.intp, copy=False)

    def _corner_normals(self, v, f):
        if self._origin is not None:  # moved: its own space's normals, turned
            base, total = self._origin
            own = base._corner_normals(*base._arrays())
            return None if own is None else _turned(own, np.linalg.inv(total[:3, :3]).T)
        given = self._given_normals(v, f)
        if self.crease is None:
            return given
        computed = corner_normals(v, f, self.crease)
        if given is None:
            return computed
        return np.where(np.isfinite(given).all(axis=2, keepdims=True), given, computed)

    def _given_normals(self, v, f):
        if self.normals_in is None:
            return None
        n = np.array(self.normals_in, dtype=np.float64)
        if self._corner_index is None:  # per-vertex normals given in code
            if n.shape != v.shape:
                raise error_at(
                    self._site,
                    f"Mesh normals must have the vertices' shape {v.shape}, got {n.shape}",
                )
            idx = f
        else:
            idx = self._corner_index
        with np.errstate(invalid="ignore", divide="ignore"):
            n = n / np.linalg.norm(n, axis=1, keepdims=True)  # zero normals: nan, shade flat
        corners = n[np.maximum(idx, 0)]  # (m, 3 corners, 3)
        corners[idx < 0] = np.nan  # faces without normals shade flat
        return corners

    @property
    def closed(self) -> bool:
        self.prepare()
        return self._closed

    @property
    def face_count(self) -> int:
        self.prepare()
        return len(self._tris)

    def bounds(self):
        self.prepare()
        lo, hi = self._tris.lo.min(axis=0), self._tris.hi.max(axis=0)
        return tuple(lo.tolist()), tuple(hi.tolist())

    def intersect(self, o: Triple, d: Triple) -> tuple:
        o, d = as_arrays(o, d)
        t, prim = self._bvh.nearest(o, d)
        hit = prim >= 0
        return t, hit, np.maximum(prim, 0)

    def intervals(self, o: Triple, d: Triple) -> Intervals:
        if not self._closed:
            raise error_at(self._site, "an open Mesh has no inside (CSG needs a closed mesh)")
        rays, t, prims = self._bvh.all_hits(o, d)
        dn = sum(d[k][rays] * self._flat[prims, k] for k in range(3))
        delta = np.where(dn < 0, 1, -1)
        return from_crossings(d[0].shape[0], rays, t, prims, delta)

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple:
        if prim is None:
            raise ValueError("Mesh normals need the prim ids its intersect returned")
        p, d = as_arrays(p, d)
        prim = np.asarray(prim, dtype=np.intp)
        n = self._flat[prim].T.copy()
        if self._corners is not None:
            smooth = self._smooth(p, prim)
            ok = np.isfinite(smooth).all(axis=0)
            agree = np.where((smooth * n).sum(axis=0) < 0, -1.0, 1.0)  # the winding's side
            n[:, ok] = (smooth * agree)[:, ok]
        if not self._closed:  # face the ray
            facing = np.where((n[0] * d[0] + n[1] * d[1] + n[2] * d[2]) > 0, -1.0, 1.0)
            n *= facing
        return unit(n[0], n[1], n[2])

    def _smooth(self, p: Triple, prim: np.ndarray) -> np.ndarray:
        """Interpolate the corner normals at points p by their barycentric coordinates."""
        e1, e2 = self._tris.e1[prim], self._tris.e2[prim]
        w = np.stack(p, axis=1) - self._tris.a[prim]
        d00, d01, d11 = (e1 * e1).sum(1), (e1 * e2).sum(1), (e2 * e2).sum(1)
        d20, d21 = (w * e1).sum(1), (w * e2).sum(1)
        den = d00 * d11 - d01 * d01
        b = (d11 * d20 - d01 * d21) / den
        c = (d00 * d21 - d01 * d20) / den
        corners = self._corners[prim]
        s = (
            corners[:, 0] * (1 - b - c)[:, None]
            + corners[:, 1] * b[:, None]
            + corners[:, 2] * c[:, None]
        )
        return s.T

    def primitives(self) -> TriangleBatch:
        """Return the triangles as a batch for a scene-wide acceleration structure."""
        self.prepare()
        return TriangleBatch(self._tris)


class TriangleBatch(Batch):
    """Per-triangle bounds and the exact pair test, for the acceleration structure."""

    def __init__(self, tris: TriangleArrays) -> None:
        self.tris = tris
        self.lo, self.hi = tris.lo, tris.hi

    def __getstate__(self) -> dict:
        return {"tris": self.tris}  # the bounds are the triangles' own (rebuilt with them)

    def __setstate__(self, state: dict) -> None:
        self.tris = state["tris"]
        self.lo, self.hi = self.tris.lo, self.tris.hi

    def intersect_pairs(self, o, d, rays, prims):
        if rays is None:  # the rays line up with prims already, or prims is one triangle
            rays = np.arange(len(d[0]))
            prims = np.broadcast_to(prims, rays.shape)
        t, ok, _u, _v = hit_pairs(self.tris, o, d, rays, prims)
        return t, ok


#: A model's up axis -> the rotation that turns it into this world (y points down).
UP_TURNS = {
    "-y": np.eye(3),
    "y": np.array([[1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, -1.0]]),
    "z": np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]]),
}


def _turned(corners: np.ndarray, turn: np.ndarray) -> np.ndarray:
    """Return unit corner normals (faces, 3, 3) turned by ``turn`` (NaN stays: shade flat)."""
    n = affine_rows(turn, corners.reshape(-1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        n = n / np.linalg.norm(n, axis=1, keepdims=True)
    return n.reshape(corners.shape)


def _crease(smooth, site) -> float | None:
    """Return the crease angle ``smooth`` asks for (None: flat); raise SceneError if bad."""
    if smooth is False or smooth is None:
        return None
    if smooth is True:
        return FULL_TURN
    if isinstance(smooth, (int, float)) and 0 <= smooth <= FULL_TURN:
        return float(smooth)
    raise error_at(
        site, f"Mesh smooth must be True, False or a crease angle from 0 to 180, got {smooth!r}"
    )


def _is_closed(f: np.ndarray) -> bool:
    """Tell whether every edge is shared by exactly two triangles."""
    after = np.roll(f, -1, axis=1)  # edges (0, 1), (1, 2), (2, 0)
    lo, hi = np.minimum(f, after).ravel(), np.maximum(f, after).ravel()
    key = lo.astype(np.int64) * (int(f.max()) + 1) + hi
    key.sort()  # then each edge appears as one pair, unlike the pairs beside it
    pairs = key.size % 2 == 0 and bool((key[0::2] == key[1::2]).all())
    return pairs and bool((key[1:-1:2] != key[2::2]).all())
