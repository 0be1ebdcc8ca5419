"""CSG nodes and moved shapes evaluated by compiled code: the programs of compiled_programs.py.

One ray at a time, with the numpy engine's arithmetic: a leaf's interval is its numpy
``intervals()`` written out (compiled_shapes.py); a node combines its operands as
intervals.combine does: their boundaries in operand order (entries, then exits), sorted
stably by distance, each child's inside state read just after every distinct distance, the
Boolean operation applied, a boundary kept where the result changes, with the face id of the
first boundary at that distance; a moved shape maps the ray as Transformed._local does and
divides distances by the same stretch. The first hit is the first boundary in front
(intervals.first_hit), after the node's box test (csg._box_hits).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import compiled_shapes as shapes

BOX, CYLINDER, CONE, BALL, UNION, INTERSECTION, DIFFERENCE, MOVE, BACK, NEAR = range(1, 11)
OP, SHIFT = 14, 15
INF = math.inf
kernel = njit(cache=True, nogil=True, error_model="numpy")


@kernel
def workspace(rows: int):
    """Return the scratch arrays of programs with ``rows`` rows in all (one per walk)."""
    n = rows + 2
    return np.empty((4, n)), np.empty((4, 2 * n)), np.empty((3, n), np.int64), np.empty((n, 7))


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _leaf(op, prog, i, o, d):
    """Return (t_in, t_out, id_in, id_out, hit) of a leaf row."""
    if op == BOX:
        return shapes.box_interval(prog, i, o, d)
    if op == CYLINDER:
        return shapes.cylinder_interval(prog, i, o, d)
    if op == CONE:
        return shapes.cone_interval(prog, i, o, d)
    return shapes.ball_interval(prog, i, o, d)


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _local(prog, i, o, d):
    """Return the ray in a moved shape's own space and its stretch: Transformed._local."""
    lo = (
        prog[i, 0] * o[0] + prog[i, 1] * o[1] + prog[i, 2] * o[2] + prog[i, 3],
        prog[i, 4] * o[0] + prog[i, 5] * o[1] + prog[i, 6] * o[2] + prog[i, 7],
        prog[i, 8] * o[0] + prog[i, 9] * o[1] + prog[i, 10] * o[2] + prog[i, 11],
    )
    ld0 = prog[i, 0] * d[0] + prog[i, 1] * d[1] + prog[i, 2] * d[2]
    ld1 = prog[i, 4] * d[0] + prog[i, 5] * d[1] + prog[i, 6] * d[2]
    ld2 = prog[i, 8] * d[0] + prog[i, 9] * d[1] + prog[i, 10] * d[2]
    stretch = math.sqrt(ld0 * ld0 + ld1 * ld1 + ld2 * ld2)
    return lo, (ld0 / stretch, ld1 / stretch, ld2 / stretch), stretch


@kernel
def intervals(prog, start, end, o, d, work):
    """Evaluate rows start..end-1 (one solid); return its intervals' (first, count) in work[0]."""
    iv, ev, frames, spaces = work
    sp, fp, depth = 0, 0, 0
    for i in range(start, end):
        op = int(prog[i, OP])
        if op <= BALL:
            t_in, t_out, id_in, id_out, hit = _leaf(op, prog, i, o, d)
            frames[0, fp], frames[1, fp], frames[2, fp] = sp, 1 if hit else 0, int(prog[i, SHIFT])
            fp += 1
            if hit:
                iv[0, sp], iv[1, sp], iv[2, sp], iv[3, sp] = t_in, t_out, id_in, id_out
                sp += 1
        elif op == MOVE:
            spaces[depth, 0], spaces[depth, 1], spaces[depth, 2] = o
            spaces[depth, 3], spaces[depth, 4], spaces[depth, 5] = d
            o, d, stretch = _local(prog, i, o, d)
            spaces[depth, 6] = stretch
            depth += 1
        elif op == BACK:
            depth -= 1
            o = (spaces[depth, 0], spaces[depth, 1], spaces[depth, 2])
            d = (spaces[depth, 3], spaces[depth, 4], spaces[depth, 5])
            first, count = frames[0, fp - 1], frames[1, fp - 1]
            for j in range(first, first + count):
                iv[0, j] /= spaces[depth, 6]
                iv[1, j] /= spaces[depth, 6]
            frames[2, fp - 1] = int(prog[i, SHIFT])
        else:
            n = int(prog[i, 0])
            fp -= n
            count = combine(op, iv, ev, frames, fp, n)
            sp = frames[0, fp] + count
            frames[1, fp], frames[2, fp] = count, int(prog[i, SHIFT])
            fp += 1
    return frames[0, 0], frames[1, 0]


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _inside(iv, frames, c, t):
    """Tell whether the ray is inside operand c just after distance t."""
    for j in range(frames[0, c], frames[0, c] + frames[1, c]):
        if iv[0, j] <= t and t < iv[1, j]:
            return True
    return False


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _state(op, iv, frames, f0, n, t):
    """Return the node's inside state just after t: its Boolean operation over its operands."""
    if op == UNION:  # loops, not any()/all(): compiled code
        for c in range(f0, f0 + n):  # noqa: SIM110
            if _inside(iv, frames, c, t):
                return True
        return False
    if op == INTERSECTION:
        for c in range(f0, f0 + n):  # noqa: SIM110
            if not _inside(iv, frames, c, t):
                return False
        return True
    if not _inside(iv, frames, f0, t):
        return False
    for c in range(f0 + 1, f0 + n):  # noqa: SIM110
        if _inside(iv, frames, c, t):
            return False
    return True


@kernel
def combine(op, iv, ev, frames, f0, n):
    """Combine operands frames[f0:f0+n] into intervals written over theirs; return their count."""
    e = 0
    for c in range(f0, f0 + n):  # a child's entries, then its exits, face ids shifted
        first, count, shift = frames[0, c], frames[1, c], frames[2, c]
        for side in range(2):
            for j in range(first, first + count):
                t, face = iv[side, j], iv[2 + side, j] + shift
                k = e
                while k > 0 and ev[0, k - 1] > t:  # insertion: stable for equal distances
                    ev[0, k], ev[1, k] = ev[0, k - 1], ev[1, k - 1]
                    k -= 1
                ev[0, k], ev[1, k] = t, face
                e += 1
    r, before, k = 0, False, 0
    while k < e:
        t, face = ev[0, k], ev[1, k]
        while k < e and ev[0, k] == t:
            k += 1
        state = _state(op, iv, frames, f0, n, t)
        if state != before:  # entries and exits alternate from outside
            ev[2, r], ev[3, r] = t, face
            r += 1
        before = state
    if before:  # cannot happen for closed leaves (finite exits): an exit at +inf, face 0
        ev[2, r], ev[3, r] = INF, 0.0
        r += 1
    base = frames[0, f0]
    for m in range(r // 2):
        iv[0, base + m], iv[2, base + m] = ev[2, 2 * m], ev[3, 2 * m]
        iv[1, base + m], iv[3, base + m] = ev[2, 2 * m + 1], ev[3, 2 * m + 1]
    return r // 2


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _box_hit(prog, i, o, d):
    """Tell whether the ray's line passes a node's box in front: csg._box_hits."""
    for k in range(1, 7):
        if not math.isfinite(prog[i, k]):
            return True
    near, far = -INF, INF
    for k in range(3):
        inv = 1.0 / d[k]
        t1 = (prog[i, 1 + k] - o[k]) * inv
        t2 = (prog[i, 4 + k] - o[k]) * inv
        near = shapes.fmax(near, shapes.fmin(t1, t2))
        far = shapes.fmin(far, shapes.fmax(t1, t2))
    return near <= far and far > 0


@kernel
def _first_hit(prog, start, end, o, d, work):
    """Return (t, face) of a shape's first hit (rows start..end-1), in the ray's space."""
    op = int(prog[end - 1, OP])
    if op == NEAR:
        return shapes.sphere(prog, end - 1, o, d)
    if op <= BALL:
        t_in, t_out, id_in, id_out, hit = _leaf(op, prog, end - 1, o, d)
        return shapes.first_hit(t_in, t_out, id_in, id_out, hit)
    if not _box_hit(prog, end - 1, o, d):
        return INF, -1
    first, count = intervals(prog, start, end, o, d, work)
    iv = work[0]
    for j in range(first, first + count):
        for side in range(2):
            t = iv[side, j]
            if t > 0:
                return (t, int(iv[2 + side, j])) if t < INF else (INF, -1)
    return INF, -1


@kernel
def hit(prog, start, end, o, d, work):
    """Return (t, face) of the first hit of the program at rows start..end-1 (face -1: none)."""
    if int(prog[start, OP]) == MOVE:
        lo, ld, stretch = _local(prog, start, o, d)
        t, face = _first_hit(prog, start + 1, end - 1, lo, ld, work)
        return t / stretch, face
    return _first_hit(prog, start, end, o, d, work)
