"""Each primitive against analytic answers, with random rays (fixed seeds), pbrt style.

For every solid: points along random rays are inside exactly where the reported intervals
say, the first hit is on the surface at distance |p - o|, and normals are unit and match the
surface's analytic normal. Disc and Triangle are checked against a direct solution.
"""

from __future__ import annotations

import numpy as np
import pytest

from tracer import Box, Cone, Cylinder, Disc, Point, Sphere, Triangle, Vector
from tracer.geometry.solid import SphereSolid

N = 4000


def rays(seed: int, n: int = N, spread: float = 3.0):
    """Random unit rays from a shell around the origin towards points near it."""
    rng = np.random.default_rng(seed)
    o = rng.normal(size=(n, 3))
    o *= spread / np.linalg.norm(o, axis=1, keepdims=True)
    target = rng.uniform(-1.2, 1.2, size=(n, 3))
    d = target - o
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    return tuple(o.T.copy()), tuple(d.T.copy())


def inside_box(p, lo=(-0.7, -0.4, -0.5), hi=(0.6, 0.9, 0.3)):
    return np.all([(p[k] >= lo[k]) & (p[k] <= hi[k]) for k in range(3)], axis=0)


def axial(p, base, tip):
    a = np.subtract(tip, base, dtype=float)
    h = np.linalg.norm(a)
    a /= h
    s = np.stack([p[k] - base[k] for k in range(3)])
    u = np.tensordot(a, s, axes=1)
    a = a.reshape((3,) + (1,) * (s.ndim - 1))
    r = np.linalg.norm(s - u * a, axis=0)
    return u, r, h


CYL = ((0.2, -0.6, 0.1), (-0.3, 0.7, 0.4), 0.5)
CONE = ((0.1, 0.8, -0.2), (0.3, -0.9, 0.5), 0.7)


def inside_cylinder(p):
    base, top, radius = CYL
    u, r, h = axial(p, base, top)
    return (u >= 0) & (u <= h) & (r <= radius)


def inside_cone(p):
    base, apex, radius = CONE
    u, r, h = axial(p, base, apex)
    return (u >= 0) & (u <= h) & (r <= radius * (h - u) / h)


def inside_sphere(p):
    return (p[0] - 0.1) ** 2 + (p[1] + 0.2) ** 2 + (p[2] - 0.3) ** 2 <= 0.8**2


def solids():
    box = Box(Point(0.6, 0.9, -0.5), Point(-0.7, -0.4, 0.3))  # corners in any order
    cyl = Cylinder(Point(*CYL[0]), Point(*CYL[1]), CYL[2])
    cone = Cone(Point(*CONE[0]), Point(*CONE[1]), CONE[2])
    sphere = Sphere(Point(0.1, -0.2, 0.3), 0.8)
    for s in (box, cyl, cone, sphere):
        s.prepare()
    return [
        ("box", box, inside_box),
        ("cylinder", cyl, inside_cylinder),
        ("cone", cone, inside_cone),
        ("sphere", SphereSolid(sphere), inside_sphere),
    ]


SOLIDS = {name: (solid, inside) for name, solid, inside in solids()}


def in_intervals(iv, t):
    """Return whether each ray's distance t (n, s) lies in one of its intervals."""
    return np.any(
        (t[:, :, None] >= iv.t_in[:, None, :]) & (t[:, :, None] <= iv.t_out[:, None, :]), axis=2
    )


@pytest.mark.parametrize("name", list(SOLIDS))
def test_intervals_are_where_the_ray_is_inside(name):
    solid, inside = SOLIDS[name]
    o, d = rays(1)
    iv = solid.intervals(o, d)
    rng = np.random.default_rng(2)
    t = rng.uniform(-1, 7, size=(N, 64))
    p = [o[k][:, None] + d[k][:, None] * t for k in range(3)]
    truth = inside(p)
    got = in_intervals(iv, t)
    # Points within 1e-9 of a boundary may go either way.
    near = np.min(np.abs(t[:, :, None] - np.concatenate((iv.t_in, iv.t_out), 1)[:, None]), 2)
    wrong = (truth != got) & (near > 1e-9)
    assert not wrong.any(), f"{wrong.sum()} sample points disagree"
    assert 0.2 < truth.mean() < 0.8 or truth.any()  # the rays do cross the solid


@pytest.mark.parametrize("name", list(SOLIDS))
def test_first_hit_is_on_the_surface_with_a_unit_outward_normal(name):
    solid, inside = SOLIDS[name]
    o, d = rays(3)
    t, hit, prim = solid.intersect(o, d)
    assert 0.1 < hit.mean() < 1  # many hits, some misses
    p = tuple(o[k][hit] + d[k][hit] * t[hit] for k in range(3))
    n = solid.normals(p, tuple(c[hit] for c in d), prim[hit])
    n = np.stack([np.broadcast_to(c, p[0].shape) for c in n])
    assert np.allclose(np.linalg.norm(n, axis=0), 1, atol=1e-12)
    eps = 1e-6
    outside = inside(tuple(p[k] + n[k] * eps for k in range(3)))
    behind = inside(tuple(p[k] - n[k] * eps for k in range(3)))
    assert not outside.any(), "normals point outward"
    assert behind.mean() > 0.999
    # no point before the hit is inside (rays start outside, on the shell)
    for frac in (0.25, 0.5, 0.9, 0.999):
        q = tuple(o[k][hit] + d[k][hit] * t[hit] * frac for k in range(3))
        assert not inside(q).any()


@pytest.mark.parametrize("name", list(SOLIDS))
def test_rays_aimed_at_an_inside_point_hit(name):
    solid, inside = SOLIDS[name]
    rng = np.random.default_rng(4)
    pts = rng.uniform(-1, 1, size=(20000, 3)).T
    pts = pts[:, inside(pts)][:, :N]
    o = rng.normal(size=(3, pts.shape[1]))
    o *= 4 / np.linalg.norm(o, axis=0)
    d = pts - o
    dist = np.linalg.norm(d, axis=0)
    d /= dist
    t, hit, _ = solid.intersect(tuple(o), tuple(d))
    assert hit.all()
    assert (t <= dist + 1e-9).all()


def test_a_ray_starting_inside_a_solid_hits_its_far_side():
    box = SOLIDS["box"][0]
    t, hit, prim = box.intersect((0.0, 0.0, 0.0), (np.array([1.0]), np.zeros(1), np.zeros(1)))
    assert hit[0]
    assert t[0] == pytest.approx(0.6)
    assert box.normals((np.array([0.6]), np.zeros(1), np.zeros(1)), None, prim) == (1.0, 0.0, 0.0)


def test_disc_hits_match_the_plane_and_radius():
    disc = Disc(Point(0.2, 0.1, -0.3), Vector(1, 2, -0.5), 0.9)
    disc.prepare()
    o, d = rays(5)
    t, hit = disc.intersect(o, d)
    n = np.array([1, 2, -0.5]) / np.linalg.norm([1, 2, -0.5])
    c = np.array([0.2, 0.1, -0.3])
    oo, dd = np.stack(o, 1), np.stack(d, 1)
    tp = ((c - oo) @ n) / (dd @ n)
    p = oo + dd * tp[:, None]
    expect = (tp > 0) & (np.linalg.norm(p - c, axis=1) <= 0.9)
    assert 0.1 < expect.mean() < 0.9
    assert np.array_equal(hit, expect)
    assert np.allclose(t[hit], tp[hit], rtol=1e-12)
    nx, ny, nz = disc.normals(None, tuple(c[hit] for c in d))
    facing = nx * d[0][hit] + ny * d[1][hit] + nz * d[2][hit]
    assert (facing < 0).all(), "the normal faces the ray"


def test_triangle_hits_match_barycentric_solution():
    a, b, c = np.array([0.9, -0.3, 0.2]), np.array([-0.5, 0.8, 0.1]), np.array([-0.2, -0.9, -0.4])
    tri = Triangle(Point(*a), Point(*b), Point(*c))
    tri.prepare()
    o, d = rays(6)
    t, hit = tri.intersect(o, d)
    expect = np.zeros(N, dtype=bool)
    tt = np.full(N, np.nan)
    for i in range(N):  # the slow, obvious way: solve o + t d = a + u (b - a) + v (c - a)
        m = np.column_stack((-np.array([d[0][i], d[1][i], d[2][i]]), b - a, c - a))
        t_i, u, v = np.linalg.solve(m, np.array([o[0][i], o[1][i], o[2][i]]) - a)
        expect[i] = t_i > 0 and u >= 0 and v >= 0 and u + v <= 1
        tt[i] = t_i
    assert 0.1 < expect.mean() < 0.9
    assert np.array_equal(hit, expect)
    assert np.allclose(t[hit], tt[hit], rtol=1e-9)
    n = tri.normals(None, tuple(c_[hit] for c_ in d))
    assert (sum(n[k] * d[k][hit] for k in range(3)) < 0).all()


@pytest.mark.parametrize("name", list(SOLIDS))
def test_bounds_hold_the_solid(name):
    solid, inside = SOLIDS[name]
    lo, hi = solid.bounds()
    rng = np.random.default_rng(7)
    pts = rng.uniform(-2, 2, size=(3, 200000))
    inner = inside(pts)
    assert inner.any()
    p = pts[:, inner]
    assert all((p[k] >= lo[k]).all() and (p[k] <= hi[k]).all() for k in range(3))
    # and tight: the box is no more than 10% larger than the points found inside it
    spread = p.max(axis=1) - p.min(axis=1)
    assert all(hi[k] - lo[k] <= spread[k] * 1.1 + 0.02 for k in range(3))
