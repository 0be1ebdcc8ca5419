"""A bounding volume hierarchy over primitive boxes, built by numba once per load (binned SAH).

Nodes are stored depth first with the two children of an inner node side by side (the walk
tests both boxes at once): ``first[k]`` is the left child of inner node k (the right one is
next to it), or the first slot of leaf k's primitives in ``order``; ``count[k]`` is 0 for an
inner node, else the leaf's primitive count. ``box[k]`` is (lo x y z, hi x y z).

Splits minimise the surface area heuristic over BINS bins of the centroids along each axis;
a node becomes a leaf when no split is cheaper than testing its primitives (at most
MAX_LEAF). Boxes are whatever the caller gives (padded): the hierarchy only bounds them,
so a ray that can hit a primitive enters every box on the way to it.

Speed: the primitives' boxes and centroids are copied into one row each and the rows move
with the partition, so every pass reads memory in order (a 124k-triangle mesh's build took
2.5x as long through an index); a partition grows both children's boxes as it goes, so each
level of the tree reads every primitive twice (binning, partition), not three times.
"""

from __future__ import annotations

import numpy as np
from numba import njit

BINS = 16
#: Primitives a leaf may hold at most; SAH leaves smaller ones when splitting costs more.
MAX_LEAF = 8
#: Cost of a box test against one primitive test (the SAH's constants).
TRAVERSAL = 1.0
#: Nodes of more primitives than this are split along their widest axis only (quicker builds).
ONE_AXIS = 4096
#: Depth at most (deeper trees fall back to halving by count; walks size their stacks by it).
MAX_DEPTH = 60
#: Columns of a primitive's row: its box (lo xyz, hi xyz), then its centroid (xyz).
LO, HI, CEN = 0, 3, 6


@njit(cache=True, nogil=True)
def _area(b, at=0):
    """Return half the surface area of the box b[at:at + 6] (lo xyz, hi xyz; 0 if empty)."""
    x, y, z = b[at + 3] - b[at], b[at + 4] - b[at + 1], b[at + 5] - b[at + 2]
    if x < 0 or y < 0 or z < 0:
        return 0.0
    return x * y + y * z + z * x


@njit(cache=True, nogil=True, inline="always")
def _empty(b, c):
    b[:3], b[3:] = np.inf, -np.inf
    c[:3], c[3:] = np.inf, -np.inf


@njit(cache=True, nogil=True, inline="always")
def _add(rows, j, b, c):
    """Grow box b and centroid box c by primitive row j."""
    for a in range(3):
        b[a] = min(b[a], rows[j, LO + a])
        b[3 + a] = max(b[3 + a], rows[j, HI + a])
        c[a] = min(c[a], rows[j, CEN + a])
        c[3 + a] = max(c[3 + a], rows[j, CEN + a])


@njit(cache=True, nogil=True)
def _bounds(rows, s, e, b, c):
    """Set b to the box of rows s:e and c to the box of their centroids."""
    _empty(b, c)
    for j in range(s, e):
        _add(rows, j, b, c)


@njit(cache=True, nogil=True)
def _best_split(rows, s, e, c, scratch):
    """Return (cost, axis, bin) of the cheapest binned split of rows s:e.

    ``scratch``: rows per axis and bin (count, then the box: lo xyz, hi xyz), empty between
    calls (each call empties what it filled: small nodes fill few bins); a running count and
    box, the cost of the bins right of each bin, the scale per axis.
    """
    bins, acc, right, scale = scratch
    widest = 0
    for a in range(3):
        if c[3 + a] - c[a] > c[3 + widest] - c[widest]:
            widest = a
    for a in range(3):
        ext = c[3 + a] - c[a]
        one_axis = e - s > ONE_AXIS and a != widest
        scale[a] = BINS * (1 - 1e-9) / ext if ext > 0 and not one_axis else 0.0
    for j in range(s, e):
        for a in range(3):
            if scale[a] == 0:
                continue
            k = min(int((rows[j, CEN + a] - c[a]) * scale[a]), BINS - 1)
            bins[a, k, 0] += 1
            for x in range(3):
                bins[a, k, 1 + x] = min(bins[a, k, 1 + x], rows[j, LO + x])
                bins[a, k, 4 + x] = max(bins[a, k, 4 + x], rows[j, HI + x])
    best, best_axis, best_bin = np.inf, -1, -1
    for a in range(3):
        if scale[a] == 0:
            continue
        cost, k = _sweep(bins, a, acc, right, e - s)
        if cost < best:
            best, best_axis, best_bin = cost, a, k
    return best, best_axis, best_bin


@njit(cache=True, nogil=True)
def _sweep(bins, a, acc, right, n):
    """Return (cost, bin) of the cheapest split between axis a's bins; empty them."""
    acc[0], acc[1:4], acc[4:] = 0, np.inf, -np.inf
    right[BINS - 1] = 0.0
    for k in range(BINS - 1, 0, -1):
        if bins[a, k, 0] == 0:  # an empty bin changes nothing: skip the sums
            right[k] = right[min(k + 1, BINS - 1)]
            continue
        _grow(acc, bins, a, k)
        right[k] = _area(acc, 1) * acc[0]
    acc[0], acc[1:4], acc[4:] = 0, np.inf, -np.inf
    best, best_bin = np.inf, -1
    for k in range(BINS):
        if bins[a, k, 0] == 0:  # the same split as the bin before, which came first
            continue
        _grow(acc, bins, a, k)
        _clear(bins, a, k)
        if k == BINS - 1:
            break
        cost = _area(acc, 1) * acc[0] + right[k + 1]
        if 0 < acc[0] < n and cost < best:
            best, best_bin = cost, k
    return best, best_bin


@njit(cache=True, nogil=True, inline="always")
def _clear(bins, a, k):
    """Empty bin k of axis a."""
    bins[a, k, 0] = 0
    for x in range(3):
        bins[a, k, 1 + x], bins[a, k, 4 + x] = np.inf, -np.inf


@njit(cache=True, nogil=True, inline="always")
def _grow(acc, bins, a, k):
    """Add bin k of axis a (count, box) to a running count and box."""
    acc[0] += bins[a, k, 0]
    for x in range(3):
        acc[1 + x] = min(acc[1 + x], bins[a, k, 1 + x])
        acc[4 + x] = max(acc[4 + x], bins[a, k, 4 + x])


@njit(cache=True, nogil=True)
def _partition(rows, order, s, e, axis, split, c, left, right):
    """Move the rows of bins <= split to the front of s:e; return where they end.

    ``left`` and ``right`` (box, centroid box) become the bounds of the two sides.
    """
    scale = BINS * (1 - 1e-9) / (c[3 + axis] - c[axis])
    _empty(left[0], left[1])
    _empty(right[0], right[1])
    i, j = s, e - 1
    while i <= j:
        if min(int((rows[i, CEN + axis] - c[axis]) * scale), BINS - 1) <= split:
            _add(rows, i, left[0], left[1])
            i += 1
        else:
            for x in range(9):
                rows[i, x], rows[j, x] = rows[j, x], rows[i, x]
            order[i], order[j] = order[j], order[i]
            _add(rows, j, right[0], right[1])
            j -= 1
    return i


@njit(cache=True, nogil=True)
def build(lo, hi):
    """Return (box, first, count, order, depth) of a hierarchy over the boxes lo/hi (m, 3)."""
    m = lo.shape[0]
    rows = np.empty((m, 9))
    rows[:, LO : LO + 3] = lo
    rows[:, HI : HI + 3] = hi
    rows[:, CEN : CEN + 3] = (lo + hi) * 0.5
    order = np.arange(m)
    cap = max(2 * m, 1)
    box, cbox = np.empty((cap, 6)), np.empty((cap, 6))  # a node's box, its centroids' box
    first = np.zeros(cap, dtype=np.int32)
    count = np.zeros(cap, dtype=np.int32)
    stack = np.empty((2 * MAX_DEPTH + 4, 4), dtype=np.int64)  # node, start, end, depth
    scratch = (np.empty((3, BINS, 7)), np.empty(7), np.empty(BINS), np.empty(3))
    for a in range(3):
        for k in range(BINS):
            _clear(scratch[0], a, k)
    stack[0] = (0, 0, m, 0)
    _bounds(rows, 0, m, box[0], cbox[0])
    top, nodes, deepest = 1, 1, 0
    while top > 0:
        top -= 1
        node, s, e, depth = stack[top]
        deepest = max(deepest, depth)
        n, mid = e - s, s
        if n > 1 and depth < MAX_DEPTH:
            mid = _split(rows, order, s, e, box, cbox, node, nodes, scratch)
        if mid in (s, e):  # a leaf
            first[node], count[node] = s, n
            continue
        first[node], count[node] = nodes, 0
        stack[top] = (nodes + 1, mid, e, depth + 1)
        stack[top + 1] = (nodes, s, mid, depth + 1)
        top += 2
        nodes += 2
    return box[:nodes].copy(), first[:nodes].copy(), count[:nodes].copy(), order, deepest


@njit(cache=True, nogil=True)
def _split(rows, order, s, e, box, cbox, node, child, scratch):
    """Split rows s:e of ``node`` if that pays; return the middle (s: a leaf).

    The children's bounds go to ``child`` and the slot after it.
    """
    n, b, c = e - s, box[node], cbox[node]
    cost, axis, split = _best_split(rows, s, e, c, scratch)
    area = _area(b)
    left, right = (box[child], cbox[child]), (box[child + 1], cbox[child + 1])
    if axis >= 0 and (n > MAX_LEAF or TRAVERSAL * area + cost < n * area):
        return _partition(rows, order, s, e, axis, split, c, left, right)
    if n > MAX_LEAF:  # equal centroids: halve by count
        mid = s + n // 2
        _bounds(rows, s, mid, left[0], left[1])
        _bounds(rows, mid, e, right[0], right[1])
        return mid
    return s
