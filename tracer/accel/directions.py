"""Rays that share an origin (a pinhole camera's primary rays): primitives binned by direction.

Seen from the origin P, every primitive box covers a patch of directions. The directions
are the six faces of a cube around P, each cut into res x res bins; a primitive is listed
in the bins its box's patch overlaps, nearest box first. A ray from P finds its bin from
its direction alone and tests that bin's primitives in order of their boxes' distance from
P, stopping once its nearest hit lies before the next box: no walk through empty space and,
in a crowd, one or two exact tests per ray.

Exactness: a ray from P that hits a primitive passes through its padded box, so its
direction lies in the box's patch (the patch's bounding rectangle on a face is that of the
box corners' projections when the box lies in front of the face; a box that straddles the
face's plane through P takes the whole face); ids ascend within equal box distances are
irrelevant because a ray stops only when its hit is strictly nearer than the next box.
"""

from __future__ import annotations

import numpy as np

from ..arrays import median

#: Bins per face side at most, and about how many bins a primitive's patch should cover.
MAX_RES = 1024
BINS_PER_PRIM = 4.0
#: Entries the map may hold per primitive before it is not worth building.
MAX_ENTRIES_PER_PRIM = 64
#: Relative slack on projected coordinates and distances (far above their rounding).
SLACK = 1e-9


def _face_rects(rel_lo: np.ndarray, rel_hi: np.ndarray, axis: int, sign: float):
    """Return (rows, u0, u1, v0, v1): the boxes with directions on face ``sign * axis``.

    A box has directions on a face only where its points satisfy along >= |other|; a box in
    front of the face's plane through P covers the rectangle of its corners' projections.
    """
    b, c = [a for a in range(3) if a != axis]
    far = rel_hi[:, axis] if sign > 0 else -rel_lo[:, axis]
    gap_b = np.maximum(np.maximum(rel_lo[:, b], -rel_hi[:, b]), 0.0)
    gap_c = np.maximum(np.maximum(rel_lo[:, c], -rel_hi[:, c]), 0.0)
    rows = np.flatnonzero((far > 0) & (far * (1 + SLACK) >= np.maximum(gap_b, gap_c)))
    far = far[rows]
    near = rel_lo[rows, axis] if sign > 0 else -rel_hi[rows, axis]
    front = near > 0
    out = []
    for k in (b, c):
        lo_k, hi_k = rel_lo[rows, k], rel_hi[rows, k]
        with np.errstate(divide="ignore", invalid="ignore"):
            a0, a1, b0, b1 = lo_k / near, lo_k / far, hi_k / near, hi_k / far
        u0 = np.where(front, np.minimum(np.minimum(a0, a1), np.minimum(b0, b1)), -1.0)
        u1 = np.where(front, np.maximum(np.maximum(a0, a1), np.maximum(b0, b1)), 1.0)
        out += [u0 - SLACK * (1 + np.abs(u0)), u1 + SLACK * (1 + np.abs(u1))]
    u0, u1, v0, v1 = out
    keep = (u1 >= -1) & (u0 <= 1) & (v1 >= -1) & (v0 <= 1)
    return rows[keep], u0[keep], u1[keep], v0[keep], v1[keep]


class DirectionMap:
    """Primitive ids binned by their direction from ``point``, nearest box first per bin."""

    def __init__(self, point, lo: np.ndarray, hi: np.ndarray, ids: np.ndarray) -> None:
        self.point = tuple(float(c) for c in point)
        p = np.array(self.point)
        rel_lo, rel_hi = lo - p, hi - p
        gap = np.maximum(np.maximum(rel_lo, -rel_hi), 0.0)
        lb = np.sqrt((gap * gap).sum(axis=1))  # distance from P to each box
        lb = lb * (1 - SLACK) - SLACK * float(np.abs(p).max() + 1)
        dist = np.maximum(np.linalg.norm((rel_lo + rel_hi) / 2, axis=1), 1e-300)
        size = median(np.linalg.norm(rel_hi - rel_lo, axis=1) / dist)
        self.res = int(np.clip(np.ceil(2 / max(size / np.sqrt(BINS_PER_PRIM), 1e-12)), 1, MAX_RES))
        keys, owners = self._entries(rel_lo, rel_hi)
        self.usable = 0 < keys.size <= MAX_ENTRIES_PER_PRIM * max(1, len(ids))
        if not self.usable:
            return
        order = np.argsort(lb)  # nearest boxes first within every bin
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        keys *= order.size
        keys += rank[owners]
        keys.sort()
        owners = order[keys % order.size]
        keys //= order.size
        first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        index = np.int32 if keys.size < 2**31 else np.int64
        self.keys: np.ndarray = keys[first].astype(index)  # res <= 1024: 6 * res * res keys fit
        self.start: np.ndarray = first.astype(index)
        self.count: np.ndarray = np.diff(np.append(first, keys.size)).astype(index)
        self.ids = ids[owners].astype(np.int32 if len(ids) < 2**31 else np.int64)
        # The box distance of each entry (then inf), rounded down to float32: compact.
        near = lb[owners].astype(np.float32)
        near = np.where(near > lb[owners], np.nextafter(near, np.float32(-np.inf)), near)
        self.lb: np.ndarray = np.append(near, np.float32(np.inf))

    def _entries(self, rel_lo: np.ndarray, rel_hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the bin key and owner (row) of every (primitive, bin) entry."""
        res = self.res
        keys, owners = [], []
        for face in range(6):
            axis, sign = face // 2, (1.0, -1.0)[face % 2]
            rows, u0, u1, v0, v1 = _face_rects(rel_lo, rel_hi, axis, sign)
            iu0, iu1, iv0, iv1 = (
                np.clip(np.floor((x + 1) * (res / 2)), 0, res - 1).astype(np.int64)
                for x in (u0, u1, v0, v1)
            )
            nu, nv = iu1 - iu0 + 1, iv1 - iv0 + 1
            cnt = nu * nv
            total = int(cnt.sum())
            own = np.repeat(np.arange(rows.size), cnt)
            k = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(cnt) - cnt, cnt)
            iu = iu0[own] + k // nv[own]
            iv = iv0[own] + k % nv[own]
            keys.append((face * res + iu) * res + iv)
            owners.append(rows[own])
        return np.concatenate(keys), np.concatenate(owners)

    def bins(self, d) -> np.ndarray:
        """Return each direction's bin key (the face of its largest component, x first)."""
        ax, ay, az = (np.abs(c) for c in d)
        use_x = (ax >= ay) & (ax >= az)
        use_y = ~use_x & (ay >= az)
        key = np.empty(ax.shape, dtype=np.int64)
        res = self.res
        for axis, sel in ((0, use_x), (1, use_y), (2, ~(use_x | use_y))):
            i = np.flatnonzero(sel)
            b, c = [a for a in range(3) if a != axis]
            major = d[axis][i]
            m = np.abs(major)
            u = np.floor((d[b][i] / m + 1) * (res / 2))
            v = np.floor((d[c][i] / m + 1) * (res / 2))
            np.clip(u, 0, res - 1, out=u)
            np.clip(v, 0, res - 1, out=v)
            face = 2 * axis + (major < 0)
            key[i] = (face * res + u.astype(np.int64)) * res + v.astype(np.int64)
        return key

    def nearest(self, d, test, best, bid, bsub) -> None:
        """Lower (best, bid, bsub) to the nearest hit of rays from the map's point."""
        key = self.bins(d)
        slot = np.searchsorted(self.keys, key.astype(self.keys.dtype))
        slot[slot == self.keys.size] = 0
        found = self.keys[slot] == key
        r = np.flatnonzero(found)
        pos = self.start[slot[r]]
        r = r[~(best[r] < self.lb[pos])]  # hits found already (a floor) may stop rays at once
        pos = self.start[slot[r]]
        end = pos + self.count[slot[r]]
        while r.size:
            ids = self.ids[pos]
            t, ok, sub = test(r, ids)
            ok &= t < np.inf
            ok &= (t < best[r]) | ((t == best[r]) & (ids < bid[r]))
            won = r[ok]
            best[won] = t[ok]
            bid[won] = ids[ok]
            if sub is not None:
                bsub[won] = sub[ok]
            pos += 1
            going = (pos < end) & ~(best[r] < self.lb[pos])
            keep = np.flatnonzero(going)
            r, pos, end = r[keep], pos[keep], end[keep]

    def any_hit(self, o, d, dist, test, blocked, rays: np.ndarray) -> None:
        """Set ``blocked`` for rays ``rays`` (o + t d, t < dist) that meet a primitive.

        The rays head for the map's point (a light) and pass within the map's padding of
        it: a primitive that blocks one is listed in the bin of the direction from the point
        to the ray's origin, no farther from the point than that origin.
        """
        u = tuple(o[a][rays] - self.point[a] for a in range(3))
        limit = np.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]) * (1 + SLACK) + SLACK
        key = self.bins(u)
        slot = np.searchsorted(self.keys, key.astype(self.keys.dtype))
        slot[slot == self.keys.size] = 0
        keep = np.flatnonzero(self.keys[slot] == key)
        r, slot, limit = rays[keep], slot[keep], limit[keep]
        pos = self.start[slot].astype(np.int64)
        end = pos + self.count[slot]
        while r.size:
            t, ok, _sub = test(r, self.ids[pos])
            ok &= t < dist[r]
            blocked[r[ok]] = True
            pos += 1
            going = ~ok & (pos < end) & (self.lb[pos] <= limit)
            keep = np.flatnonzero(going)
            r, pos, end, limit = r[keep], pos[keep], end[keep], limit[keep]
