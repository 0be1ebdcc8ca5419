"""A bounding volume hierarchy over primitive boxes, built by numba once per load (binned SAH).

Nodes are stored depth first with the two children of an inner node side by side (the walk
tests both boxes at once): ``first[k]`` is the left child of inner node k (the right one is
next to it), or the first slot of leaf k's primitives in ``order``; ``count[k]`` is 0 for an
inner node, else the leaf's primitive count. ``box[k]`` is (lo x y z, hi x y z).

Splits minimise the surface area heuristic over BINS bins of the centroids along each axis;
a node becomes a leaf when no split is cheaper than testing its primitives (at most
MAX_LEAF). Boxes are whatever the caller gives (padded): the hierarchy only bounds them,
so a ray that can hit a primitive enters every box on the way to it.
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


@njit(cache=True, nogil=True)
def _area(lo, hi):
    """Return half the surface area of a box (0 for an empty one)."""
    x, y, z = hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]
    if x < 0 or y < 0 or z < 0:
        return 0.0
    return x * y + y * z + z * x


@njit(cache=True, nogil=True)
def _bounds(lo, hi, cen, order, s, e, b, c):
    """Set b to the box of prims order[s:e] and c to the box of their centroids."""
    b[:3], b[3:] = np.inf, -np.inf
    c[:3], c[3:] = np.inf, -np.inf
    for j in range(s, e):
        p = order[j]
        for a in range(3):
            b[a] = min(b[a], lo[p, a])
            b[3 + a] = max(b[3 + a], hi[p, a])
            c[a] = min(c[a], cen[p, a])
            c[3 + a] = max(c[3 + a], cen[p, a])


@njit(cache=True, nogil=True)
def _best_split(lo, hi, cen, order, s, e, c, scratch):
    """Return (cost, axis, bin) of the cheapest binned split of prims order[s:e].

    ``scratch``: rows per axis and bin (count, then the box: lo xyz, hi xyz), a running
    count and box, the cost of the bins right of each bin, the scale per axis.
    """
    bins, acc, right, scale = scratch
    bins[:, :, 0] = 0
    bins[:, :, 1:4] = np.inf
    bins[:, :, 4:7] = -np.inf
    widest = np.argmax(c[3:] - c[:3])
    for a in range(3):
        ext = c[3 + a] - c[a]
        one_axis = e - s > ONE_AXIS and a != widest
        scale[a] = BINS * (1 - 1e-9) / ext if ext > 0 and not one_axis else 0.0
    for j in range(s, e):
        p = order[j]
        for a in range(3):
            if scale[a] == 0:
                continue
            row = bins[a, min(int((cen[p, a] - c[a]) * scale[a]), BINS - 1)]
            row[0] += 1
            for x in range(3):
                row[1 + x] = min(row[1 + x], lo[p, x])
                row[4 + x] = max(row[4 + x], hi[p, x])
    best, best_axis, best_bin = np.inf, -1, -1
    for a in range(3):
        if scale[a] == 0:
            continue
        acc[0], acc[1:4], acc[4:] = 0, np.inf, -np.inf
        for k in range(BINS - 1, 0, -1):
            _grow(acc, bins[a, k])
            right[k] = _area(acc[1:4], acc[4:]) * acc[0]
        acc[0], acc[1:4], acc[4:] = 0, np.inf, -np.inf
        for k in range(BINS - 1):
            _grow(acc, bins[a, k])
            cost = _area(acc[1:4], acc[4:]) * acc[0] + right[k + 1]
            if 0 < acc[0] < e - s and cost < best:
                best, best_axis, best_bin = cost, a, k
    return best, best_axis, best_bin


@njit(cache=True, nogil=True, inline="always")
def _grow(acc, row):
    """Add a bin (count, box) to a running count and box."""
    acc[0] += row[0]
    for x in range(3):
        acc[1 + x] = min(acc[1 + x], row[1 + x])
        acc[4 + x] = max(acc[4 + x], row[4 + x])


@njit(cache=True, nogil=True)
def _partition(cen, order, s, e, axis, split, c):
    """Move the prims of bins <= split to the front of order[s:e]; return where they end."""
    scale = BINS * (1 - 1e-9) / (c[3 + axis] - c[axis])
    i, j = s, e - 1
    while i <= j:
        p = order[i]
        if min(int((cen[p, axis] - c[axis]) * scale), BINS - 1) <= split:
            i += 1
        else:
            order[i], order[j] = order[j], p
            j -= 1
    return i


@njit(cache=True, nogil=True)
def build(lo, hi):
    """Return (box, first, count, order, depth) of a hierarchy over the boxes lo/hi (m, 3)."""
    m = lo.shape[0]
    cen = (lo + hi) * 0.5
    order = np.arange(m)
    cap = max(2 * m, 1)
    box = np.empty((cap, 6))
    first = np.zeros(cap, dtype=np.int32)
    count = np.zeros(cap, dtype=np.int32)
    stack = np.empty((2 * MAX_DEPTH + 4, 4), dtype=np.int64)  # node, start, end, depth
    scratch = (np.empty((3, BINS, 7)), np.empty(7), np.empty(BINS), np.empty(3))
    stack[0] = (0, 0, m, 0)
    c = np.empty(6)  # the centroids' box of the node at hand
    top, nodes, deepest = 1, 1, 0
    while top > 0:
        top -= 1
        node, s, e, depth = stack[top]
        deepest = max(deepest, depth)
        b = box[node]
        _bounds(lo, hi, cen, order, s, e, b, c)
        n = e - s
        mid = s
        if n > 1 and depth < MAX_DEPTH:
            cost, axis, split = _best_split(lo, hi, cen, order, s, e, c, scratch)
            area = _area(b[:3], b[3:])
            if axis >= 0 and (n > MAX_LEAF or TRAVERSAL * area + cost < n * area):
                mid = _partition(cen, order, s, e, axis, split, c)
            elif n > MAX_LEAF:
                mid = s + n // 2  # equal centroids: halve by count
        if mid in (s, e):  # a leaf
            first[node], count[node] = s, n
            continue
        first[node], count[node] = nodes, 0
        stack[top] = (nodes + 1, mid, e, depth + 1)
        stack[top + 1] = (nodes, s, mid, depth + 1)
        top += 2
        nodes += 2
    return box[:nodes].copy(), first[:nodes].copy(), count[:nodes].copy(), order, deepest
