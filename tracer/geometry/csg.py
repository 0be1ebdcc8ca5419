"""Constructive solid geometry: union, intersection and difference of closed solids.

A node asks each child for the ray's inside intervals and combines them (intervals.combine),
so nodes nest freely. Hits carry a surface id: the child's ids shifted past the earlier
children's (``prim``), which finds the child that owns the surface for its normal and its
material. A surface keeps its own solid's material (a cut shows the cutter's, as in POV-Ray)
unless the node has ``material=``, which paints the whole. Normals point out of the result:
a cutter's surfaces in a Difference are turned around.
"""

from __future__ import annotations

import numpy as np

from ..errors import error_at
from ..shading.materials import Material
from .intervals import Intervals, combine, first_hit
from .shape import INF, Shape, Triple, as_arrays
from .solid import Solid, bounds_of, material_ids_of, materials_of, solid_of


class CSG(Solid):
    """A Boolean combination of closed solids (see Union, Intersection, Difference)."""

    op = ""

    def __init__(self, *solids: Shape, material: Material | None = None) -> None:
        super().__init__(material)
        self.solids = list(solids)
        self.painted = material is not None

    def prepare(self) -> None:
        name = type(self).__name__
        if not self.solids:
            raise error_at(self._site, f"{name} needs at least one solid")
        parts = [solid_of(s, self._site, self._role(i)) for i, s in enumerate(self.solids)]
        for s in self.solids:
            s.prepare()
        self._parts = parts
        counts = [int(p.face_count) for p in parts]
        self._offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.intp)
        self.face_count = int(self._offsets[-1])
        self._flip = [self.op == "difference" and i > 0 for i in range(len(parts))]
        mats = [materials_of(p) for p in parts]
        self._mat_offsets = np.concatenate(([0], np.cumsum([len(m) for m in mats])))
        self.palette = [self.material] if self.painted else [m for ms in mats for m in ms]
        self._lo, self._hi = self._bounds([bounds_of(p) for p in parts])

    def _role(self, i: int) -> str:
        return f"{type(self).__name__} operand {i + 1}"

    def _bounds(self, boxes):
        los, his = np.array([b[0] for b in boxes]), np.array([b[1] for b in boxes])
        if self.op == "union":
            lo, hi = los.min(axis=0), his.max(axis=0)
        elif self.op == "intersection":
            lo, hi = los.max(axis=0), his.min(axis=0)
        else:
            lo, hi = los[0], his[0]
        return tuple(lo.tolist()), tuple(hi.tolist())

    def bounds(self):
        return self._lo, self._hi

    def intervals(self, o: Triple, d: Triple) -> Intervals:
        parts = [p.intervals(o, d) for p in self._parts]
        return combine(self.op, parts, list(self._offsets[:-1]))

    def intersect(self, o: Triple, d: Triple) -> tuple:
        o, d = as_arrays(o, d)
        n = d[0].shape[0]
        near = np.flatnonzero(_box_hits(self._lo, self._hi, o, d))
        t = np.full(n, np.inf)
        hit = np.zeros(n, dtype=bool)
        prim = np.zeros(n, dtype=np.intp)
        if near.size:
            sub_o, sub_d = tuple(c[near] for c in o), tuple(c[near] for c in d)
            t[near], hit[near], prim[near] = first_hit(self.intervals(sub_o, sub_d))
        return t, hit, prim

    def _owner(self, prim) -> np.ndarray:
        return np.searchsorted(self._offsets, np.asarray(prim, dtype=np.intp), side="right") - 1

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple:
        if prim is None:
            raise ValueError("CSG normals need the prim ids its intersect returned")
        p, d = as_arrays(p, d)
        owner = self._owner(prim)
        out = tuple(np.zeros(owner.shape) for _ in range(3))
        for c, part in enumerate(self._parts):
            sel = np.flatnonzero(owner == c)
            if sel.size == 0:
                continue
            local = np.asarray(prim)[sel] - self._offsets[c]
            n = part.normals(tuple(a[sel] for a in p), tuple(a[sel] for a in d), local)
            sign = -1.0 if self._flip[c] else 1.0
            for k in range(3):
                out[k][sel] = sign * np.asarray(n[k])
        return out

    def materials(self) -> list:
        return self.palette

    def material_ids(self, prim: np.ndarray) -> np.ndarray:
        owner = self._owner(prim)
        ids = np.zeros(owner.shape, dtype=np.intp)
        if self.painted:
            return ids
        for c, part in enumerate(self._parts):
            sel = np.flatnonzero(owner == c)
            if sel.size:
                local = np.asarray(prim)[sel] - self._offsets[c]
                ids[sel] = material_ids_of(part, local) + self._mat_offsets[c]
        return ids


class Union(CSG):
    """Everything inside any of the solids."""

    op = "union"


class Intersection(CSG):
    """What is inside all the solids."""

    op = "intersection"


class Difference(CSG):
    """The first solid with the others cut away; cut faces show the cutters' materials."""

    op = "difference"

    def _role(self, i: int) -> str:
        return "Difference solid" if i == 0 else f"Difference cutter {i}"


def _box_hits(lo, hi, o: Triple, d: Triple) -> np.ndarray:
    """Return which rays' lines pass through the box (either direction; CSG needs both)."""
    if not all(np.isfinite(lo)) or not all(np.isfinite(hi)):
        return np.ones(d[0].shape, dtype=bool)
    near = np.full(d[0].shape, -INF)
    far = np.full(d[0].shape, INF)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in range(3):
            inv = 1.0 / d[k]
            t1, t2 = (lo[k] - o[k]) * inv, (hi[k] - o[k]) * inv
            near = np.fmax(near, np.fmin(t1, t2))
            far = np.fmin(far, np.fmax(t1, t2))
    return (near <= far) & (far > 0)
