"""Rays down the hierarchy (compiled_bvh.py) one at a time, nearest box first, compiled.

Nearest hits: a ray takes the nearer child first and skips boxes it enters beyond the hit it
has; a primitive wins on a smaller distance, or an equal one and a lower global id (the
numpy engine's rule). Any hit: a ray stops at the first primitive nearer than its limit.
CSG nodes and moved shapes of built-in kinds are programs (compiled_csg.py); primitives
of kinds without a compiled test (FOREIGN: shapes made in scene code, a moved mesh) are
handed back as pairs (ray, global id) for their own numpy test.

Exactness: the boxes are padded (by the caller); a ray whose origin lies far from the scene
(``far``: beyond which the padding stops covering the rounding of hit tests) has every box
widened further in proportion to its distance, which covers rounding that grows with it.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import compiled_csg
from . import compiled_shapes as shapes

FOREIGN, SPHERE, TRIANGLE, BOX, CYLINDER, CONE, DISC, GLASS, PROGRAM = range(9)
#: A slot packs (row << KIND_BITS) | kind.
KIND_BITS = 4
INF = math.inf


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _test(code, tables, o, d, work):
    """Return (t, face) of the primitive with slot code ``code`` (kind FOREIGN: not tested)."""
    kind, q = code & 15, code >> KIND_BITS
    if kind == TRIANGLE:
        return shapes.triangle(tables[1], q, o, d)
    if kind == SPHERE:
        return shapes.sphere(tables[0], q, o, d)
    if kind == BOX:
        return shapes.box(tables[2], q, o, d)
    if kind == CYLINDER:
        return shapes.cylinder(tables[3], q, o, d)
    if kind == CONE:
        return shapes.cone(tables[4], q, o, d)
    if kind == DISC:
        return shapes.disc(tables[5], q, o, d)
    if kind == GLASS:
        return shapes.glass_sphere(tables[6], q, o, d)
    if kind == PROGRAM:
        span = tables[7]
        return compiled_csg.hit(tables[8], int(span[q, 0]), int(span[q, 1]), o, d, work)
    return INF, -1


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _enter(box, k, lo_o, hi_o, inv):
    """Return (near, far) of a ray (origin shifted by its widening) through box k."""
    t1 = (box[k, 0] - lo_o[0]) * inv[0]
    t2 = (box[k, 3] - hi_o[0]) * inv[0]
    near, far = (t1, t2) if t1 < t2 else (t2, t1)
    t1 = (box[k, 1] - lo_o[1]) * inv[1]
    t2 = (box[k, 4] - hi_o[1]) * inv[1]
    if t1 > t2:
        t1, t2 = t2, t1
    near = t1 if t1 > near else near
    far = t2 if t2 < far else far
    t1 = (box[k, 2] - lo_o[2]) * inv[2]
    t2 = (box[k, 5] - hi_o[2]) * inv[2]
    if t1 > t2:
        t1, t2 = t2, t1
    near = t1 if t1 > near else near
    far = t2 if t2 < far else far
    return near, far


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _setup(o, d, scene):
    """Return a ray's inverse direction and its origin moved by its widening (far origins).

    Tuples, not arrays: the walk keeps them in registers.
    """
    pad, cx, cy, cz, far = scene
    gap = (o[0] - cx) ** 2 + (o[1] - cy) ** 2 + (o[2] - cz) ** 2
    extra = pad * (math.sqrt(gap) / far - 1) if gap > far * far else 0.0
    inv = (1.0 / d[0], 1.0 / d[1], 1.0 / d[2])
    lo_o = (o[0] + extra, o[1] + extra, o[2] + extra)
    hi_o = (o[0] - extra, o[1] - extra, o[2] - extra)
    return inv, lo_o, hi_o


@njit(cache=True, nogil=True, error_model="numpy")
def nearest(bvh, tables, sub_of, scene, ox, oy, oz, dx, dy, dz, rays, k0, best, bid, bsub, pairs):
    """Lower best/bid/bsub of rays[k0:] to their nearest compiled hit; collect foreign pairs.

    Returns (k, n): rays[k0:k] are done and ``pairs[:n]`` (ray, global id) holds their
    foreign candidates, in ray order; k < rays.size when ``pairs`` filled up.
    """
    box, first, count, slots, gids, depth = bvh
    stack = np.empty(depth + 2, dtype=np.int64)
    work = compiled_csg.workspace(tables[8].shape[0])
    n = 0
    for k in range(k0, rays.size):
        r = rays[k]
        o, d = (ox[r], oy[r], oz[r]), (dx[r], dy[r], dz[r])
        inv, lo_o, hi_o = _setup(o, d, scene)
        t_best, g_best, s_best, start = best[r], bid[r], bsub[r], n
        near, far = _enter(box, 0, lo_o, hi_o, inv)
        top = 0
        if near <= far and far >= 0 and near <= t_best:
            stack[0] = 0
            top = 1
        while top > 0:
            top -= 1
            node = stack[top]
            c = count[node]
            if c == 0:
                top = _push(box, first[node], lo_o, hi_o, inv, t_best, stack, top)
                continue
            for j in range(first[node], first[node] + c):
                code = slots[j]
                if code & 15 == FOREIGN:
                    if n == pairs.shape[0]:
                        return k, start
                    pairs[n, 0], pairs[n, 1] = r, gids[j]
                    n += 1
                    continue
                t, face = _test(code, tables, o, d, work)
                g = gids[j]
                if t < t_best or (t == t_best and t < INF and g < g_best):
                    t_best, g_best = t, g
                    s_best = face if face >= 0 else (sub_of[g] if sub_of.size else 0)
        best[r], bid[r], bsub[r] = t_best, g_best, s_best
    return rays.size, n


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _push(box, left, lo_o, hi_o, inv, limit, stack, top):
    """Push the children of an inner node the ray enters before ``limit``, nearer on top."""
    n0, f0 = _enter(box, left, lo_o, hi_o, inv)
    n1, f1 = _enter(box, left + 1, lo_o, hi_o, inv)
    hit0 = n0 <= f0 and f0 >= 0 and n0 <= limit
    hit1 = n1 <= f1 and f1 >= 0 and n1 <= limit
    if hit0 and hit1:
        near_first = n0 <= n1
        stack[top] = left + 1 if near_first else left
        stack[top + 1] = left if near_first else left + 1
        return top + 2
    if hit0:
        stack[top] = left
        return top + 1
    if hit1:
        stack[top] = left + 1
        return top + 1
    return top


@njit(cache=True, nogil=True, error_model="numpy")
def any_hit(bvh, tables, scene, ox, oy, oz, dx, dy, dz, rays, k0, dist, blocked, pairs):
    """Set ``blocked`` for rays[k0:] with a compiled hit nearer than ``dist``.

    Returns (k, n) as nearest() does; the pairs are those of rays left unblocked.
    """
    box, first, count, slots, gids, depth = bvh
    stack = np.empty(depth + 2, dtype=np.int64)
    work = compiled_csg.workspace(tables[8].shape[0])
    n = 0
    for k in range(k0, rays.size):
        r = rays[k]
        o, d = (ox[r], oy[r], oz[r]), (dx[r], dy[r], dz[r])
        inv, lo_o, hi_o = _setup(o, d, scene)
        limit, start = dist[r], n
        near, far = _enter(box, 0, lo_o, hi_o, inv)
        top = 0
        if near <= far and far >= 0 and near <= limit:
            stack[0] = 0
            top = 1
        while top > 0:
            top -= 1
            node = stack[top]
            c = count[node]
            if c == 0:
                top = _push(box, first[node], lo_o, hi_o, inv, limit, stack, top)
                continue
            for j in range(first[node], first[node] + c):
                code = slots[j]
                if code & 15 == FOREIGN:
                    if n == pairs.shape[0]:
                        return k, start
                    pairs[n, 0], pairs[n, 1] = r, gids[j]
                    n += 1
                elif _test(code, tables, o, d, work)[0] < limit:
                    blocked[r] = True
                    n = start  # its foreign pairs need no test
                    top = 0
                    break
    return rays.size, n
