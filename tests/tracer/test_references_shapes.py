"""Shapes against closed forms: random rays (fixed seeds) through the engine and through
tests/reference/brute.py's textbook formulas (geometric sphere, slab box, cylinder quadratic
and caps, plane and edge functions), hit for hit and distance for distance; then a whole
mixed scene: the engine's id buffer and depth against the brute-force tracer's, pixel by pixel.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.reference import brute
from tracer import Box, Cylinder, Mesh, Point, RenderSettings, SceneSource, Sphere, Triangle
from tracer.kernel.records import Rays
from tracer.kernel.render import load, render_rows
from tracer.kernel.stages import nearest

N = 20000
#: Rays whose answer changes when every shape grows or shrinks by this are on an edge.
EDGE = 1e-9


def random_rays(seed: int, n: int = N, inside: float = 0.0):
    """Return (o, d) as (n, 3) arrays: origins on a shell of radius 3 (or, a share
    ``inside``, in the cube [-1, 1]^3) aimed at points near the origin."""
    rng = np.random.default_rng(seed)
    o = rng.normal(size=(n, 3))
    o *= 3 / np.linalg.norm(o, axis=1, keepdims=True)
    k = int(n * inside)
    o[:k] = rng.uniform(-1, 1, size=(k, 3))
    d = rng.uniform(-1.3, 1.3, size=(n, 3)) - o
    d[:k] = rng.normal(size=(k, 3))
    return o, brute.unit_rows(d)


def engine_hits(shape, o, d) -> np.ndarray:
    """Return the engine's first-hit distances (inf: miss) of (n, 3) rays."""
    shape.prepare()
    res = shape.intersect(tuple(o.T.copy()), tuple(d.T.copy()))
    t, hit = np.asarray(res[0]), np.asarray(res[1])
    return np.where(hit, t, np.inf)


def agree(engine, shape_ref, o, d, rtol: float) -> float:
    """Check the engine against the closed form off edges; return the share of hits."""
    t = shape_ref(o, d, 0.0)
    grown, shrunk = shape_ref(o, d, EDGE), shape_ref(o, d, -EDGE)
    sure = np.isfinite(grown) == np.isfinite(shrunk)
    assert sure.mean() > 0.99
    mismatched = sure & (np.isfinite(engine) != np.isfinite(t))
    assert not mismatched.any(), f"{mismatched.sum()} rays hit in one and miss in the other"
    both = sure & np.isfinite(t)
    np.testing.assert_allclose(engine[both], t[both], rtol=rtol)
    return float(both.mean())


def test_sphere_near_root_matches_the_geometric_solution():
    c, r = np.array([0.2, -0.3, 0.4]), 0.9
    o, d = random_rays(11, inside=0.3)  # rays from inside miss: Puray's near-root rule
    engine = engine_hits(Sphere(Point(*c), r), o, d)
    hits = agree(engine, lambda o, d, e: brute.sphere(o, d, c, r, e), o, d, rtol=1e-7)
    assert 0.2 < hits < 0.8
    starts_inside = np.linalg.norm(o - c, axis=1) < r
    assert starts_inside.sum() > 1000
    assert not np.isfinite(engine[starts_inside]).any()


def test_box_hits_match_the_slab_method():
    lo, hi = np.array([-0.7, -0.4, -0.5]), np.array([0.6, 0.9, 0.3])
    o, d = random_rays(12, inside=0.3)  # rays from inside hit the far side
    engine = engine_hits(Box(Point(*hi), Point(*lo)), o, d)
    hits = agree(engine, lambda o, d, e: brute.box(o, d, lo, hi, e), o, d, rtol=1e-9)
    assert 0.3 < hits < 0.9


def test_cylinder_hits_match_its_quadratic_and_caps():
    base, top, r = np.array([0.2, -0.6, 0.1]), np.array([-0.3, 0.7, 0.4]), 0.5
    o, d = random_rays(13, inside=0.3)
    engine = engine_hits(Cylinder(Point(*base), Point(*top), r), o, d)
    hits = agree(engine, lambda o, d, e: brute.cylinder(o, d, base, top, r, e), o, d, rtol=1e-7)
    assert 0.2 < hits < 0.9


def test_triangle_hits_match_the_plane_and_edge_functions():
    a, b, c = np.array([0.9, -0.3, 0.2]), np.array([-0.5, 0.8, 0.1]), np.array([-0.2, -0.9, -0.4])
    o, d = random_rays(14)
    engine = engine_hits(Triangle(Point(*a), Point(*b), Point(*c)), o, d)
    ref = lambda o, d, e: brute.triangles(o, d, a[None], b[None], c[None], e)  # noqa: E731
    assert 0.1 < agree(engine, ref, o, d, rtol=1e-9) < 0.9


def icosahedron():
    t = (1 + 5**0.5) / 2
    v = [(-1, t, 0), (1, t, 0), (-1, -t, 0), (1, -t, 0), (0, -1, t), (0, 1, t), (0, -1, -t)]
    v += [(0, 1, -t), (t, 0, -1), (t, 0, 1), (-t, 0, -1), (-t, 0, 1)]
    f = [(0, 11, 5), (0, 5, 1), (0, 1, 7), (0, 7, 10), (0, 10, 11), (1, 5, 9), (5, 11, 4)]
    f += [(11, 10, 2), (10, 7, 6), (7, 1, 8), (3, 9, 4), (3, 4, 2), (3, 2, 6), (3, 6, 8)]
    f += [(3, 8, 9), (4, 9, 5), (2, 4, 11), (6, 2, 10), (8, 6, 7), (9, 8, 1)]
    return np.array(v, dtype=float) / np.linalg.norm(v[0]), np.array(f)


def test_mesh_hits_match_every_triangle_tested_by_hand():
    v, f = icosahedron()
    v = v * [1.0, 0.7, 1.2] + [0.1, -0.2, 0.05]
    o, d = random_rays(15, n=6000, inside=0.2)  # from inside: the far side
    engine = engine_hits(Mesh(v, f), o, d)
    ref = lambda o, d, e: brute.triangles(o, d, v[f[:, 0]], v[f[:, 1]], v[f[:, 2]], e)  # noqa: E731
    assert 0.3 < agree(engine, ref, o, d, rtol=1e-9) < 0.95


MIXED = """\
import numpy as np
from tracer import *

WIDTH, HEIGHT = 160, 120
CAMERA = LookAtCamera(Point(0.6, -1.9, -4.2), look_at=Point(0, -0.4, 0.5), fov=55)
t = (1 + 5 ** 0.5) / 2
V = np.array([(-1, t, 0), (1, t, 0), (-1, -t, 0), (1, -t, 0), (0, -1, t), (0, 1, t),
              (0, -1, -t), (0, 1, -t), (t, 0, -1), (t, 0, 1), (-t, 0, -1), (-t, 0, 1)]) / 1.9
F = [(0, 11, 5), (0, 5, 1), (0, 1, 7), (0, 7, 10), (0, 10, 11), (1, 5, 9), (5, 11, 4),
     (11, 10, 2), (10, 7, 6), (7, 1, 8), (3, 9, 4), (3, 4, 2), (3, 2, 6), (3, 6, 8),
     (3, 8, 9), (4, 9, 5), (2, 4, 11), (6, 2, 10), (8, 6, 7), (9, 8, 1)]
M = Material(Color(0.7, 0.7, 0.7))
OBJECTS = [
    Plane(Point(0, 0.5, 0), Vector(0, -1, 0), M),
    Sphere(Point(-1.2, 0.1, 1.0), 0.6, M),  # sunk into the floor
    Box(Point(0.3, -0.3, 0.2), Point(1.1, 0.5, 1.0), M),
    Cylinder(Point(-0.3, 0.5, 2.2), Point(0.2, -0.9, 2.6), 0.45, M),
    Triangle(Point(-2.2, -1.4, 2.8), Point(-0.6, -1.8, 3.2), Point(-1.5, 0.4, 3.0), M),
    Mesh(V + [1.6, -0.6, 2.4], F, M),
    Sphere(Point(0.7, -0.6, 0.6), 0.25, M),  # in front of the box's corner
    Sphere(Point(0.7, -0.6, 0.6), 0.25, M),  # the same again: ties go to the earlier
] + [Sphere(Point(-2.5 + 0.3 * k, -1.2, 4.0), 0.14, M) for k in range(18)]
LIGHTS = []
"""


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    path = tmp_path_factory.mktemp("mixed") / "mixed.py"
    path.write_text(MIXED)
    return load(SceneSource.from_path(path), RenderSettings())


def test_the_id_buffer_and_depth_match_a_brute_force_tracer(mixed):
    scene = mixed.scene
    cam = scene.camera
    w, h = scene.width, scene.height
    o, d = brute.look_at_rays(cam.source, cam.look_at, cam.fov, cam.up, w, h)
    t_ref, id_ref = brute.nearest(scene.objects, o, d)
    _, id_grown = brute.nearest(scene.objects, o, d, EDGE)
    _, id_shrunk = brute.nearest(scene.objects, o, d, -EDGE)
    ids = np.empty((h, w), dtype=np.int32)
    render_rows(mixed, RenderSettings(), 0, h, ids)
    ids = ids.reshape(-1)
    sure = (id_grown == id_shrunk) & (id_grown == id_ref)
    assert sure.mean() > 0.99
    wrong = sure & (ids != id_ref)
    assert not wrong.any(), f"{wrong.sum()} pixels see another object than the brute force"
    assert set(np.unique(id_ref)) >= {-1, 0, 1, 2, 3, 4, 5, 6, 8}  # every kind is in view
    assert not (ids == 7).any()  # the second of two equal spheres never wins
    ys, xs = np.divmod(np.arange(w * h), w)
    eo, ed = cam.rays(xs.astype(float), ys.astype(float), w, h)
    depth = nearest(mixed.kernel, Rays(eo, ed)).t
    seen = sure & (id_ref >= 0)
    np.testing.assert_allclose(depth[seen], t_ref[seen], rtol=1e-9)
