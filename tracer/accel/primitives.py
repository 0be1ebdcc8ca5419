"""Every object of a scene as primitives: global ids ordered by (object, prim), exact tests.

A class's batch (Shape.batch) holds many objects, one primitive each; a shape's own
primitives() hold one object's many; any other shape is one primitive tested by its own
intersect. Ties between global ids are ties in (object, prim) order.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..errors import error_at
from ..geometry.shape import Batch, Hittable, gather


class ShapeBatch(Batch):
    """One shape without a batch: its box, and its own intersect on the rays that may hit it."""

    def __init__(self, shape: Hittable, index: int) -> None:
        self.shape = shape
        self.index = index  # the shape's place in OBJECTS
        try:
            box = np.array(shape.bounds(), dtype=np.float64).reshape(2, 3)
        except (TypeError, ValueError):
            msg = f"{type(shape).__name__}.bounds() must return ((x0, y0, z0), (x1, y1, z1))"
            raise error_at(getattr(shape, "_site", None), msg) from None
        self.lo, self.hi = box[:1], box[1:]
        self.returns_prim = False

    def intersect_pairs(self, o, d, rays, prims) -> tuple:
        return self.shape.intersect(gather(o, rays), gather(d, rays))


class _Group(NamedTuple):
    """A batch and, per primitive, its object and prim value; own: a shape's primitives()."""

    batch: Batch
    objects: np.ndarray
    prims: np.ndarray
    own: bool = False


def _batches(objects: list[Hittable]) -> list[_Group]:
    """Return groups covering every object, in batches where the shapes offer them.

    A class's batch holds many objects (prim value 0); a shape's own primitives() one object.
    """
    types: list[type[Hittable]] = list(map(type, objects))
    by_class: dict[type[Hittable], list[int]] = {}
    if len(set(types)) == 1:
        by_class[types[0]] = list(range(len(objects)))
    else:
        for k, cls in enumerate(types):
            by_class.setdefault(cls, []).append(k)
    out = []
    for cls, ks in by_class.items():
        same = len(ks) == len(objects)
        batch = cls.batch(objects if same else [objects[k] for k in ks])
        if batch is not None:
            out.append(_Group(batch, np.array(ks, dtype=np.intp), np.zeros(len(ks), np.intp)))
            continue
        for k in ks:
            own = objects[k].primitives()
            if own is not None:
                out.append(_Group(own, np.full(len(own), k), np.arange(len(own)), own=True))
            else:
                out.append(_Group(ShapeBatch(objects[k], k), np.array([k]), np.zeros(1, np.intp)))
    return out


class Primitives:
    """The primitive table: per global id its batch, index there, object and prim value."""

    def __init__(self, objects: list[Hittable]) -> None:
        groups = _batches(objects)
        self.groups = [g.batch for g in groups]
        self.group_objects = [g.objects.astype(np.int32) for g in groups]
        #: Objects whose prim values mean something (passed to their normals()).
        self.prim_objects = {int(g.objects[0]) for g in groups if g.own}
        self.lone = {
            id(g.batch): int(g.objects[0]) for g in groups if isinstance(g.batch, ShapeBatch)
        }
        self.direct: tuple[Batch, int] | None = None
        self.lo, self.hi = self._table(groups)  # the build's: dropped by forget_boxes()

    def forget_boxes(self) -> None:
        """Drop the boxes once the structure is built (they need not travel with it)."""
        del self.lo, self.hi

    def boxes(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the boxes of global prims ``ids`` again, from their batches."""
        lo, hi = np.empty((ids.size, 3)), np.empty((ids.size, 3))
        group = np.zeros(ids.size, np.intp) if self.g_group is None else self.g_group[ids]
        local = ids if self.g_local is None else self.g_local[ids]
        order = np.argsort(group, kind="stable")
        for sel in np.split(order, np.flatnonzero(np.diff(group[order])) + 1):
            if sel.size:
                batch = self.groups[group[sel[0]]]
                lo[sel] = np.asarray(batch.lo).reshape(-1, 3)[local[sel]]
                hi[sel] = np.asarray(batch.hi).reshape(-1, 3)[local[sel]]
        return lo, hi

    def focus(self, ids: np.ndarray) -> None:
        """Let test() call one batch directly when ``ids`` (the structure's) are all its."""
        self.direct = self.one_batch(ids)

    def one_batch(self, ids: np.ndarray) -> tuple[Batch, int] | None:
        """Return (batch, offset) if the prims ``ids`` are one batch's, at ids - offset."""
        groups = {0} if self.g_group is None else set(np.unique(self.g_group[ids]).tolist())
        if len(groups) != 1 or self.g_sub is not None:
            return None
        local = ids if self.g_local is None else self.g_local[ids]
        offset = ids - local
        if ids.size == 0 or not (offset == offset[0]).all():
            return None
        return self.groups[groups.pop()], int(offset[0])

    def _table(self, groups) -> tuple[np.ndarray, np.ndarray]:
        """Order every prim by (object, prim); keep how to reach its batch. Return the boxes."""
        if not groups:  # a scene with nothing to render (yet): every ray misses
            self.g_group = self.g_local = self.g_obj = self.g_sub = None
            return np.empty((0, 3)), np.empty((0, 3))
        lo = np.concatenate([g.batch.lo for g in groups]).reshape(-1, 3)
        hi = np.concatenate([g.batch.hi for g in groups]).reshape(-1, 3)
        group = np.concatenate([np.full(len(g.objects), k) for k, g in enumerate(groups)])
        local = np.concatenate([np.arange(len(g.objects)) for g in groups])
        obj = np.concatenate([g.objects for g in groups])
        sub = np.concatenate([g.prims for g in groups])
        order = np.lexsort((sub, obj))
        ident = np.arange(len(order))
        self.g_group = None if len(groups) == 1 else group[order]
        same = len(groups) == 1 and np.array_equal(order, ident)
        self.g_local = None if same else local[order]
        self.g_obj = None if np.array_equal(obj[order], ident) else obj[order]
        self.g_sub = sub[order] if sub.any() else None
        return lo[order], hi[order]

    def test(self, o, d, rays, ids) -> tuple:
        """Run the exact test of pairs (ray, global prim id): return (t, ok, prim or None)."""
        if self.direct is not None:
            batch, offset = self.direct
            local = ids - offset if offset else ids
            res = self._noted(batch, batch.intersect_pairs(o, d, rays, local))
            return res[0], res[1], res[2] if len(res) > 2 else None
        local = ids if self.g_local is None else self.g_local[ids]
        sub = None if self.g_sub is None else self.g_sub[ids]
        if self.g_group is None:
            res = self._noted(self.groups[0], self.groups[0].intersect_pairs(o, d, rays, local))
            return res[0], res[1], res[2] if len(res) > 2 else sub
        group = self.g_group[ids]
        order = np.argsort(group, kind="stable")
        cuts = np.flatnonzero(np.diff(group[order])) + 1
        t = np.empty(len(ids))
        ok = np.empty(len(ids), dtype=bool)
        for sel in np.split(order, cuts):
            batch = self.groups[group[sel[0]]]
            res = self._noted(batch, batch.intersect_pairs(o, d, rays[sel], local[sel]))
            t[sel], ok[sel] = res[0], res[1]
            if len(res) > 2:
                sub = np.zeros(len(ids), dtype=np.intp) if sub is None else sub
                sub[sel] = res[2]
        return t, ok, sub

    def test_all_rays(self, o, d, gid: int) -> tuple:
        """Test one prim against every ray: (t, ok, prim or None)."""
        group = 0 if self.g_group is None else int(self.g_group[gid])
        local = gid if self.g_local is None else int(self.g_local[gid])
        res = self._noted(self.groups[group], self.groups[group].intersect_pairs(o, d, None, local))
        if len(res) > 2:
            return res
        return res[0], res[1], None if self.g_sub is None else self.g_sub[gid]

    def _noted(self, batch: Batch, res: tuple) -> tuple:
        """Remember a lone shape whose intersect returns prims: its normals() want them."""
        if len(res) > 2 and isinstance(batch, ShapeBatch) and not batch.returns_prim:
            batch.returns_prim = True
            self.prim_objects.add(batch.index)
        return res

    def object_of(self, gid: np.ndarray) -> np.ndarray:
        """Return the object index of global prim ids (-1 stays -1)."""
        if self.g_obj is None:
            return gid
        out = self.g_obj[gid]
        out[gid < 0] = -1
        return out
