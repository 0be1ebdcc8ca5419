"""A mesh's own bounding volume hierarchy over its triangles, traversed for many rays at once.

Built level by level: each level sorts every node's triangles along the longest axis of their
centroids and splits them in half, so the tree is complete (heap numbering: node i has
children 2i+1 and 2i+2) and every leaf sits at the same depth with at most ``leaf_size``
triangles. Traversal walks all rays down the levels together as (ray, node) pairs, two levels
a step, to subtrees of a few hundred triangles; each ray then takes its subtrees nearest first,
one per round, and skips those that start beyond the hit it has, so most rays stop after one
or two. This is the mesh's stand-in until the scene-wide acceleration structure takes meshes'
triangles (primitives()).
"""

from __future__ import annotations

import threading

import numpy as np

from .triangles import TriangleArrays, hit_pairs

LEAF_SIZE = 4
#: Leaf boxes grow by this much of the mesh's size: a flat box (a mesh in a plane) has no
#: slack between its slabs, and a ray through a triangle at a box's edge computes the slabs'
#: distances with rounding that can put its entry a hair past its exit (a miss).
PAD = 1e-9
#: Subtrees taken nearest-first, one per ray per round, before the rest go in one batch.
ROUNDS = 4
#: Levels of the subtrees rays take one at a time, nearest first (64 leaves, 256 triangles).
SUBTREE_LEVELS = 6


class BVH:
    """A complete binary tree of boxes over triangles."""

    def __init__(self, tris: TriangleArrays, leaf_size: int = LEAF_SIZE) -> None:
        m = len(tris)
        depth = 0
        while -(-m // 2**depth) > leaf_size:
            depth += 1
        self.depth = depth
        perm, starts, ends = _split(tris, depth)
        self.leaf_tris = np.full((len(starts), leaf_size), -1, dtype=np.intp)
        for j in range(leaf_size):
            idx = starts + j
            ok = idx < ends
            self.leaf_tris[ok, j] = perm[idx[ok]]
        count = 2 ** (depth + 1) - 1
        self.lo, self.hi = np.empty((count, 3)), np.empty((count, 3))
        first = 2**depth - 1
        pad = _padding(tris)
        self.lo[first:] = np.minimum.reduceat(tris.lo[perm], starts) - pad
        self.hi[first:] = np.maximum.reduceat(tris.hi[perm], starts) + pad
        for level in range(depth - 1, -1, -1):
            a, b = 2**level - 1, 2 ** (level + 1) - 1
            kids = 2 * np.arange(a, b) + 1
            self.lo[a:b] = np.minimum(self.lo[kids], self.lo[kids + 1])
            self.hi[a:b] = np.maximum(self.hi[kids], self.hi[kids + 1])
        self.axis_lo = [np.ascontiguousarray(self.lo[:, k]) for k in range(3)]
        self.axis_hi = [np.ascontiguousarray(self.hi[:, k]) for k in range(3)]
        # children (2i+1, 2i+2) and grandchildren (4i+3 .. 4i+6) of node i side by side in
        # row i: one gather fetches their boxes, and the walk goes down two levels a step
        self.kids = {
            w: [
                [np.ascontiguousarray(a[w - 1 :].reshape(-1, w)) for a in axes]
                for axes in (self.axis_lo, self.axis_hi)
            ]
            for w in ((2, 4) if depth >= 2 else (2,))
        }

    def __repr__(self) -> str:
        return f"BVH(depth={self.depth}, leaves={len(self.leaf_tris)})"

    def leaf_pairs(self, o, d, whole_line: bool):
        """Return (rays, leaves, t_near) of every leaf box each ray passes through."""
        o, inv = _prepared(o, d)
        rays, nodes, t = self._roots(o, inv, d[0].shape[0], whole_line)
        rays, nodes, t = self._walk(o, inv, rays, nodes, self.depth, whole_line)
        return rays, nodes - (2**self.depth - 1), t

    def _roots(self, o, inv, n: int, whole_line: bool):
        rays = np.arange(n)
        nodes = np.zeros_like(rays)
        t, ok = self._boxes(o, inv, rays, nodes, whole_line)
        return rays[ok], nodes[ok], t[ok]

    def _walk(self, o, inv, rays, nodes, levels: int, whole_line: bool, limit=None):
        """Walk (ray, node) pairs ``levels`` levels down (boxes entered past ``limit`` drop)."""
        t = np.zeros(rays.shape)
        while levels > 0:
            w = 4 if levels >= 2 else 2
            t, ok = self._children(o, inv, rays, nodes, whole_line, w)
            if limit is not None:
                ok &= t < limit[rays][:, None]
            parent, side = np.nonzero(ok)
            rays, nodes, t = rays[parent], w * nodes[parent] + w - 1 + side, t[parent, side]
            levels -= w // 2
        return rays, nodes, t

    def _boxes(self, o, inv, rays, nodes, whole_line: bool):
        near = np.full(rays.shape, -np.inf)
        far = np.full(rays.shape, np.inf)
        with np.errstate(invalid="ignore"):
            for k in range(3):
                ok_, ik = o[k].take(rays), inv[k].take(rays)
                t1 = self.axis_lo[k].take(nodes)
                t1 -= ok_
                t1 *= ik
                t2 = self.axis_hi[k].take(nodes)
                t2 -= ok_
                t2 *= ik
                lo, hi = np.minimum(t1, t2), np.maximum(t1, t2)  # NaN: see _children
                np.fmax(near, lo, out=near)
                np.fmin(far, hi, out=far)
        ok = near <= far
        if not whole_line:
            ok &= far > 0
        return near, ok

    def _children(self, o, inv, rays, nodes, whole_line: bool, w: int):
        """Return (near, hit) of the w descendants one (2) or two (4) levels below each pair."""
        near = np.full((rays.size, w), -np.inf)
        far = np.full((rays.size, w), np.inf)
        kids_lo, kids_hi = self.kids[w]
        with np.errstate(invalid="ignore"):
            for k in range(3):
                ok_, ik = o[k].take(rays)[:, None], inv[k].take(rays)[:, None]
                t1 = kids_lo[k].take(nodes, axis=0)
                t1 -= ok_
                t1 *= ik
                t2 = kids_hi[k].take(nodes, axis=0)
                t2 -= ok_
                t2 *= ik
                # 0 * inf = NaN: a ray along a face's plane (direction 0 on that axis, origin
                # on it) lies in the closed slab; the NaN wins the min/max and loses to near/far,
                # so that axis does not bound it (fmin there made it miss flat meshes head-on)
                np.fmax(near, np.minimum(t1, t2), out=near)
                np.fmin(far, np.maximum(t1, t2), out=far)
        ok = near <= far
        if not whole_line:
            ok &= far > 0
        return near, ok

    def nearest(self, tris: TriangleArrays, o, d):
        """Return (t, prim) of each ray's nearest triangle at t > 0 (inf, -1 for misses).

        Rays walk down together to subtrees of 256 triangles; then each ray takes its
        subtrees nearest first, one per round, skipping those that start past its best hit.
        """
        n = d[0].shape[0]
        best, prim = np.full(n, np.inf), np.full(n, -1, dtype=np.intp)
        o_, inv = _prepared(o, d)
        cut = max(0, self.depth - SUBTREE_LEVELS)
        rays, nodes, t = self._roots(o_, inv, n, False)
        rays, nodes, t = self._walk(o_, inv, rays, nodes, cut, False)
        order = np.lexsort((t, rays))
        rays, nodes, t = rays[order], nodes[order], t[order]
        starts = np.flatnonzero(np.r_[True, rays[1:] != rays[:-1]])
        rank = np.arange(rays.size) - np.repeat(starts, np.diff(np.r_[starts, rays.size]))
        last = int(rank.max(initial=-1))
        rounds = [rank == r for r in range(min(ROUNDS, last + 1))]
        if last >= ROUNDS:  # the few rays still going: all their remaining subtrees at once
            rounds.append(rank >= ROUNDS)
        for chosen in rounds:
            sel = np.flatnonzero(chosen)
            sel = sel[t[sel] < best[rays[sel]]]
            leaf_rays, leaves, _t = self._walk(
                o_, inv, rays[sel], nodes[sel], self.depth - cut, False, best
            )
            first_leaf = 2**self.depth - 1
            self._test_leaves(tris, o, d, leaf_rays, leaves - first_leaf, best, prim)
        return best, prim

    def _test_leaves(self, tris, o, d, rays, leaves, best, prim) -> None:
        if rays.size == 0:
            return
        cand = self.leaf_tris[leaves].ravel()
        pair_rays = np.repeat(rays, self.leaf_tris.shape[1])
        keep = cand >= 0
        pair_rays, cand = pair_rays[keep], cand[keep]
        t, ok, _u, _v = hit_pairs(tris, o, d, pair_rays, cand)
        ok &= t < best[pair_rays]
        keep_min(pair_rays[ok], t[ok], cand[ok], best, prim)

    def all_hits(self, tris: TriangleArrays, o, d):
        """Return (rays, t, prims) of every crossing of each ray's whole line with the mesh."""
        rays, leaves, _t = self.leaf_pairs(o, d, whole_line=True)
        cand = self.leaf_tris[leaves].ravel()
        pair_rays = np.repeat(rays, self.leaf_tris.shape[1])
        keep = cand >= 0
        pair_rays, cand = pair_rays[keep], cand[keep]
        t, ok, _u, _v = hit_pairs(tris, o, d, pair_rays, cand, any_sign=True)
        return pair_rays[ok], t[ok], cand[ok]


class LazyBVH:
    """A mesh's BVH, built the first time a ray needs it: once per process, thread-safe.

    A mesh whose triangles go to the scene's acceleration structure (primitives()) is never
    walked on its own: only a moved mesh, a CSG mesh or a small scene asks. The state that
    two loads of a scene compare (its repr) does not depend on whether it was built.
    """

    def __init__(self, tris: TriangleArrays) -> None:
        self._tris = tris
        self._tree: BVH | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LazyBVH({len(self._tris)} triangles)"

    def __getstate__(self) -> dict:
        return {"_tris": self._tris, "_tree": self._tree}  # a lock does not travel

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        return self._tree is not None

    @property
    def tree(self) -> BVH:
        """Return the tree, building it now if nothing has yet (one thread builds it)."""
        tree = self._tree
        if tree is None:
            with self._lock:
                if self._tree is None:
                    self._tree = BVH(self._tris)
                tree = self._tree
        return tree

    def nearest(self, o, d):
        return self.tree.nearest(self._tris, o, d)

    def all_hits(self, o, d):
        return self.tree.all_hits(self._tris, o, d)


def _prepared(o, d):
    """Return contiguous origins and the directions' reciprocals."""
    with np.errstate(divide="ignore"):
        inv = tuple(1.0 / c for c in d)
    return tuple(np.ascontiguousarray(c) for c in o), inv


def _padding(tris: TriangleArrays) -> float:
    """Return the leaf boxes' padding: PAD of the mesh's extent and distance from the origin."""
    if len(tris) == 0:
        return 0.0
    lo, hi = tris.lo.min(axis=0), tris.hi.max(axis=0)
    return PAD * float(max(np.max(hi - lo), np.max(np.abs(lo)), np.max(np.abs(hi))))


def keep_min(rays, t, prims, best, prim) -> None:
    """Lower best[r] to the smallest t of each ray r (ties: the lower prim) and note its prim."""
    if rays.size == 0:
        return
    order = np.lexsort((prims, t, rays))
    rays, t, prims = rays[order], t[order], prims[order]
    first = np.r_[True, rays[1:] != rays[:-1]]
    rays, t, prims = rays[first], t[first], prims[first]
    better = t < best[rays]
    best[rays[better]] = t[better]
    prim[rays[better]] = prims[better]


def _split(tris: TriangleArrays, depth: int):
    """Return the triangle order and each leaf's [start, end) after ``depth`` median splits."""
    cent = (tris.lo + tris.hi) * 0.5
    m = len(tris)
    perm = np.arange(m)
    starts, ends = np.array([0]), np.array([m])
    for _ in range(depth):
        sizes = ends - starts
        seg = np.repeat(np.arange(len(starts)), sizes)
        c = cent[perm]
        extent = np.maximum.reduceat(c, starts) - np.minimum.reduceat(c, starts)
        axis = np.argmax(extent, axis=1)
        key = c[np.arange(m), axis[seg]]
        perm = perm[np.lexsort((key, seg))]
        mids = starts + sizes // 2
        starts = np.stack((starts, mids), axis=1).ravel()
        ends = np.stack((mids, ends), axis=1).ravel()
    return perm, starts, ends
