"""Rays walking a uniform grid together, several cells a round (a vectorised 3D-DDA).

Each round every walking ray takes its next ``steps`` cells (the count grows from round to
round: most hits are near, rays that escape a crowd need few rounds); the pairs (ray,
primitive) of those cells come back grouped by ray, are tested at once, and the rays whose
nearest hit lies before the last cell's far side, or that left the grid, drop out.

Mailboxing by faces: a ray tests the full list of the cell it starts in and, in every later
cell, only the primitives whose cell span begins there in the direction it entered (the grid
keeps one list per face of every cell). A primitive filed in the cell the ray came from was
tested there; the span of cells of a box is convex and the walk moves monotonically along
each axis, so a ray meets each primitive exactly once.

Exactness: every cell along a ray is visited (testing more cells only costs time), and a ray
stops only when its hit lies strictly before the far side of a cell it has tested, with TOL
slack far above the walk's rounding.
"""

from __future__ import annotations

import numpy as np

#: Relative slack when deciding a ray is done (far above the walk's rounding).
TOL = 1e-9
#: Lists per cell: one per face a ray can enter through (2 * axis + moving down), then all.
LISTS = 7
FULL = 6
#: Stands for an infinite distance between boundaries (an axis the ray does not move on).
HUGE = 1e300
#: Added to the key of a cell beyond a ray's exit (any key from the grid's empty one up
#: is empty): far above every key a ray can drift to in a round of at most MAX_STEPS cells.
MARK = 1 << 30
MAX_STEPS = 64


class Walk:
    """The rays still walking: their cell, its list key, and distances to the next cells.

    Cells are numbered x-major (cell = (ix * ny + iy) * nz + iz) and kept as LISTS * cell;
    a ray steps by a signed stride per axis. ``far`` is where it leaves the grid, or stops
    mattering (any-hit rays: beyond their distance).
    """

    def __init__(self, grid, o, d, tmax=None, skip=None) -> None:
        self.grid = grid
        self.slack = grid.size * TOL
        near, far = _clip_to_box(grid.lo, grid.hi, o, d)
        if tmax is not None:
            np.minimum(far, tmax * (1 + TOL) + self.slack, out=far)
        live = near <= far
        if skip is not None:
            live &= ~skip
        r = np.flatnonzero(live)
        self.r, near = r, near[r]
        # A ray leaves once a cell's far side lies beyond this (a hair before the grid's
        # side, so that rounding never wraps it into a cell of the next row; the part of a
        # cell within the hair is covered by the padding of the boxes in the cell before).
        self.far = far[r] * (1 - TOL)
        self.far -= self.slack
        self.cell = np.zeros(r.size, dtype=grid.key_type)
        self.tn: list[np.ndarray] = []
        self.td: list[np.ndarray] = []
        self.step: list[np.ndarray] = []
        self.face: list[np.ndarray] = []
        strides = (int(grid.res[1] * grid.res[2]) * LISTS, int(grid.res[2]) * LISTS, LISTS)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for a in range(3):
                self._axis(grid, a, o[a], d[a][r], near, strides[a])
        self.key = self.cell + FULL
        self.left = np.zeros(r.size, dtype=bool)  # round(): the rays that left the grid
        self.mark = self.cell.dtype.type(grid.mark)

    def _axis(self, grid, a: int, o, da: np.ndarray, near: np.ndarray, stride: int) -> None:
        """Set up the walk along axis ``a``: cell index, next boundary, spacing, stride, face."""
        oa = o[self.r] if isinstance(o, np.ndarray) else o
        i = np.floor(((oa + near * da) - grid.lo[a]) * grid.inv_h[a])
        np.clip(i, 0, grid.res[a] - 1, out=i)
        tn = (grid.lo[a] + (i + (da > 0)) * grid.h[a] - oa) / da
        tn[da == 0] = np.inf
        self.cell += i.astype(self.cell.dtype) * stride
        self.tn.append(tn)
        # Finite (a product with a false mask must give 0): that axis is never stepped.
        self.td.append(np.minimum(np.abs(grid.h[a] / da), HUGE))
        down = da < 0
        self.step.append(np.where(down, -stride, stride).astype(self.cell.dtype))
        self.face.append((down + 2 * a).astype(np.int8))
        if a == 2:  # per ray: the z step and face, and how those along x and y differ
            for rows in (self.step, self.face):
                rows[:] = [rows[2], rows[0] - rows[2], rows[1] - rows[2]]

    def round(self, steps: int) -> tuple[np.ndarray, np.ndarray]:
        """Return the pairs (ray, primitive id) of every ray's next ``steps`` cells, by ray.

        The rays move past those cells; finish() then drops those that are done.
        """
        n = self.r.size
        cells = np.empty((steps + 1, n), dtype=self.cell.dtype)  # the cells entered
        on_x = np.empty((steps, n), dtype=bool)  # the axis of each step (x, y, else z)
        on_y = np.empty((steps, n), dtype=bool)
        gone = np.empty((steps, n), dtype=bool)  # the step left the grid
        for s in range(steps):
            self.exit = self._move(on_x[s], on_y[s], gone[s])
            cells[s + 1] = self.cell
        keys = self._keys(cells, on_x, on_y, gone)
        # Cells beyond a ray's exit (marked) or outside the grid have the empty list.
        flat = keys.T.ravel()
        unsigned = np.uint32 if flat.dtype == np.int32 else np.uint64
        empty = unsigned(self.grid.empty)
        np.minimum(flat.view(unsigned), empty, out=flat.view(unsigned))
        self.left = np.greater_equal(self.key.view(unsigned), empty)
        return self._pairs(steps, flat)

    def _move(self, on_x: np.ndarray, on_y: np.ndarray, gone: np.ndarray) -> np.ndarray:
        """Step every ray to its next cell; return where each left its cell (along the ray).

        Sets the axis of the step and whether it left the grid (or beyond ``far``).
        """
        (tnx, tny, tnz), (tdx, tdy, tdz) = self.tn, self.td
        tx = np.minimum(tnx, tny)
        np.minimum(tx, tnz, out=tx)
        np.equal(tnx, tx, out=on_x)  # the nearest boundary's axis: x first on ties, then y
        np.equal(tny, tx, out=on_y)
        np.greater(on_y, on_x, out=on_y)
        on_z = on_x | on_y
        np.logical_not(on_z, out=on_z)
        # Products with the masks, not masked ufuncs (those are ten times slower).
        tnx += tdx * on_x
        tny += tdy * on_y
        tnz += tdz * on_z
        step_z, step_xz, step_yz = self.step
        self.cell += step_z
        self.cell += step_xz * on_x
        self.cell += step_yz * on_y
        np.greater(tx, self.far, out=gone)
        return tx

    def _keys(self, cells, on_x, on_y, gone) -> np.ndarray:
        """Return the list keys of the cells entered (marked beyond the exit); keep the last."""
        face_z, face_xz, face_yz = self.face
        face = face_xz * on_x.view(np.int8)
        face += face_yz * on_y.view(np.int8)
        face += face_z
        keys = cells[1:]
        keys += face
        keys += gone * self.mark
        cells[0] = self.key
        self.key = keys[-1].copy()
        return cells[:-1]

    def _pairs(self, steps: int, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the pairs (ray, primitive id) of the lists ``keys`` (``steps`` a ray), by ray."""
        g = self.grid
        c = g.list_count[keys]
        nz = np.flatnonzero(c != 0)  # a bool mask: far faster than the counts themselves
        cc = c[nz].astype(np.intp)
        ends = np.cumsum(cc)
        total = int(ends[-1]) if ends.size else 0
        ends -= cc
        group = np.repeat(np.arange(nz.size), cc)  # one repeat, two gathers: cheaper
        pos = (g.list_start[keys[nz]] - ends)[group]
        pos += np.arange(total, dtype=pos.dtype)
        nz //= steps
        return self.r[nz][group], g.list_ids[pos]

    def finish(self, done: np.ndarray | None = None) -> None:
        """Drop the rays that left the grid in the last round, or set in ``done``."""
        if done is not None:
            self.left |= done
        if self.left.any():
            keep = np.flatnonzero(~self.left)
            self.r, self.cell, self.key = self.r[keep], self.cell[keep], self.key[keep]
            self.far = self.far[keep]
            for rows in (self.tn, self.td, self.step, self.face):
                rows[:] = [a[keep] for a in rows]

    def hit_before_exit(self, best: np.ndarray) -> np.ndarray:
        """Return a mask of the rays whose nearest hit lies before their last cell's far side."""
        slack = self.exit * (1 - TOL)
        slack -= self.slack
        return best[self.r] < slack


def _clip_to_box(lo, hi, o, d) -> tuple[np.ndarray, np.ndarray]:
    """Return where rays enter (at least 0) and leave the box [lo, hi]."""
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = [1.0 / d[a] for a in range(3)]
        ta = [(lo[a] - o[a]) * inv[a] for a in range(3)]
        tb = [(hi[a] - o[a]) * inv[a] for a in range(3)]
    near = np.fmax(np.fmax(np.fmin(ta[0], tb[0]), np.fmin(ta[1], tb[1])), np.fmin(ta[2], tb[2]))
    far = np.fmin(np.fmin(np.fmax(ta[0], tb[0]), np.fmax(ta[1], tb[1])), np.fmax(ta[2], tb[2]))
    np.maximum(near, 0.0, out=near)
    return near, far
