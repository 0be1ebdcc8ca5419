"""A brute-force pinhole tracer written from the textbook formulas, apart from the engine.

It reads a loaded scene's objects only for their public numbers (a Sphere's ``center`` and
``radius``, a Box's corners...) and imports nothing from ``tracer``: every ray is tested
against every shape with the closed forms below (a sphere by the geometric method, a box by
slabs, a cylinder by its quadratic and caps, a triangle by its plane and edge functions),
nearest hit wins, ties to the earlier object. ``inflate`` grows every shape by a small
length (negative: shrinks it), so a test can tell pixels on an edge (whose answer changes)
from the rest.
"""

from __future__ import annotations

import math

import numpy as np


def xyz(v) -> np.ndarray:
    """Return a Vector/Point-like value (x, y, z attributes, or a sequence) as an array."""
    if hasattr(v, "x"):
        return np.array([float(v.x), float(v.y), float(v.z)])
    return np.array([float(c) for c in v])


def unit_rows(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def look_at_rays(position, look_at, fov, up, width, height):
    """Return (origin (3,), directions (h*w, 3)) of a pinhole LookAtCamera's pixel centres.

    ``fov`` is horizontal; pixel x spans tan(fov/2) * [-1, 1] from the first column's centre
    to the last's, y the same times height/width, y down the picture.
    """
    eye, target, up = xyz(position), xyz(look_at), xyz(up)
    forward = unit_rows(target - eye)
    right = unit_rows(np.cross(forward, up))
    down = np.cross(forward, right)
    half = math.tan(math.radians(fov) / 2)
    sx = (-1 + 2 * np.arange(width) / (width - 1)) * half
    sy = (-1 + 2 * np.arange(height) / (height - 1)) * half * height / width
    d = forward + right * sx[None, :, None] + down * sy[:, None, None]
    return eye, unit_rows(d.reshape(-1, 3))


def puray_rays(position, width, height):
    """Return Puray's pinhole rays: from the camera through (x, y, 0), x in [-1, 1], y down."""
    eye = xyz(position)
    aspect = width / height
    x = -1 + 2 * np.arange(width) / (width - 1)
    y = (-1 + 2 * np.arange(height) / (height - 1)) / aspect
    target = np.stack(np.broadcast_arrays(x[None, :], y[:, None], 0.0), axis=-1)
    return eye, unit_rows(target.reshape(-1, 3) - eye)


def sphere(o, d, center, radius, inflate=0.0):
    """Return the near root t of rays against a sphere where it is positive (Puray's rule)."""
    r = radius + inflate
    L = center - o
    tca = d @ L if L.ndim == 1 else np.einsum("ij,ij->i", d, L)
    d2 = (L * L).sum(axis=-1) - tca * tca
    thc = np.sqrt(np.maximum(r * r - d2, 0.0))
    t = tca - thc
    return np.where((d2 <= r * r) & (t > 0), t, np.inf)


def plane(o, d, point, normal, inflate=0.0):
    """Return t of rays against an infinite plane (t > 0)."""
    n = unit_rows(normal)
    denom = d @ n
    with np.errstate(divide="ignore", invalid="ignore"):
        t = ((point - o) @ n) / denom
    return np.where(np.isfinite(t) & (t > 0), t, np.inf)


def box(o, d, lo, hi, inflate=0.0):
    """Return the first boundary t > 0 of rays against a solid box (slab method)."""
    lo, hi = lo - inflate, hi + inflate
    with np.errstate(divide="ignore", invalid="ignore"):
        t1, t2 = (lo - o) / d, (hi - o) / d
    near = np.nanmax(np.minimum(t1, t2), axis=-1)
    far = np.nanmin(np.maximum(t1, t2), axis=-1)
    t = np.where(near > 0, near, far)
    return np.where((near <= far) & (t > 0), t, np.inf)


def cylinder(o, d, base, top, radius, inflate=0.0):
    """Return the first boundary t > 0 of rays against a solid capped cylinder."""
    axis = top - base
    h = np.linalg.norm(axis)
    a = axis / h
    base = base - a * inflate
    h, r = h + 2 * inflate, radius + inflate
    w = o - base
    wa, da = w @ a, d @ a
    wp, dp = w - np.multiply.outer(wa, a), d - np.multiply.outer(da, a)
    A = (dp * dp).sum(axis=-1)
    B = 2 * (wp * dp).sum(axis=-1)
    C = (wp * wp).sum(axis=-1) - r * r
    disc = B * B - 4 * A * C
    root = np.sqrt(np.maximum(disc, 0.0))
    best = np.full(d.shape[0], np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        for t in ((-B - root) / (2 * A), (-B + root) / (2 * A)):
            u = wa + t * da
            ok = (disc >= 0) & (t > 0) & (u >= 0) & (u <= h)
            best = np.where(ok & (t < best), t, best)
        for cap in (0.0, h):
            t = (cap - wa) / da
            q = wp + dp * t[:, None]
            ok = (t > 0) & ((q * q).sum(axis=-1) <= r * r)
            best = np.where(ok & (t < best), t, best)
    return best


def triangles(o, d, a, b, c, inflate=0.0):
    """Return the nearest t > 0 of rays against triangles (m, 3) by plane and edge functions.

    A point of the plane is inside when it is on the inner side of all three edges (growing
    each edge outward by ``inflate``).
    """
    best = np.full(d.shape[0], np.inf)
    for k in range(len(a)):
        n = np.cross(b[k] - a[k], c[k] - a[k])
        area2 = np.linalg.norm(n)
        n = n / area2
        denom = d @ n
        with np.errstate(divide="ignore", invalid="ignore"):
            t = ((a[k] - o) @ n) / denom
        p = o + d * t[:, None]
        inside = np.isfinite(t) & (t > 0)
        for u, v in ((a[k], b[k]), (b[k], c[k]), (c[k], a[k])):
            edge = v - u
            side = np.cross(edge, p - u) @ n  # twice the signed area: distance * |edge|
            inside &= side >= -inflate * np.linalg.norm(edge)
        best = np.where(inside & (t < best), t, best)
    return best


def shape_hits(obj, o, d, inflate=0.0) -> np.ndarray:
    """Return the first-hit distances (inf: miss) of rays against one scene object."""
    kind = type(obj).__name__
    if kind == "Sphere":
        return sphere(o, d, xyz(obj.center), float(obj.radius), inflate)
    if kind == "Plane":
        return plane(o, d, xyz(obj.point), xyz(obj.normal), inflate)
    if kind == "Box":
        lo, hi = xyz(obj.min_corner), xyz(obj.max_corner)
        return box(o, d, np.minimum(lo, hi), np.maximum(lo, hi), inflate)
    if kind == "Cylinder":
        return cylinder(o, d, xyz(obj.base), xyz(obj.top), float(obj.radius), inflate)
    if kind == "Triangle":
        corners = [xyz(v)[None] for v in (obj.a, obj.b, obj.c)]
        return triangles(o, d, *corners, inflate)
    if kind == "Mesh":
        v = np.asarray(obj.vertices, dtype=float)
        f = np.asarray(obj.faces)
        return triangles(o, d, v[f[:, 0]], v[f[:, 1]], v[f[:, 2]], inflate)
    raise TypeError(f"the brute-force tracer has no formula for {kind}")


def nearest(objects, o, d, inflate=0.0):
    """Return (t, object index or -1) of every ray's nearest hit; ties go to the earlier one."""
    best = np.full(d.shape[0], np.inf)
    hit = np.full(d.shape[0], -1)
    for k, obj in enumerate(objects):
        t = shape_hits(obj, o, d, inflate)
        closer = t < best
        best[closer], hit[closer] = t[closer], k
    return best, hit
