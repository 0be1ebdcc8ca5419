"""A ray's inside intervals through a closed solid, and how CSG combines them.

For n rays, a closed solid reports up to k intervals per ray along the whole line (t may be
negative: a ray that starts inside has its entry behind it) as (n, k) arrays: entry and exit
distances and the surface (face id) crossed at each. Missing intervals are (+inf, +inf).
Nodes merge their children's boundaries as events sorted along each ray, count which children
each stretch is inside, apply the Boolean operation and keep where the result changes.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Intervals(NamedTuple):
    """Entry/exit distances (n, k) and the face ids crossed there."""

    t_in: np.ndarray
    t_out: np.ndarray
    id_in: np.ndarray
    id_out: np.ndarray


def single(t_in, t_out, id_in, id_out, hit) -> Intervals:
    """Return one interval per ray (a convex solid); rays where ``hit`` is False get none."""
    t_in = np.where(hit, t_in, np.inf)[:, None]
    t_out = np.where(hit, t_out, np.inf)[:, None]
    ids = (np.asarray(id_in, dtype=np.intp), np.asarray(id_out, dtype=np.intp))
    n = t_in.shape[0]
    id_in, id_out = (np.broadcast_to(i, (n,)).reshape(n, 1) for i in ids)
    return Intervals(t_in, t_out, id_in, id_out)


def first_hit(iv: Intervals) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (t, hit, face id) of the first boundary at t > 0 along each ray."""
    if iv.t_in.shape[1] == 1:
        a, b = iv.t_in[:, 0], iv.t_out[:, 0]
        front = a > 0
        t = np.where(front, a, b)
        prim = np.where(front, iv.id_in[:, 0], iv.id_out[:, 0])
        return t, (t > 0) & (t < np.inf), prim
    t = np.concatenate((iv.t_in, iv.t_out), axis=1)
    ids = np.concatenate((iv.id_in, iv.id_out), axis=1)
    t = np.where(t > 0, t, np.inf)
    j = np.argmin(t, axis=1)
    rows = np.arange(t.shape[0])
    best = t[rows, j]
    return best, best < np.inf, ids[rows, j]


def combine(op: str, parts: list[Intervals], offsets: list[int]) -> Intervals:
    """Return the intervals of union/intersection/difference of children's intervals.

    Face ids of child c are shifted by ``offsets[c]`` so the node's ids stay distinct.
    Each child's inside state just after every boundary is read off its own intervals, so
    boundaries at one distance count as simultaneous; the face reported there is the first
    of them in operand order (child by child, entries before exits): a stable sort, since
    numpy's default one orders ties by the CPU's vector width.
    """
    t = np.concatenate([a for iv in parts for a in (iv.t_in, iv.t_out)], axis=1)
    ids = [a + off for iv, off in zip(parts, offsets, strict=True) for a in (iv.id_in, iv.id_out)]
    order = np.argsort(t, axis=1, kind="stable")  # ties: operand order, on every CPU
    t = np.take_along_axis(t, order, axis=1)
    face = np.take_along_axis(np.concatenate(ids, axis=1), order, axis=1)
    inside = [_inside_after(iv, t) for iv in parts]
    if op == "union":
        state = np.logical_or.reduce(inside)
    elif op == "intersection":
        state = np.logical_and.reduce(inside)
    else:
        state = inside[0] & ~np.logical_or.reduce(inside[1:]) if len(inside) > 1 else inside[0]
    before = np.zeros_like(state)
    before[:, 1:] = state[:, :-1]
    return _pack(t, face, state & ~before, before & ~state)


def _inside_after(iv: Intervals, t: np.ndarray) -> np.ndarray:
    """Return whether the ray is inside the solid just after each distance in t (n, e)."""
    state = (iv.t_in[:, :1] <= t) & (t < iv.t_out[:, :1])
    for j in range(1, iv.t_in.shape[1]):
        state |= (iv.t_in[:, j : j + 1] <= t) & (t < iv.t_out[:, j : j + 1])
    return state


def from_crossings(n: int, rays, t, faces, delta) -> Intervals:
    """Return intervals from a closed surface's crossings (+1 entering, -1 leaving).

    Counting rather than pairing keeps a ray through a shared edge (two crossings at one
    t) right.
    """
    order = np.lexsort((t, rays))
    rays, t, faces, delta = rays[order], t[order], faces[order], delta[order]
    counts = np.bincount(rays, minlength=n)
    e = max(1, int(counts.max(initial=0)))
    col = np.arange(rays.size) - (np.cumsum(counts) - counts)[rays]
    times = np.full((n, e), np.inf)
    ids = np.zeros((n, e), dtype=np.intp)
    steps = np.zeros((n, e), dtype=np.intp)
    times[rays, col], ids[rays, col], steps[rays, col] = t, faces, delta
    state = np.cumsum(steps, axis=1) > 0
    before = np.zeros_like(state)
    before[:, 1:] = state[:, :-1]
    return _pack(times, ids, state & ~before, before & ~state)


def _pack(t, face, enter, leave) -> Intervals:
    """Gather each ray's entries and exits (in order) into (n, k) arrays."""
    n = t.shape[0]
    k = max(1, int(enter.sum(axis=1).max(initial=0)))
    out = []
    for mask in (enter, leave):
        times = np.full((n, k), np.inf)
        faces = np.zeros((n, k), dtype=np.intp)
        rank = np.cumsum(mask, axis=1) - 1
        rows, cols = np.nonzero(mask)
        times[rows, rank[rows, cols]] = t[rows, cols]
        faces[rows, rank[rows, cols]] = face[rows, cols]
        out.append((times, faces))
    (t_in, id_in), (t_out, id_out) = out
    return Intervals(t_in, t_out, id_in, id_out)
