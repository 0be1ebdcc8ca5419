"""The exact hit tests of the built-in shapes, compiled by numba: one ray against one primitive.

Each function is the numpy test of its shape written out for one ray, operation for
operation in the same order (numba compiles without fast-math and never fuses a multiply
and an add), so a distance is the same float64 the numpy engine computes:

- sphere: sphere._near_root (Puray's near root);
- triangle: triangles.hit_pairs (Möller-Trumbore);
- box, cylinder, cone: the shape's intervals() then intervals.first_hit;
- disc: Disc.intersect; glass sphere: SphereSolid.intervals then first_hit.

Each returns (t, face): the first hit in front of the ray (inf: none) and the face id a
closed solid reports as its prim (-1 for the others). Rows are flat float64 records
(compiled_prims.py writes them): the constants the numpy test reads, as it reads them.
"""

from __future__ import annotations

import math

from numba import njit

INF = math.inf
#: Every test is inlined into the walk that calls it; IEEE results, no exceptions.
inlined = njit(cache=True, nogil=True, inline="always", error_model="numpy")


@inlined
def fmin(a, b):
    """numpy's fmin: a NaN loses."""
    if a != a:
        return b
    if b != b:
        return a
    return a if a < b else b


@inlined
def fmax(a, b):
    """numpy's fmax: a NaN loses."""
    if a != a:
        return b
    if b != b:
        return a
    return a if a > b else b


@inlined
def maximum(a, b):
    """numpy's maximum: a NaN wins."""
    if a != a or a >= b:
        return a
    return b


@inlined
def minimum(a, b):
    """numpy's minimum: a NaN wins."""
    if a != a or a <= b:
        return a
    return b


@inlined
def sphere(rows, q, o, d):
    """Return the near root of sphere row q (cx, cy, cz, r*r): sphere._near_root's order."""
    sx = o[0] - rows[q, 0]
    sy = o[1] - rows[q, 1]
    sz = o[2] - rows[q, 2]
    b = d[0] * sx
    b += d[1] * sy
    b += d[2] * sz
    b *= 2
    c = (sx * sx + sy * sy + sz * sz) - rows[q, 3]
    disc = b * b
    disc -= 4 * c
    if not disc >= 0:
        return INF, -1
    t = -b
    t -= math.sqrt(disc)
    t /= 2
    return (t, -1) if t > 0 else (INF, -1)


@inlined
def triangle(rows, q, o, d):
    """Return the hit of triangle row q (a, e1, e2, tol): triangles.hit_pairs' order."""
    ax, ay, az = rows[q, 0], rows[q, 1], rows[q, 2]
    e1x, e1y, e1z = rows[q, 3], rows[q, 4], rows[q, 5]
    e2x, e2y, e2z = rows[q, 6], rows[q, 7], rows[q, 8]
    px = d[1] * e2z - d[2] * e2y
    py = d[2] * e2x - d[0] * e2z
    pz = d[0] * e2y - d[1] * e2x
    det = e1x * px + e1y * py + e1z * pz
    if not abs(det) > rows[q, 9]:
        return INF, -1
    inv = 1.0 / det
    sx, sy, sz = o[0] - ax, o[1] - ay, o[2] - az
    u = (sx * px + sy * py + sz * pz) * inv
    qx = sy * e1z - sz * e1y
    qy = sz * e1x - sx * e1z
    qz = sx * e1y - sy * e1x
    v = (d[0] * qx + d[1] * qy + d[2] * qz) * inv
    t = (e2x * qx + e2y * qy + e2z * qz) * inv
    if u >= 0 and v >= 0 and u + v <= 1 and t > 0:
        return t, -1
    return INF, -1


@inlined
def first_hit(t_in, t_out, id_in, id_out, hit):
    """Return (t, face) of the first boundary in front: intervals.single, then first_hit."""
    if not hit:
        return INF, -1
    if t_in > 0:
        return t_in, id_in
    if t_out > 0 and t_out < INF:
        return t_out, id_out
    return INF, -1


@inlined
def box(rows, q, o, d):
    """Return the first hit of box row q (lo, hi)."""
    t_in, t_out, id_in, id_out, hit = box_interval(rows, q, o, d)
    return first_hit(t_in, t_out, id_in, id_out, hit)


@inlined
def box_interval(rows, q, o, d):
    """Return (t_in, t_out, id_in, id_out, hit) of box row q: Box.intervals (argmax: first)."""
    t_in, t_out, axis_in, axis_out = -INF, INF, -1, -1
    for a in range(3):
        inv = 1.0 / d[a]
        t1 = (rows[q, a] - o[a]) * inv
        t2 = (rows[q, 3 + a] - o[a]) * inv
        near, far = fmin(t1, t2), fmax(t1, t2)
        if axis_in < 0 or (t_in == t_in and (near != near or near > t_in)):
            t_in, axis_in = near, a
        if axis_out < 0 or (t_out == t_out and (far != far or far < t_out)):
            t_out, axis_out = far, a
    id_in = 2 * axis_in + (1 if d[axis_in] < 0 else 0)
    id_out = 2 * axis_out + (1 if d[axis_out] > 0 else 0)
    hit = t_in <= t_out and math.isfinite(t_in) and math.isfinite(t_out)
    return t_in, t_out, id_in, id_out, hit


@inlined
def _split(rows, q, o, d):
    """Return (u0, du, o_perp, d_perp) along the axis of row q (base, a): Axis.split."""
    sx, sy, sz = o[0] - rows[q, 0], o[1] - rows[q, 1], o[2] - rows[q, 2]
    a0, a1, a2 = rows[q, 3], rows[q, 4], rows[q, 5]
    u0 = sx * a0 + sy * a1 + sz * a2
    du = d[0] * a0 + d[1] * a1 + d[2] * a2
    op = (sx - u0 * a0, sy - u0 * a1, sz - u0 * a2)
    dp = (d[0] - du * a0, d[1] - du * a1, d[2] - du * a2)
    return u0, du, op, dp


@inlined
def _slab(u0, du, height):
    """Return the t range between the base and tip planes: Axis.slab."""
    t0 = (0.0 - u0) / du
    t1 = (height - u0) / du
    if du == 0:
        inside = u0 >= 0 and u0 <= height
        return (-INF, INF) if inside else (INF, -INF)
    return fmin(t0, t1), fmax(t0, t1)


@inlined
def _roots(qa, qb, qc):
    """Return the sorted roots of qa t^2 + 2 qb t + qc and whether they are real: roots."""
    disc = qb * qb - qa * qc
    real = disc >= 0
    s = math.sqrt(maximum(disc, 0.0))
    q = -(qb + (s if qb >= 0 else -s))
    r1 = q / qa
    r2 = qc / q
    if r1 != r1:
        r1 = r2
    if r2 != r2:
        r2 = r1
    return fmin(r1, r2), fmax(r1, r2), real


@inlined
def cylinder(rows, q, o, d):
    """Return the first hit of cylinder row q (base, a, height, r*r)."""
    t_in, t_out, id_in, id_out, hit = cylinder_interval(rows, q, o, d)
    return first_hit(t_in, t_out, id_in, id_out, hit)


@inlined
def cylinder_interval(rows, q, o, d):
    """Return (t_in, t_out, id_in, id_out, hit) of cylinder row q: Cylinder.intervals."""
    u0, du, op, dp = _split(rows, q, o, d)
    qa = dp[0] * dp[0] + dp[1] * dp[1] + dp[2] * dp[2]
    qb = op[0] * dp[0] + op[1] * dp[1] + op[2] * dp[2]
    qc = (op[0] * op[0] + op[1] * op[1] + op[2] * op[2]) - rows[q, 7]
    r0, r1, real = _roots(qa, qb, qc)
    if qa == 0:  # along the axis: inside the tube everywhere or nowhere
        r0, r1 = (-INF, INF) if qc <= 0 else (INF, -INF)
        real = True
    s0, s1 = _slab(u0, du, rows[q, 6])
    t_in, t_out = maximum(r0, s0), minimum(r1, s1)
    cap_in, cap_out = (1, 2) if du > 0 else (2, 1)
    id_in = cap_in if s0 > r0 else 0
    id_out = cap_out if s1 < r1 else 0
    hit = real and t_in <= t_out and math.isfinite(t_in) and math.isfinite(t_out)
    return t_in, t_out, id_in, id_out, hit


@inlined
def cone(rows, q, o, d):
    """Return the first hit of cone row q (base, a, height, k*k)."""
    t_in, t_out, id_in, id_out, hit = cone_interval(rows, q, o, d)
    return first_hit(t_in, t_out, id_in, id_out, hit)


@inlined
def cone_interval(rows, q, o, d):
    """Return (t_in, t_out, id_in, id_out, hit) of cone row q: Cone.intervals."""
    u0, du, op, dp = _split(rows, q, o, d)
    height, k2 = rows[q, 6], rows[q, 7]
    w0 = height - u0
    qa = (dp[0] * dp[0] + dp[1] * dp[1] + dp[2] * dp[2]) - k2 * du * du
    qb = (op[0] * dp[0] + op[1] * dp[1] + op[2] * dp[2]) + k2 * w0 * du
    qc = (op[0] * op[0] + op[1] * op[1] + op[2] * op[2]) - k2 * w0 * w0
    r0, r1, real = _roots(qa, qb, qc)
    if qa > 0:
        lo, hi = r0, r1
    elif height - (u0 + r0 * du) >= 0:  # the line crosses both nappes: our side of the apex
        lo, hi = -INF, r0
    else:
        lo, hi = r1, INF
    s0, s1 = _slab(u0, du, height)
    t_in, t_out = maximum(lo, s0), minimum(hi, s1)
    id_in = 1 if s0 > lo and du > 0 else 0
    id_out = 1 if s1 < hi and du < 0 else 0
    hit = real and t_in <= t_out and math.isfinite(t_in) and math.isfinite(t_out)
    return t_in, t_out, id_in, id_out, hit


@inlined
def disc(rows, q, o, d):
    """Return the hit of disc row q (centre, normal, r*r): Disc.intersect's order."""
    cx, cy, cz = rows[q, 0], rows[q, 1], rows[q, 2]
    nx, ny, nz = rows[q, 3], rows[q, 4], rows[q, 5]
    denom = d[0] * nx + d[1] * ny + d[2] * nz
    num = (cx - o[0]) * nx + (cy - o[1]) * ny + (cz - o[2]) * nz
    t = num / denom
    px = o[0] + d[0] * t - cx
    py = o[1] + d[1] * t - cy
    pz = o[2] + d[2] * t - cz
    if t > 0 and px * px + py * py + pz * pz <= rows[q, 6] and t < INF:
        return t, -1
    return INF, -1


@inlined
def glass_sphere(rows, q, o, d):
    """Return the first hit of a sphere tested with both roots."""
    t_in, t_out, id_in, id_out, hit = ball_interval(rows, q, o, d)
    return first_hit(t_in, t_out, id_in, id_out, hit)


@inlined
def ball_interval(rows, q, o, d):
    """Return (t_in, t_out, id_in, id_out, hit) of sphere row q: SphereSolid.intervals."""
    sx = o[0] - rows[q, 0]
    sy = o[1] - rows[q, 1]
    sz = o[2] - rows[q, 2]
    b = d[0] * sx + d[1] * sy + d[2] * sz
    c = (sx * sx + sy * sy + sz * sz) - rows[q, 3]
    disc = b * b - c
    root = math.sqrt(maximum(disc, 0.0))
    return -b - root, -b + root, 0, 0, disc >= 0
