"""The compiled walk (numba) against testing every object, ray by ray, and against closed forms.

The same random scenes and rays as test_aggregates.py (spheres with duplicates, touching and
nested ones, shapes known only by bounds() and intersect(), a mesh-like cloud, a floor and
Puray's ground), plus every built-in solid, disc and triangle: distances bit-identical, hit
objects and prims equal. Then distances worked out by hand, and the engine's closed-form
references (tests/reference/brute.py) through the compiled tests.
"""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest

from tests.reference import brute as reference
from tests.tracer.test_aggregates import (
    Tile,
    assert_same_blocking,
    assert_same_nearest,
    assert_same_shadows,
    axis_rays,
    lattice_balls,
    random_objects,
    random_rays,
    skimming_rows,
)
from tests.tracer.test_references_shapes import agree
from tests.tracer.test_references_shapes import random_rays as shell_rays
from tracer import (
    Box,
    Cone,
    Cylinder,
    Difference,
    Disc,
    Mesh,
    Plane,
    Point,
    Sphere,
    Triangle,
    Vector,
)
from tracer.accel import aggregates, compiled, compiled_aot, compiled_prims
from tracer.accel.aggregates import Aggregate
from tracer.accel.grid_structure import GridStructure
from tracer.accel.primitives import Primitives
from tracer.arrays import unit
from tracer.geometry import prepare_all
from tracer.geometry.glass_sphere import GlassSphere
from tracer.geometry.triangles import hit_pairs

pytest.importorskip("numba")


@pytest.fixture(autouse=True, params=["just-in-time", "ahead-of-time"])
def compiled_walk(request, monkeypatch):
    """Walk every structure compiled, however few its primitives, by each route."""
    monkeypatch.setattr(compiled, "_loaded", [route(request.param)])
    monkeypatch.setattr(compiled, "_warm", [True])  # numba started: no cold start to weigh
    monkeypatch.setattr(compiled, "MIN_PRIMS", 1)
    monkeypatch.setattr(aggregates, "MIN_PRIMS", 1)
    monkeypatch.delenv(compiled.OFF, raising=False)


def route(name: str) -> compiled.Kernels:
    """Return the kernels of one route (skip where setup has not built them ahead of time)."""
    if name == "just-in-time":
        kernels = compiled.just_in_time()
        assert kernels is not None
        return kernels
    module = compiled_aot.load()
    if module is None:
        pytest.skip("the kernels are not built ahead of time here (setup builds them)")
    return compiled.ahead_of_time(module)


@pytest.fixture
def brute(monkeypatch):
    def build(objects, eye=(0.0, 0.0, 0.0), lights=()):
        with monkeypatch.context() as m:
            m.setattr(aggregates, "MIN_PRIMS", 10**9)
            return Aggregate(objects, eye, lights)  # no structure: every object, in order

    return build


def compiled_aggregate(objects, **kw) -> Aggregate:
    """Return the aggregate of ``objects``, checking that it walks compiled.

    Spheres alone keep the grid, walked by the compiled sphere walk; anything else gets the
    compiled hierarchy.
    """
    fast = Aggregate(objects, **kw)
    structure = fast.structure
    if isinstance(structure, GridStructure):
        assert structure.spheres is not None
        assert structure.spheres.usable()
    else:
        assert isinstance(structure, compiled.CompiledStructure)
    return fast


@pytest.fixture(params=["sphere grid", "hierarchy"])
def sphere_walks(request, monkeypatch):
    """Walk spheres alone by the compiled grid walk, and by the hierarchy."""
    if request.param == "hierarchy":
        monkeypatch.setattr(compiled_prims, "spheres_only", lambda prims, ids: False)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_nearest_hits_equal_testing_every_object(brute, seed):
    objects = random_objects(seed)
    fast, slow = compiled_aggregate(objects), brute(objects)
    assert 0 in fast.far.tolist()  # the ground sphere is tested beside the hierarchy
    o, d = random_rays(seed)
    assert_same_nearest(fast, slow, o, d)


def test_shared_origins_like_primary_rays(brute):
    objects = random_objects(4)
    fast, slow = compiled_aggregate(objects, eye=(0, -0.35, -1)), brute(objects)
    rng = np.random.default_rng(4)
    d = unit(rng.uniform(-1, 1, 30000), rng.uniform(-0.6, 0.6, 30000), np.ones(30000))
    assert_same_nearest(fast, slow, (0.0, -0.35, -1.0), d)


@pytest.mark.parametrize("scale", [1e2, 1e4, 1e7])  # boxes widen with the origin's distance
def test_rays_from_far_away_are_exact(brute, scale):
    objects = random_objects(5)
    fast, slow = compiled_aggregate(objects), brute(objects)
    o, d = random_rays(5, 4000)
    far = tuple(a * scale for a in o)
    target = np.random.default_rng(5).uniform(-1, 1, (3, 4000)) + np.array([[0], [0], [3]])
    aim = unit(*(target - np.array(far)))
    mixed_o = tuple(np.concatenate((a, b)) for a, b in zip(far, o, strict=True))
    mixed_d = tuple(np.concatenate((a, b)) for a, b in zip(aim, d, strict=True))
    assert_same_nearest(fast, slow, mixed_o, mixed_d)


@pytest.mark.parametrize("seed", [6, 7])
def test_any_hit_equals_testing_every_object(brute, seed):
    objects = random_objects(seed)
    assert_same_blocking(compiled_aggregate(objects), brute(objects), seed)


def test_shadow_rays_toward_a_light_equal_testing_every_object(brute):
    light = (1.5, -3.0, -2.0)
    objects = random_objects(10)
    fast, slow = compiled_aggregate(objects, lights=[light]), brute(objects)
    assert_same_shadows(fast, slow, light, 10)


def test_axis_aligned_rays_and_exact_ties_on_a_lattice(brute, sphere_walks):
    balls = lattice_balls()
    balls.append(Sphere(Point(1.0, 1.0, 1.0), 0.25))  # a duplicate: ties to the earlier one
    prepare_all(balls)
    fast, slow = compiled_aggregate(balls), brute(balls)
    for o, d in axis_rays():
        assert_same_nearest(fast, slow, o, d)


def test_rays_skimming_along_rows_of_balls(brute, sphere_walks):
    balls, o, d = skimming_rows()
    assert_same_nearest(compiled_aggregate(balls), brute(balls), o, d)


def test_a_tie_with_an_earlier_object_beside_the_hierarchy_goes_to_it(brute):
    objects = [Plane(Point(0, 1, 0), Vector(0, -1, 0))]
    objects += [Sphere(Point(-3 + 0.4 * k, -1.0, 5.0), 0.15) for k in range(20)]
    objects.append(Tile(Point(0, 1, 0), Vector(0, -1, 0)))  # in the plane: equal distances
    prepare_all(objects)
    fast = compiled_aggregate(objects)
    rng = np.random.default_rng(12)
    o = tuple(rng.uniform(-2, 2, 5000) + s for s in (0, -2, 0))
    target = (rng.uniform(-0.9, 0.9, 5000), np.ones(5000), rng.uniform(1.1, 2.9, 5000))
    d = unit(*(t - c for t, c in zip(target, o, strict=True)))
    t_fast, k_fast, _ = fast.nearest(o, d)
    np.testing.assert_array_equal(t_fast, brute(objects).nearest(o, d)[0])
    assert (k_fast == 0).all()


def solids(seed: int, n: int = 120) -> list:
    """Return every kind the compiled walk tests, at random, with ties, plus foreign shapes."""
    rng = np.random.default_rng(seed)
    objs: list = [Plane(Point(0, 2.2, 0), Vector(0, -1, 0))]
    for k in range(n):
        c = rng.uniform(-2, 2, 3) + np.array([0, 0, 3])
        s = float(rng.choice([0.1, 0.25, 0.4]))
        kind = k % 8
        p, q = Point(*(c - s)), Point(*(c + s))
        if kind == 0:
            objs.append(Box(p, q))
            objs.append(Box(q, p))  # the same box again: ties to the earlier one
        elif kind == 1:
            objs.append(Cylinder(Point(*c), Point(*(c + rng.normal(0, s, 3))), s / 2))
        elif kind == 2:
            objs.append(Cone(Point(*c), Point(*(c + rng.normal(0, s, 3))), s / 2))
        elif kind == 3:
            objs.append(Disc(Point(*c), Vector(*rng.normal(size=3)), s))
        elif kind == 4:
            objs.append(
                Triangle(
                    Point(*c), Point(*(c + np.array([s, 0, 0]))), Point(*(c + np.array([0, s, s])))
                )
            )
        elif kind == 5:
            objs.append(Box(p, q).rotated(Vector(0, 1, 0), 30))  # moved: a program
        elif kind == 6:
            objs.append(Difference(Box(p, q), Sphere(Point(*c), s * 1.2)))  # CSG: a program
            objs.append(OwnBox(p, q))  # a shape made in scene code: foreign
        else:
            objs.append(Sphere(Point(*c), s))
    corners = rng.uniform(-1, 1, (60, 3)) * 2 + (0, 0, 3)
    objs.append(Mesh(corners, rng.integers(0, 60, (40, 3))))
    prepare_all(objs)
    glass = [GlassSphere(Sphere(Point(*rng.uniform(-2, 2, 3)), 0.3)) for _ in range(10)]
    prepare_all([g.sphere for g in glass])
    return objs + glass


class OwnBox(Box):
    """A box class made in scene code: its own numpy test (a foreign kind to the walk)."""


def axis_and_random_rays(seed: int, n: int = 20000):
    """Random rays (a tenth from inside the solids' region) and rays along the axes."""
    o, d = random_rays(seed, n)
    d = [a.copy() for a in d]
    for a in range(3):  # directions with exact zeros: slabs divide by zero
        d[a][a * 100 : a * 100 + 100] = 0.0
    d = unit(*d)
    return o, d


@pytest.mark.parametrize("seed", [31, 32])
def test_solids_discs_and_triangles_equal_testing_every_object(brute, seed):
    objects = solids(seed)
    fast, slow = compiled_aggregate(objects), brute(objects)
    kinds = fast.structure.bvh[3] & 15
    assert set(kinds.tolist()) == set(range(9))  # every kind, foreign ones too
    o, d = axis_and_random_rays(seed)
    assert_same_nearest(fast, slow, o, d)
    dist = np.random.default_rng(seed).uniform(0, 6, d[0].size)
    np.testing.assert_array_equal(fast.occluded(o, d, dist), slow.occluded(o, d, dist))


def test_foreign_pairs_overflowing_their_buffer_are_all_tested(brute, monkeypatch):
    monkeypatch.setattr(compiled, "PAIRS", 2)  # every few rays fill it; some rays alone
    objects = random_objects(40, 120)
    o, d = random_rays(40, 3000)
    assert_same_nearest(compiled_aggregate(objects), brute(objects), o, d)
    assert_same_blocking(compiled_aggregate(objects), brute(objects), 40)


def test_a_process_without_numba_builds_the_numpy_structure(brute, monkeypatch):
    objects = random_objects(41)
    fast = pickle.loads(pickle.dumps(compiled_aggregate(objects)))
    monkeypatch.setattr(compiled, "_loaded", [None])  # no kernels here (no numba)
    o, d = random_rays(41)
    assert_same_nearest(fast, brute(objects), o, d)
    assert fast.grid is not None


def hits(objects, o, d):
    """Return (t, object, prim) of rays through the compiled walk over ``objects``."""
    prepare_all([s for s in objects if not isinstance(s, GlassSphere)])
    agg = compiled_aggregate(objects)
    o = tuple(np.array([float(c)]) for c in o)
    d = unit(*(np.array([float(c)]) for c in d))
    t, k, prim = agg.nearest(o, d)
    return float(t[0]), int(k[0]), int(prim[0])


def far_box():
    return Box(Point(50, 50, 50), Point(51, 51, 51))  # a second object, out of the way


CLOSED_FORMS = [
    # (shape, origin, direction, distance, face): worked out by hand
    (Triangle(Point(-1, -1, 5), Point(3, -1, 5), Point(-1, 3, 5)), (0, 0, 0), (0, 0, 1), 5, 0),
    (
        Triangle(Point(-1, -1, 5), Point(3, -1, 5), Point(-1, 3, 5)),
        (1.5, 1.5, 0),
        (0, 0, 1),
        None,
        0,
    ),
    (Box(Point(1, 1, 1), Point(2, 2, 2)), (1.5, 1.5, -1), (0, 0, 1), 2, 4),  # low z face
    (Box(Point(2, 2, 2), Point(1, 1, 1)), (1.5, 1.5, 1.5), (0, 0, -1), 0.5, 4),  # from inside
    (Box(Point(1, 1, 1), Point(2, 2, 2)), (-1, 1.5, 0.2), (4, 0, 3), 2.5, 0),  # low x face
    (Cylinder(Point(0, 0, 0), Point(0, 0, 2), 1), (-3, 0, 1), (1, 0, 0), 2, 0),  # side
    (Cylinder(Point(0, 0, 0), Point(0, 0, 2), 1), (0.5, 0, -1), (0, 0, 1), 1, 1),  # base cap
    (Cylinder(Point(0, 0, 0), Point(0, 0, 2), 1), (0, 0.5, 1), (0, 0, 1), 1, 2),  # top, inside
    (Cone(Point(0, 0, 0), Point(0, 0, 2), 1), (-3, 0, 1), (1, 0, 0), 2.5, 0),  # r = 1/2 there
    (Cone(Point(0, 0, 0), Point(0, 0, 2), 1), (0.5, 0, -2), (0, 0, 1), 2, 1),  # base cap
    (Cone(Point(0, 0, 0), Point(0, 0, 2), 1), (0.9, 0, 1), (0, 0, 1), None, 0),  # beside apex
    (Disc(Point(0, 0, 3), Vector(0, 0, 1), 1), (0.5, 0, 0), (0, 0, 1), 3, 0),
    (Disc(Point(0, 0, 3), Vector(0, 0, 1), 1), (1.5, 0, 0), (0, 0, 1), None, 0),
    (Sphere(Point(0, 0, 5), 1), (0, 0, 0), (0, 0, 1), 4, 0),
    (Sphere(Point(0, 0, 5), 1), (0, 0, 5), (0, 0, 1), None, 0),  # inside: Puray's rule
]


@pytest.mark.parametrize(("shape", "o", "d", "dist", "face"), CLOSED_FORMS)
def test_distances_worked_out_by_hand(shape, o, d, dist, face):
    t, k, prim = hits([shape, far_box()], o, d)
    if dist is None:
        assert k == -1
        return
    assert (k, prim) == (0, face)
    assert t == pytest.approx(dist, rel=1e-12)


def test_a_glass_sphere_is_hit_from_inside_at_its_far_side():
    ball = Sphere(Point(0, 0, 5), 1)
    prepare_all([ball])
    assert hits([GlassSphere(ball), far_box()], (0, 0, 5.5), (0, 0, 1)) == (0.5, 0, 0)
    assert hits([GlassSphere(ball), far_box()], (0, 0, 0), (0, 0, 1)) == (4.0, 0, 0)


def compiled_distances(shape, o, d):
    objects = [shape, far_box()]
    prepare_all(objects)
    agg = compiled_aggregate(objects)
    t, k, _ = agg.nearest(tuple(o.T.copy()), tuple(d.T.copy()))
    return np.where(k == 0, t, np.inf)


A = np.array([[0.9, -0.3, 0.2]])
B = np.array([[-0.5, 0.8, 0.1]])
C = np.array([[-0.2, -0.9, -0.4]])
LO, HI = np.array([-0.7, -0.4, -0.5]), np.array([0.6, 0.9, 0.3])
BASE, TOP = np.array([0.2, -0.6, 0.1]), np.array([-0.3, 0.7, 0.4])
CENTRE = np.array([0.2, -0.3, 0.4])
FORMS = [
    (Box(Point(*HI), Point(*LO)), lambda o, d, e: reference.box(o, d, LO, HI, e), 0.3),
    (
        Cylinder(Point(*BASE), Point(*TOP), 0.5),
        lambda o, d, e: reference.cylinder(o, d, BASE, TOP, 0.5, e),
        0.3,
    ),
    (
        Triangle(*(Point(*v[0]) for v in (A, B, C))),
        lambda o, d, e: reference.triangles(o, d, A, B, C, e),
        0.0,
    ),
    (Sphere(Point(*CENTRE), 0.9), lambda o, d, e: reference.sphere(o, d, CENTRE, 0.9, e), 0.0),
]


@pytest.mark.parametrize(("shape", "form", "inside"), FORMS, ids=["box", "cylinder", "tri", "ball"])
def test_compiled_hits_match_the_closed_forms(shape, form, inside):
    o, d = shell_rays(17, n=6000, inside=inside)  # from inside solids: their far side
    assert 0.05 < agree(compiled_distances(shape, o, d), form, o, d, rtol=1e-7) < 0.95


def test_rays_through_shared_edges_and_corners_of_a_mesh():
    """A square of 8 x 8 quads (two triangles each) and rays along z through every point of a
    finer lattice: on edges, diagonals and corners (exact binary fractions, u + v == 1
    exactly on the diagonals). Every ray hits (edges count, as in the numpy test), and the
    triangle that wins a tie is the one with the lower id (found here by testing every pair)."""
    i, j = np.meshgrid(np.arange(9), np.arange(9), indexing="ij")
    v = np.stack((i.ravel() * 0.25, j.ravel() * 0.25, np.full(81, 5.0)), axis=1)
    q = (i[:-1, :-1] * 9 + j[:-1, :-1]).ravel()
    faces = np.concatenate((np.stack((q, q + 9, q + 1), 1), np.stack((q + 9, q + 10, q + 1), 1)))
    objects = [Mesh(v, faces), far_box()]
    prepare_all(objects)
    x, y = np.meshgrid(np.arange(17) * 0.125, np.arange(17) * 0.125, indexing="ij")
    n, m = x.size, len(faces)
    o = (x.ravel(), y.ravel(), np.zeros(n))
    d = (np.zeros(n), np.zeros(n), np.ones(n))
    t, k, prim = compiled_aggregate(objects).nearest(o, d)
    assert (k == 0).all()
    assert (t == 5.0).all()
    rays, tris = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
    _t, ok, _u, _v = hit_pairs(objects[0]._tris, o, d, rays, tris)
    first = np.full(n, m)
    np.minimum.at(first, rays[ok], tris[ok])
    np.testing.assert_array_equal(prim, first)


def test_cached_kernels_are_dropped_when_any_compiled_source_changes(tmp_path):
    """numba checks only the kernel's own file; the shapes' tests are inlined from another."""
    kernel = type("Kernel", (), {})()
    kernel._cache = type("Cache", (), {"_cache_path": str(tmp_path)})()
    cached = tmp_path / "compiled_walk.nearest-83.py311.nbi"
    other = tmp_path / "elsewhere.nearest-1.py311.nbi"
    cached.write_text("machine code of older sources")
    other.write_text("not ours")
    compiled._fresh_cache([kernel])
    assert not cached.exists()
    assert other.exists()
    cached.write_text("compiled from these sources")
    compiled._fresh_cache([kernel])  # nothing changed since
    assert cached.exists()
    (tmp_path / "puray-compiled.stamp").write_text("the digest of other sources")
    compiled._fresh_cache([kernel])
    assert not cached.exists()


def test_kernels_built_from_other_sources_are_not_loaded(monkeypatch):
    monkeypatch.setattr(compiled_aot, "digest", lambda: "0" * 64)
    assert compiled_aot.load() is None


def test_the_compiled_structure_goes_where_it_wins(monkeypatch):
    """Built ahead of time: every structure. Just in time and cold (numba to start, ~0.6 s):
    only big ones, counting a lone built-in shape (tested one by one in numpy) as 500."""
    ahead, jit = route("ahead-of-time"), route("just-in-time")
    boxes = [Box(Point(k, 0, 0), Point(k + 0.5, 1, 1)) for k in range(200)]
    balls = [Sphere(Point(k, 0, 0), 0.4) for k in range(2000)]
    prepare_all(boxes + balls)
    cases = {"few": boxes[:50], "many": boxes, "spheres": balls}
    prims = {name: Primitives(objects) for name, objects in cases.items()}
    ids = {name: np.arange(len(objects)) for name, objects in cases.items()}
    chosen = {}
    for label, kernels, warm in (("ahead", ahead, []), ("cold", jit, []), ("warm", jit, [True])):
        monkeypatch.setattr(compiled, "_loaded", [kernels])
        monkeypatch.setattr(compiled, "_warm", warm)
        monkeypatch.setattr(compiled, "MIN_PRIMS", 16)
        chosen[label] = {name: compiled.chooses(prims[name], ids[name]) for name in cases}
    assert chosen["ahead"] == {"few": True, "many": True, "spheres": True}
    assert chosen["cold"] == {"few": False, "many": True, "spheres": False}
    assert chosen["warm"] == {"few": True, "many": True, "spheres": True}
    monkeypatch.setenv(compiled.OFF, "1")
    assert not compiled.chooses(prims["many"], ids["many"])


COLD = """
import sys
from tracer import Point, Sphere
from tracer.accel import compiled_aot
from tracer.accel.aggregates import Aggregate
from tracer.accel.grid_structure import GridStructure
from tracer.geometry import prepare_all
compiled_aot.load = lambda: None  # setup has not built the kernels ahead of time
balls = [Sphere(Point(k % 30, k // 30, 5), 0.4) for k in range({n})]
prepare_all(balls)
structure = Aggregate(balls).structure
print(getattr(structure, "spheres", None) is not None, "numba" in sys.modules)
"""


@pytest.mark.parametrize(("n", "expected"), [(600, "False False"), (60000, "True True")])
def test_a_cold_process_starts_numba_only_for_a_scene_that_pays_for_it(n, expected):
    """Prints whether the grid of spheres is walked compiled, and whether numba started."""
    out = subprocess.run(
        [sys.executable, "-c", COLD.format(n=n)], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == expected.split()


@pytest.mark.parametrize("seed", [42, 43])
def test_a_cloud_of_spheres_alone_equals_testing_every_object(brute, sphere_walks, seed):
    """Spheres only (duplicates, touching, nested), a floor and Puray's ground beside them."""
    objects = [o for o in random_objects(seed, 600) if type(o) in (Sphere, Plane)]
    light = (1.5, -3.0, -2.0)
    fast, slow = compiled_aggregate(objects, lights=[light]), brute(objects)
    o, d = random_rays(seed)
    assert_same_nearest(fast, slow, o, d)
    assert_same_blocking(fast, slow, seed)
    assert_same_shadows(fast, slow, light, seed)


def test_a_huge_cloud_of_spheres_keeps_the_numpy_walk(monkeypatch):
    """Past MAX_SPHERES one ray at a time waits on memory: the numpy walk is quicker."""
    monkeypatch.setattr(compiled_prims, "MAX_SPHERES", 100)
    balls = [Sphere(Point(k % 30, k // 30, 5), 0.4) for k in range(600)]
    prepare_all(balls)
    structure = Aggregate(balls).structure
    assert isinstance(structure, GridStructure)
    assert structure.spheres is None
