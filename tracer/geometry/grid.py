"""A uniform grid of primitive boxes, walked by all rays at once (a vectorised 3D-DDA).

Every ray visits the cells along its line in order; in each cell it tests the primitives
filed there (their exact test, through a callback) and stops once its nearest hit lies
before the cell's far side: no primitive filed only in later cells can be nearer. Rays that
finish drop out of the arrays, so each step works on the rays still walking.

Exactness: boxes are filed padded (by the caller) and the walk's own rounding is far below
that padding, so every primitive a ray can hit is tested in a cell the ray visits; the
nearest hit is reduced with ties to the lower primitive id, as a loop in id order would.
"""

from __future__ import annotations

import numpy as np

#: Cells per primitive the grid aims at (more: fewer tests per cell, more steps).
CELLS_PER_PRIM = 2.0
#: Cells per axis at most.
MAX_RES = 512
#: A primitive covering more cells than this is left out of the grid (tested beside it).
MAX_SPAN = 4096
#: Relative slack when deciding a ray is done (far above the walk's rounding).
TOL = 1e-9
#: Once this few rays still walk (the long tail of rays skimming along a lattice), each
#: takes AHEAD cells per round: fewer numpy steps, a few more exact tests.
TAIL = 256
AHEAD = 16


class UniformGrid:
    """Primitives (global ids) filed in the cells their boxes overlap."""

    def __init__(self, lo: np.ndarray, hi: np.ndarray, ids: np.ndarray, max_entries=None) -> None:
        self.lo = lo.min(axis=0)
        self.hi = hi.max(axis=0)
        ext = self.hi - self.lo
        self.size = float(np.sqrt(ext @ ext))
        ext = np.maximum(ext, max(float(ext.max()), 1e-300) * 1e-6)
        self.hi = self.lo + ext
        h = (np.prod(ext) / (CELLS_PER_PRIM * len(ids))) ** (1 / 3)
        self.res = np.clip(np.ceil(ext / h), 1, MAX_RES).astype(np.int64)
        self.inv_h = self.res / ext
        self.h = ext / self.res
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
        """Build the cell lists: cell_start (cells + 1) and cell_ids, ids ascending per cell."""
        nx, ny, nz = (int(v) for v in self.res)
        total = int(cnt.sum())
        owner = np.repeat(np.arange(len(ids)), cnt)
        k = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        sy, sz = span[owner, 1], span[owner, 2]
        dz = k % sz
        k //= sz
        cell = (i0[owner, 0] + k // sy) * ny
        cell += i0[owner, 1] + k % sy
        cell *= nz
        cell += i0[owner, 2] + dz
        counts = np.bincount(cell, minlength=nx * ny * nz)
        cell *= len(ids)
        cell += owner
        cell.sort()  # by cell, then owner: ids ascend within a cell
        owner = cell % len(ids)
        index = np.int32 if total < 2**31 else np.int64
        self.cell_start = np.zeros(nx * ny * nz + 1, dtype=index)
        np.cumsum(counts, out=self.cell_start[1:])
        self.cell_count = counts.astype(index)
        self.cell_ids = ids[owner].astype(index)
        self.cells = nx * ny * nz

    def nearest(self, o, d, test, best, bid, bsub, skip=None) -> None:
        """Lower (best, bid, bsub) to every ray's nearest hit among the filed primitives.

        ``test(rays, ids) -> (t, ok, prim or None)`` is the exact pair test; ``best`` holds
        distances already found (inf: none), ``bid`` their ids, ``bsub`` their prims.
        Rays set in ``skip`` are left alone.
        """
        walk = _Walk(self, o, d, None, skip)
        while walk.r.size:
            few = walk.r.size <= TAIL
            rays, ids = walk.ahead(AHEAD) if few else walk.candidates()
            if rays.size:
                t, ok, sub = test(rays, ids)
                reduce_nearest(rays, t, ok, ids, sub, best, bid, bsub)
            if few:
                walk.finish_ahead(best)
            else:
                walk.advance(best)

    def any_hit(self, o, d, dist, test, blocked, skip=None) -> None:
        """Set ``blocked`` for rays with a hit among the filed primitives nearer than ``dist``."""
        walk = _Walk(self, o, d, dist, skip)
        while walk.r.size:
            rays, ids = walk.candidates()
            if rays.size:
                t, ok, _sub = test(rays, ids)
                ok &= t < dist[rays]
                blocked[rays[ok]] = True
            walk.advance(None, blocked)


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
    if prim is not None:
        bprim[won] = prim[h][gm == np.repeat(gmin, counts)][upd]


class _Walk:
    """The rays still walking the grid: their cell and the distances to the next cells.

    Cells are numbered x-major (cell = (ix * ny + iy) * nz + iz); a ray steps by a signed
    stride per axis and leaves when its next boundary lies beyond its exit from the grid.
    """

    def __init__(self, grid: UniformGrid, o, d, tmax, skip=None) -> None:
        self.grid = grid
        self.tmax = tmax
        lo, hi = grid.lo, grid.hi
        with np.errstate(divide="ignore", invalid="ignore"):
            inv = [1.0 / d[a] for a in range(3)]
            ta = [(lo[a] - o[a]) * inv[a] for a in range(3)]
            tb = [(hi[a] - o[a]) * inv[a] for a in range(3)]
        near = np.fmax(np.fmax(np.fmin(ta[0], tb[0]), np.fmin(ta[1], tb[1])), np.fmin(ta[2], tb[2]))
        far = np.fmin(np.fmin(np.fmax(ta[0], tb[0]), np.fmax(ta[1], tb[1])), np.fmax(ta[2], tb[2]))
        np.maximum(near, 0.0, out=near)
        live = near <= far
        if tmax is not None:
            live &= near <= tmax * (1 + TOL) + grid.size * TOL
        if skip is not None:
            live &= ~skip
        r = np.flatnonzero(live)
        self.r = r
        self.tx = np.empty(0)  # ahead(): where the rays entered their current cells
        self.left = np.zeros(0, dtype=bool)  # ahead(): the rays that left the grid
        near = near[r]
        self.far = far[r]
        strides = (int(grid.res[1] * grid.res[2]), int(grid.res[2]), 1)
        self.cell = np.zeros(r.size, dtype=np.int64)
        tn_, td_, step_ = [], [], []
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for a in range(3):
                da = d[a][r]
                oa = o[a][r] if isinstance(o[a], np.ndarray) else o[a]
                i = np.floor(((oa + near * da) - lo[a]) * grid.inv_h[a])
                np.clip(i, 0, grid.res[a] - 1, out=i)
                tn = (lo[a] + (i + (da > 0)) * grid.h[a] - oa) / da
                tn[da == 0] = np.inf
                self.cell += i.astype(np.int64) * strides[a]
                tn_.append(tn)
                td_.append(np.abs(grid.h[a] / da))
                step_.append(np.sign(da).astype(np.int64) * strides[a])
        #: Per axis (rows) and ray: distance to the next boundary, between boundaries, and
        #: the cell stride of a step across one.
        self.tn, self.td, self.step = np.array(tn_), np.array(td_), np.array(step_)

    def candidates(self):
        """Return the pairs (ray, primitive id) of the rays' current cells, grouped by ray."""
        return self._pairs(self.r, self.cell)

    def _pairs(self, r: np.ndarray, cell: np.ndarray):
        """Return the pairs (r[i], primitive id) of the cells cell[i], in the order of i."""
        g = self.grid
        s = g.cell_start[cell]
        c = g.cell_count[cell]
        nzr = np.flatnonzero(c)
        cc = c[nzr]
        ends = np.cumsum(cc)
        total = int(ends[-1]) if ends.size else 0
        ends -= cc
        pos = np.repeat(s[nzr] - ends, cc)
        pos += np.arange(total, dtype=pos.dtype)
        return np.repeat(r[nzr], cc), g.cell_ids[pos]

    def ahead(self, steps: int):
        """Return the distinct pairs of each ray's next ``steps`` cells, grouped by ray.

        The rays move past those cells (finish_ahead() then drops those that are done).
        Testing cells beyond where a ray would have stopped only tests more primitives.
        """
        left = np.zeros(self.r.size, dtype=bool)
        owners, cells = [], []
        for _ in range(steps):
            live = np.flatnonzero(~left)
            if live.size == 0:
                break
            owners.append(live)
            cells.append(self.cell[live])
            self.tx = self._move()
            left |= self.tx > self.far
            left |= self.cell.view(np.uint64) >= np.uint64(self.grid.cells)
        self.left = left
        own = np.concatenate(owners)
        rays, ids = self._pairs(own, np.concatenate(cells))
        key = np.unique((rays << 32) | ids.astype(np.int64))  # by ray, ids ascending
        return self.r[key >> 32], (key & 0xFFFFFFFF).astype(ids.dtype)

    def finish_ahead(self, best: np.ndarray) -> None:
        """Drop the rays that left the grid during ahead() or whose hit lies before their cell."""
        slack = self.tx * (1 - TOL)
        slack -= self.grid.size * TOL
        self._keep(self.left | (best[self.r] < slack))

    def _move(self) -> np.ndarray:
        """Step every ray to its next cell; return where each left its cell (along the ray)."""
        n = self.cell.size
        at = self.tn.argmin(axis=0)  # the nearest boundary's axis, x first on ties
        at *= n
        at += np.arange(n)
        tn = self.tn.reshape(-1)
        assert np.shares_memory(tn, self.tn)
        tx = tn[at]
        self.cell += self.step.reshape(-1)[at]
        tn[at] = tx + self.td.reshape(-1)[at]
        return tx

    def advance(self, best: np.ndarray | None, blocked: np.ndarray | None = None) -> None:
        """Step every ray to its next cell; drop the rays that are done or left the grid."""
        tx = self._move()
        done = tx > self.far
        if blocked is None:
            assert best is not None
            slack = tx * (1 - TOL)
            slack -= self.grid.size * TOL
            done |= best[self.r] < slack
        else:
            done |= blocked[self.r]
            done |= tx > self.tmax[self.r] * (1 + TOL) + self.grid.size * TOL
        done |= self.cell.view(np.uint64) >= np.uint64(self.grid.cells)
        self._keep(done)

    def _keep(self, done: np.ndarray) -> None:
        """Drop the rays set in ``done``."""
        if done.any():
            keep = np.flatnonzero(~done)
            self.r, self.cell, self.far = self.r[keep], self.cell[keep], self.far[keep]
            # C order: _move() updates tn through a flat view.
            self.tn = np.take(self.tn, keep, axis=1)
            self.td = np.take(self.td, keep, axis=1)
            self.step = np.take(self.step, keep, axis=1)
