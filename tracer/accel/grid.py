"""A uniform grid of primitive boxes, walked by all rays at once (walk.py: a vectorised 3D-DDA).

Every ray visits the cells along its line in order, several a round; it tests the primitives
filed there (their exact test, through a callback) and stops once its nearest hit lies
before a tested cell's far side: no primitive filed only in later cells can be nearer.
Each cell keeps its full list and, per face, the primitives whose span of cells starts
there seen through that face: a ray entering through a face tests only those.

Exactness: boxes are filed padded (by the caller) and the walk's own rounding is far below
that padding, so every primitive a ray can hit is tested in a cell the ray visits; the
nearest hit is reduced with ties to the lower primitive id, as a loop in id order would.
"""

from __future__ import annotations

import numpy as np

from .walk import FULL, LISTS, MARK, MAX_STEPS, Walk

#: Cells per primitive the grid aims at (more: fewer tests per ray, more steps).
CELLS_PER_PRIM = 4.0
#: Cells per axis at most, and in all.
MAX_RES = 512
MAX_CELLS = 1 << 20
#: A primitive covering more cells than this is left out of the grid (tested beside it).
MAX_SPAN = 4096
#: Cells a ray takes in its first round; each later round takes GROWTH times more, up to MOST.
FIRST = 2
GROWTH = 2
MOST = 16


class UniformGrid:
    """Primitives (global ids) filed in the cells their boxes overlap."""

    def __init__(
        self, lo: np.ndarray, hi: np.ndarray, ids: np.ndarray, max_entries=None, cells_per_prim=None
    ) -> None:
        self.lo = lo.min(axis=0)
        self.hi = hi.max(axis=0)
        ext = self.hi - self.lo
        self.size = float(np.sqrt(ext @ ext))
        ext = np.maximum(ext, max(float(ext.max()), 1e-300) * 1e-6)
        self.hi = self.lo + ext
        cells = min((cells_per_prim or CELLS_PER_PRIM) * len(ids), MAX_CELLS)
        h = (np.prod(ext) / cells) ** (1 / 3)
        self.res = np.clip(np.ceil(ext / h), 1, MAX_RES).astype(np.int64)
        self.inv_h = self.res / ext
        self.h = ext / self.res
        self.cells = int(np.prod(self.res))
        self.empty = self.cells * LISTS  # the key of an empty list
        # Keys in int32 (half the memory traffic) while a round's drift stays far below.
        small = self.empty * (MAX_STEPS + 1) < MARK
        self.key_type = np.int32 if small else np.int64
        self.mark = MARK if small else 1 << 44
        i0, span = self._spans(lo, hi)
        cnt = span.prod(axis=1)
        fits = cnt <= MAX_SPAN
        self.left_out = ids[~fits]
        self.entries = int(cnt[fits].sum())
        if max_entries is None or self.entries <= max_entries:  # else: unusable, unfiled
            self._file(i0[fits], span[fits], cnt[fits], ids[fits])

    def _spans(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        top = self.res - 1
        i0 = np.clip(np.floor((lo - self.lo) * self.inv_h), 0, top).astype(np.int64)
        i1 = np.clip(np.floor((hi - self.lo) * self.inv_h), 0, top).astype(np.int64)
        return i0, i1 - i0 + 1

    def _file(self, i0: np.ndarray, span: np.ndarray, cnt: np.ndarray, ids: np.ndarray) -> None:
        """Build the lists: list_start, list_count (per key, the empty one last), list_ids."""
        _nx, ny, nz = (int(v) for v in self.res)
        owner = np.repeat(np.arange(len(ids)), cnt)
        k = np.arange(owner.size, dtype=np.int64) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        at = []  # per axis: the entry's place in its box's span
        for a in (2, 1):
            at.append(k % span[owner, a])
            k //= span[owner, a]
        kx, ky, kz = k, at[1], at[0]
        base = (i0[owner, 0] + kx) * ny
        base += i0[owner, 1] + ky
        base *= nz
        base += i0[owner, 2] + kz
        base *= LISTS * len(ids)  # packed: list key * len(ids) + owner
        base += owner
        keys = [base + FULL * len(ids)]
        for a, ka in enumerate((kx, ky, kz)):
            for face, edge in ((2 * a, ka == 0), (2 * a + 1, ka == span[owner, a] - 1)):
                keys.append(base[edge] + face * len(ids))
        del owner, base, k, at, kx, ky, kz
        key = np.concatenate(keys)
        del keys
        key.sort()  # by list, then owner: ids ascend within a list
        owner = key % len(ids)
        key //= len(ids)
        index = np.int32 if key.size < 2**31 else np.int64
        count = np.bincount(key, minlength=self.empty + 1)
        most = int(count.max())
        self.list_count = count.astype(
            np.uint8 if most < 256 else np.uint16 if most < 65536 else index
        )
        self.list_start = _starts(count, index)
        self.list_ids = ids[owner].astype(index)

    def __getstate__(self) -> dict:
        """Leave list_start out of a pickle (a worker recomputes it from the counts)."""
        state = self.__dict__.copy()
        state.pop("list_start", None)
        state.pop("_bounds", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if "list_count" in state:
            self.list_start = _starts(self.list_count, self.list_ids.dtype)

    def list_bounds(self) -> np.ndarray:
        """Return where every list starts and, one on, ends (list_start plus the total)."""
        bounds = getattr(self, "_bounds", None)
        if bounds is None:
            bounds = np.append(self.list_start, self.list_start.dtype.type(self.list_ids.size))
            self._bounds = bounds
        return bounds

    def nearest(self, o, d, test, best, bid, bsub, skip=None) -> None:
        """Lower (best, bid, bsub) to every ray's nearest hit among the filed primitives.

        ``test(rays, ids) -> (t, ok, prim or None)`` is the exact pair test; ``best`` holds
        distances already found (inf: none), ``bid`` their ids, ``bsub`` their prims.
        Rays set in ``skip`` are left alone.
        """
        walk = Walk(self, o, d, None, skip)
        steps = min(FIRST, MAX_STEPS)
        while walk.r.size:
            rays, ids = walk.round(steps)
            if rays.size:
                t, ok, sub = test(rays, ids)
                reduce_nearest(rays, t, ok, ids, sub, best, bid, bsub)
            walk.finish(walk.hit_before_exit(best))
            steps = min(int(steps * GROWTH), MOST, MAX_STEPS)

    def any_hit(self, o, d, dist, test, blocked, skip=None) -> None:
        """Set ``blocked`` for rays with a hit among the filed primitives nearer than ``dist``."""
        walk = Walk(self, o, d, dist, skip)
        steps = min(FIRST, MAX_STEPS)
        while walk.r.size:
            rays, ids = walk.round(steps)
            if rays.size:
                t, ok, _sub = test(rays, ids)
                ok &= t < dist[rays]
                blocked[rays[ok]] = True
            walk.finish(blocked[walk.r])
            steps = min(int(steps * GROWTH), MOST, MAX_STEPS)


def _starts(count: np.ndarray, index) -> np.ndarray:
    """Return where each list starts in list_ids, from the lists' lengths."""
    start = np.zeros(count.size, dtype=index)
    np.cumsum(count[:-1], out=start[1:], dtype=index)
    return start


def reduce_nearest(rays, t, ok, ids, prim, best, bid, bprim) -> None:
    """Fold pairs (rays[i], ids[i]), grouped by ray, into each ray's nearest hit.

    Lowest distance wins, ties to the lower id: what testing the ids in order with a
    strict ``t < best`` gives.
    """
    h = np.flatnonzero(ok & (t < np.inf))  # few pairs hit: fold only those
    if h.size == 0:
        return
    rr, t, ids = rays[h], t[h], ids[h]
    starts = np.flatnonzero(np.concatenate(([True], rr[1:] != rr[:-1])))
    rr = rr[starts]
    tmin = np.minimum.reduceat(t, starts)
    counts = np.diff(starts, append=h.size)
    gm = np.where(t == np.repeat(tmin, counts), ids, np.iinfo(ids.dtype).max)
    gmin = np.minimum.reduceat(gm, starts)
    cur = best[rr]
    upd = (tmin < cur) | ((tmin == cur) & (gmin < bid[rr]))
    won = rr[upd]
    best[won] = tmin[upd]
    bid[won] = gmin[upd]
    if prim is not None:  # the first pair of each ray's winner (a pair may come twice)
        at = np.where(gm == np.repeat(gmin, counts), np.arange(h.size), h.size)
        bprim[won] = prim[h][np.minimum.reduceat(at, starts)][upd]
