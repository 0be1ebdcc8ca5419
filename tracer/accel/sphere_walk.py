"""The grid walk for grids of spheres, compiled by numba: one ray at a time, cell by cell.

The vectorised walk (walk.py) pays numpy's per-element cost for every step and pair of every
ray; compiled, a ray walks its cells and tests their spheres in registers and stops at once.
Used when numba is installed (the ``fast`` extra) and a scene's grid holds many spheres of one
batch; otherwise the numpy walk serves, with the same pixels.

Exactness, as the numpy walk: the same cells (the same set-up arithmetic, per-face lists so a
ray meets each sphere once), the same stopping rule with TOL slack, and the sphere test in
sphere._near_root's order of operations (no fused multiply-add: numba compiles without
fast-math). The nearest hit is the lowest (distance, id), as there.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import compiled_shapes as shapes
from .walk import FULL, HUGE, LISTS, TOL


@njit(cache=True, nogil=True, inline="always")
def _span(lo, hi, o, d):
    """Return where a ray enters (at least 0) and leaves the box: walk._clip_to_box's rule."""
    near, far = -math.inf, math.inf
    for a in range(3):
        inv = 1.0 / d[a] if d[a] != 0 else math.copysign(math.inf, d[a])
        ta = (lo[a] - o[a]) * inv
        tb = (hi[a] - o[a]) * inv
        near = shapes.fmin(ta, tb) if a == 0 else shapes.fmax(near, shapes.fmin(ta, tb))
        far = shapes.fmax(ta, tb) if a == 0 else shapes.fmin(far, shapes.fmax(ta, tb))
    return near, far


@njit(cache=True, nogil=True, inline="always")
def _walk(grid, o, d, rows, offset, best, best_id, shadow, limit):
    """Walk one ray; return (distance, id) of its nearest sphere below ``best``.

    ``shadow``: any sphere nearer than ``limit`` will do; the walk stops at the first.
    """
    lo, hi, res, h, inv_h, slack, start, ids = grid
    near, out = _span(lo, hi, o, d)
    if near != near:
        return best, best_id
    near = max(near, 0.0)
    if shadow:
        out = min(out, limit * (1 + TOL) + slack)
    if not near <= out:
        return best, best_id
    out = out * (1 - TOL)
    out -= slack
    ix, tnx, tdx = _axis(lo[0], res[0], h[0], inv_h[0], o[0], d[0], near)
    iy, tny, tdy = _axis(lo[1], res[1], h[1], inv_h[1], o[1], d[1], near)
    iz, tnz, tdz = _axis(lo[2], res[2], h[2], inv_h[2], o[2], d[2], near)
    ny, nz = res[1], res[2]
    face = FULL
    while True:
        key = ((ix * ny + iy) * nz + iz) * LISTS + face
        for j in range(start[key], start[key + 1]):  # the lists lie in key order
            gid = ids[j]
            t = shapes.sphere(rows, gid - offset, o, d)[0]
            if shadow:
                if t < limit:
                    return t, gid
            elif t < best or (t == best and t < math.inf and gid < best_id):
                best, best_id = t, gid
        # The nearest boundary's axis: x first on ties, then y.
        exit_t = min(tnx, tny, tnz)
        if not shadow and best < exit_t * (1 - TOL) - slack:
            break
        if exit_t > out:
            break
        if tnx == exit_t:
            ix += 1 if d[0] > 0 else -1
            tnx += tdx
            face = 1 if d[0] < 0 else 0
            if ix < 0 or ix >= res[0]:
                break
        elif tny == exit_t:
            iy += 1 if d[1] > 0 else -1
            tny += tdy
            face = 3 if d[1] < 0 else 2
            if iy < 0 or iy >= ny:
                break
        else:
            iz += 1 if d[2] > 0 else -1
            tnz += tdz
            face = 5 if d[2] < 0 else 4
            if iz < 0 or iz >= nz:
                break
    return best, best_id


@njit(cache=True, nogil=True, inline="always")
def _axis(lo, res, h, inv_h, o, d, near):
    """Return a ray's first cell along one axis, its next boundary and their spacing."""
    i = math.floor(((o + near * d) - lo) * inv_h)
    i = min(max(i, 0.0), res - 1.0)
    if d == 0:
        return int(i), math.inf, HUGE
    up = 1.0 if d > 0 else 0.0
    return int(i), (lo + (i + up) * h - o) / d, min(abs(h / d), HUGE)


@njit(cache=True, nogil=True)
def walk_rays(grid, ox, oy, oz, dx, dy, dz, rays, rows, offset, best, bid, shadow):
    """Walk ``rays`` through the grid's spheres.

    Nearest hits: lower best/bid to each ray's nearest sphere. ``shadow``: ``best`` holds
    each ray's distance to its light, left as it is; ``bid`` gets the id of a sphere nearer
    than that (a blocker), where there is one.
    """
    o = np.empty(3)
    d = np.empty(3)
    for k in range(rays.size):
        r = rays[k]
        o[0], o[1], o[2] = ox[r], oy[r], oz[r]
        d[0], d[1], d[2] = dx[r], dy[r], dz[r]
        if shadow:
            t, gid = _walk(grid, o, d, rows, offset, math.inf, -1, True, best[r])
            if t < best[r]:
                bid[r] = gid
        else:
            best[r], bid[r] = _walk(grid, o, d, rows, offset, best[r], bid[r], False, 0.0)
