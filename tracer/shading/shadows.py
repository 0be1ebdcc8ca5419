"""Shadow rays beyond Puray's: toward a sampled point of an area light, and through glass.

Puray's hard shadows are one any-hit query toward the light (the kernel's fast path, taken
whenever a scene has neither glass nor a light with a radius). Here a shadow ray may head for
a point sampled on an area light (area_light.py), and glass dims the light it lets through
instead of blocking it: rays that the any-hit query finds blocked walk their blockers by
nearest-hit queries, multiplying by each glass's tint where they enter it and by its
Beer-Lambert absorption over the distance inside; any opaque blocker makes them dark.
"""

from __future__ import annotations

import numpy as np

from ..arrays import dot, unit

#: Glass surfaces a shadow ray passes at most (after that it counts as blocked).
MAX_CROSSINGS = 16


def visibility(sa, light: int, p, q, L, dist, samples, normals, step: float):
    """Return (dark mask, (3, m) transmittance or None) of shadow rays from ``q`` to a light.

    ``L``, ``dist``: direction and distance to the light's centre; a light with a radius
    is sampled at a point of its disc when ``samples`` (LightSamples) are given.
    """
    center = sa.lights[light][0]
    toward = center
    radius = sa.radii[light]
    if radius > 0 and samples is not None:
        s = samples.points(light, center, radius, p)
        v = (s[0] - p[0], s[1] - p[1], s[2] - p[2])
        dist = np.sqrt(dot(v, v))
        L = unit(*v)
        toward = None
    if sa.glass is None:
        return sa.aggregate.occluded(q, L, dist, toward=toward), None
    return transmittance(sa, q, L, dist, toward, normals, step)


def transmittance(sa, q, L, dist, toward, normals, step: float):
    """Return (dark, trans) of rays through glass: trans is (3, m), or None if none blocked."""
    blocked = sa.aggregate.occluded(q, L, dist, toward=toward)
    if not blocked.any():
        return blocked, None
    trans = np.ones((3, blocked.size))
    rows = np.flatnonzero(blocked)
    o, d, left = _take(q, rows), _take(L, rows), dist[rows]
    glass = sa.glass
    for _ in range(MAX_CROSSINGS):
        t, hit, prim = sa.aggregate.nearest(o, d)
        on = np.flatnonzero((hit >= 0) & (t < left))
        rows, o, d, left, t, hit = rows[on], _take(o, on), _take(d, on), left[on], t[on], hit[on]
        prim = None if prim is None else prim[on]
        if rows.size == 0:
            break
        mat = sa.material_of(hit, prim)
        clear = glass.is_glass[mat]
        trans[:, rows[~clear]] = 0.0
        keep = np.flatnonzero(clear)
        rows, o, d, left, t, hit = (
            rows[keep],
            _take(o, keep),
            _take(d, keep),
            left[keep],
            t[keep],
            hit[keep],
        )
        mat, prim = mat[keep], None if prim is None else prim[keep]
        p = tuple(o[a] + d[a] * t for a in range(3))
        leaving = dot(d, normals(sa, p, d, hit, prim)) > 0
        factor = np.where(leaving, np.exp(-glass.absorb[mat] * t), glass.tint[:, mat])
        trans[:, rows] *= factor
        o = tuple(p[a] + d[a] * step for a in range(3))
        left = left - t - step
    else:
        trans[:, rows] = 0.0  # too many surfaces: count it as blocked
    return ~trans.any(axis=0), trans


def _take(v, idx):
    return tuple(a[idx] for a in v)
