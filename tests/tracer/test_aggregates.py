"""The acceleration structure answers exactly as testing every object does, ray by ray.

Random scenes (fixed seeds) with exact duplicates, nested and touching spheres, planes, a
huge ground sphere and shapes that only have bounds()+intersect()+normals(); random rays from
inside, outside and far away. Distances must be bit-identical, hit objects and prims equal.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tracer import Color, Material, Plane, Point, Sphere, Vector
from tracer.accel import aggregates, grid, walk
from tracer.accel.aggregates import Aggregate
from tracer.arrays import unit
from tracer.geometry import prepare_all
from tracer.geometry.shape import Batch, Shape, gather
from tracer.geometry.sphere import _near_root


class Ball(Shape):
    """A sphere the structure knows only through bounds(), intersect() and normals()."""

    def __init__(self, center, radius, material=None) -> None:
        super().__init__(material)
        self.c, self.r = center, radius

    def intersect(self, o, d):
        x, y, z = self.c
        return _near_root(o[0] - x, o[1] - y, o[2] - z, d, self.r * self.r)

    def normals(self, p, d, prim=None):
        x, y, z = self.c
        return unit(p[0] - x, p[1] - y, p[2] - z)

    def bounds(self):
        x, y, z = self.c
        r = self.r
        return (x - r, y - r, z - r), (x + r, y + r, z + r)


class BallBatch(Batch):
    """Many Balls at once, normals included (what a solids class batch would offer)."""

    def __init__(self, balls) -> None:
        self.c = np.array([b.c for b in balls], dtype=np.float64)
        self.r = np.array([b.r for b in balls], dtype=np.float64)
        self.lo, self.hi = self.c - self.r[:, None], self.c + self.r[:, None]

    def intersect_pairs(self, o, d, rays, prims):
        c, r = self.c[prims], self.r[prims]
        ox, oy, oz = gather(o, rays)
        return _near_root(ox - c[..., 0], oy - c[..., 1], oz - c[..., 2], gather(d, rays), r * r)

    def normals(self, p, d, prims):
        c = self.c[prims]
        return unit(p[0] - c[:, 0], p[1] - c[:, 1], p[2] - c[:, 2])


class Pair(Shape):
    """Two balls as one object (a CSG union): prim says which, each with its own material."""

    def __init__(self, a, b, ra, material, other) -> None:
        super().__init__(material)
        self.parts = [Ball(a, ra), Ball(b, ra * 0.7)]
        self.other = other

    def intersect(self, o, d):
        (t0, h0), (t1, h1) = (p.intersect(o, d) for p in self.parts)
        second = h1 & (~h0 | (t1 < t0))
        return np.where(second, t1, t0), h0 | h1, second.astype(np.intp)

    def normals(self, p, d, prim=None):
        n0, n1 = self.parts[0].normals(p, d), self.parts[1].normals(p, d)
        return tuple(np.where(prim == 1, b, a) for a, b in zip(n0, n1, strict=True))

    def bounds(self):
        boxes = np.array([p.bounds() for p in self.parts])
        return tuple(boxes[:, 0].min(axis=0)), tuple(boxes[:, 1].max(axis=0))

    def materials(self):
        return [self.material, self.other]

    def material_ids(self, prim):
        return np.asarray(prim, dtype=np.intp)


class CloudBatch(Batch):
    def __init__(self, centers, r) -> None:
        self.c, self.r = centers, r
        self.lo, self.hi = centers - r, centers + r

    def intersect_pairs(self, o, d, rays, prims):
        c = self.c[prims]
        ox, oy, oz = gather(o, rays)
        return _near_root(
            ox - c[..., 0], oy - c[..., 1], oz - c[..., 2], gather(d, rays), self.r**2
        )


class Cloud(Shape):
    """Many small balls as one object, like a mesh's triangles: prim is the ball's index."""

    def __init__(self, centers, r, material=None) -> None:
        super().__init__(material)
        self.c, self.r = np.asarray(centers, dtype=np.float64), r

    def primitives(self):
        return CloudBatch(self.c, self.r)

    def intersect(self, o, d):
        n = d[0].shape[0]
        best, prim = np.full(n, np.inf), np.zeros(n, dtype=np.intp)
        for k in range(len(self.c)):
            t, ok = CloudBatch(self.c[k : k + 1], self.r).intersect_pairs(o, d, None, 0)
            ok &= t < best
            best[ok], prim[ok] = t[ok], k
        return best, best < np.inf, prim

    def normals(self, p, d, prim=None):
        c = self.c[prim]
        return unit(p[0] - c[:, 0], p[1] - c[:, 1], p[2] - c[:, 2])

    def bounds(self):
        return tuple(self.c.min(axis=0) - self.r), tuple(self.c.max(axis=0) + self.r)


def sphere_field(seed: int, n: int, more=None) -> tuple[list, np.random.Generator]:
    """Return Puray's ground, n spheres of three sizes with exact duplicates, touching and
    nested ones (and what ``more(k, centre, radius, materials)`` adds), then a floor plane;
    and the random generator, to draw more from."""
    rng = np.random.default_rng(seed)
    mats = [Material(Color(*rng.random(3))) for _ in range(4)]
    objs: list = [Sphere(Point(0, 10000.5, 1), 10000.0)]  # Puray's ground: huge, beside
    for k in range(n):
        c = Point(*(rng.uniform(-2, 2, 3) * (1, 0.5, 1) + (0, 0, 3)))
        r = float(rng.choice([0.05, 0.1, 0.3]))
        objs.append(Sphere(c, r, mats[k % 4]))
        if k % 7 == 0:
            objs.append(Sphere(Point(c.x, c.y, c.z), r, mats[(k + 1) % 4]))  # duplicate
        if k % 11 == 0:
            objs.append(Sphere(Point(c.x + 2 * r, c.y, c.z), r))  # touching
            objs.append(Sphere(c, r / 2))  # nested
        if more is not None:
            objs += more(k, c, r, mats)
    objs.append(Plane(Point(0, 0.5, 0), Vector(0, -1, 0)))
    return objs, rng


def _other_shapes(k: int, c, r: float, mats: list) -> list:
    """Shapes of other kinds among the spheres: batched balls (coincident), a two-material pair."""
    more: list = []
    if k % 13 == 0:
        more.append(Ball((c.x, c.y - 0.2, c.z), r))
        more.append(Ball((c.x, c.y - 0.2, c.z), r))  # coincident with the one before
    if k % 29 == 0:
        more.append(Pair((c.x, c.y, c.z + 0.5), (c.x, c.y, c.z + 0.6), r, mats[0], mats[1]))
    return more


def random_objects(seed: int, n: int = 300) -> list:
    objs, rng = sphere_field(seed, n, _other_shapes)
    objs.append(Cloud(rng.uniform(-1, 1, (40, 3)) + np.array([0, -1, 4]), 0.08))
    prepare_all(objs)
    return objs


def random_rays(seed: int, n: int = 20000, scale: float = 4.0):
    rng = np.random.default_rng(seed)
    o = tuple(rng.uniform(-scale, scale, n) + shift for shift in (0, 0, 2))
    d = unit(*rng.normal(size=(3, n)))
    return o, d


@pytest.fixture(autouse=True)
def numpy_structure(monkeypatch):
    """The numpy grid and direction bins (test_compiled_walk.py runs these on the compiled one)."""
    monkeypatch.setenv("PURAY_NO_JIT", "1")


@pytest.fixture
def brute(monkeypatch):
    def build(objects, eye=(0.0, 0.0, 0.0)):
        with monkeypatch.context() as m:
            m.setattr(aggregates, "MIN_PRIMS", 10**9)
            return Aggregate(objects, eye)  # no structure: every object, in order

    return build


def assert_same_nearest(fast: Aggregate, slow: Aggregate, o, d) -> None:
    t1, k1, p1 = fast.nearest(o, d)
    t2, k2, p2 = slow.nearest(o, d)
    np.testing.assert_array_equal(t1, t2)  # bit-identical distances, inf where none
    np.testing.assert_array_equal(k1, k2)
    hit = k2 >= 0
    assert 0.05 < hit.mean() < 0.98  # the rays meet the scene, not all the same way
    p1 = np.zeros_like(k1) if p1 is None else p1
    p2 = np.zeros_like(k2) if p2 is None else p2
    np.testing.assert_array_equal(p1[hit], p2[hit])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_nearest_hits_equal_testing_every_object(brute, seed):
    objects = random_objects(seed)
    fast, slow = Aggregate(objects), brute(objects)
    assert fast.grid is not None
    assert slow.grid is None
    assert 0 in fast.far.tolist()  # the ground sphere is tested beside the grid
    o, d = random_rays(seed)
    assert_same_nearest(fast, slow, o, d)


def test_shared_origins_like_primary_rays(brute):
    objects = random_objects(4)
    fast, slow = Aggregate(objects, eye=(0, -0.35, -1)), brute(objects)
    assert fast.structure.eye_map is not None  # rays from the eye are answered by direction bins
    rng = np.random.default_rng(4)
    d = unit(rng.uniform(-1, 1, 30000), rng.uniform(-0.6, 0.6, 30000), np.ones(30000))
    assert_same_nearest(fast, slow, (0.0, -0.35, -1.0), d)


@pytest.mark.parametrize("scale", [1e2, 1e4])  # the far grid's rays; beyond it, one by one
def test_rays_from_far_away_are_exact(brute, scale):
    objects = random_objects(5)
    fast, slow = Aggregate(objects), brute(objects)
    assert fast.structure.far_grid is not None  # the plane's far hit points start rays far away
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
    assert_same_blocking(Aggregate(objects), brute(objects), seed)


def assert_same_blocking(fast: Aggregate, slow: Aggregate, seed: int) -> None:
    """Random rays with random lengths (some endless): the same ones are blocked."""
    o, d = random_rays(seed)
    dist = np.random.default_rng(seed).uniform(0, 6, d[0].size)
    dist[::5] = np.inf
    blocked = fast.occluded(o, d, dist)
    np.testing.assert_array_equal(blocked, slow.occluded(o, d, dist))
    assert 0.05 < blocked.mean() < 0.95


@pytest.mark.parametrize("seed", [10, 11])
def test_shadow_rays_toward_a_light_equal_testing_every_object(brute, seed):
    light = (1.5, -3.0, -2.0)
    objects = random_objects(seed)
    fast, slow = Aggregate(objects, lights=[light]), brute(objects)
    assert light in fast.structure.light_maps
    assert_same_shadows(fast, slow, light, seed)


def test_lattice_with_axis_aligned_rays_and_exact_ties(brute):
    # Rays along the axes through touching balls: hits on cell boundaries, equal distances.
    objects = lattice_balls()
    objects += [Sphere(Point(1.0, 1.0, 1.0), 0.25), Ball((1.5, 1.0, 1.0), 0.25)]  # duplicates
    prepare_all(objects)
    fast, slow = Aggregate(objects), brute(objects)
    for o, d in axis_rays():
        assert_same_nearest(fast, slow, o, d)


def test_one_object_with_many_primitives_plugs_in(brute):
    rng = np.random.default_rng(8)
    cloud = Cloud(rng.uniform(-1, 1, (500, 3)) + np.array([0, 0, 3]), 0.05)
    objects = [Plane(Point(0, 1, 0), Vector(0, -1, 0)), cloud]
    prepare_all(objects)
    fast, slow = Aggregate(objects), brute(objects)
    assert fast.grid is not None
    assert fast.prim_objects == {1}
    o, d = random_rays(8, 5000, scale=1.5)
    assert_same_nearest(fast, slow, o, d)


def test_a_lone_small_scene_keeps_the_plain_loop():
    objects = [Sphere(Point(0, 10000.5, 1), 10000.0), Sphere(Point(0, 0, 1), 0.6)]
    prepare_all(objects)
    assert Aggregate(objects).grid is None


def test_unbounded_shapes_go_beside_the_grid():
    objects = [Sphere(Point(k, 0, 3), 0.3) for k in range(40)]
    objects.insert(10, Plane(Point(0, 1, 0), Vector(0, -1, 0)))
    prepare_all(objects)
    agg = Aggregate(objects)
    assert agg.far.tolist() == [10]
    assert math.isinf(Shape(None).bounds()[1][0])


SCENE = """\
import random
from tracer import *
WIDTH, HEIGHT = 96, 54
CAMERA = Vector(0, -0.35, -1)
rng = random.Random(3)
mats = [Material(Color(rng.random(), rng.random(), rng.random())) for _ in range(5)]
mats.append(ChequeredMaterial(reflection=0.6))
OBJECTS = [Sphere(Point(0, 10000.5, 1), 10000.0, ChequeredMaterial(ambient=0.2, reflection=0.2))]
for i in range(300):
    c = Point(rng.uniform(-2, 2), rng.uniform(-1.5, 0.4), rng.uniform(1, 5))
    r = rng.uniform(0.05, 0.3)
    OBJECTS.append(Sphere(c, r, rng.choice(mats)))
    if i % 10 == 0:
        OBJECTS.append(Sphere(Point(c.x, c.y, c.z), r, rng.choice(mats)))
OBJECTS.append(Plane(Point(0, 0, 9), Vector(0, 0, -1), Material(Color(0.2, 0.3, 0.4))))
LIGHTS = [Light(Point(1.5, -0.5, -10)), Light(Point(-0.5, -10.5, 0), Color(0.9, 0.9, 0.9))]
"""


@pytest.fixture
def crowd(tmp_path):
    from tracer.scene.load import SceneSource

    path = tmp_path / "crowd.py"
    path.write_text(SCENE)
    return SceneSource.from_path(path)


@pytest.mark.parametrize("shadows", [False, True], ids=["plain", "shadows"])
def test_pictures_equal_testing_every_object(monkeypatch, crowd, shadows):
    from tracer.kernel.render import load, render_rows
    from tracer.settings import RenderSettings

    settings = RenderSettings(shadows=shadows, samples=2)
    fast = load(crowd, settings)
    assert fast.kernel.aggregate.grid is not None
    monkeypatch.setattr(aggregates, "MIN_PRIMS", 10**9)
    slow = load(crowd, settings)
    assert slow.kernel.aggregate.grid is None
    image = render_rows(fast, settings, 0, 54)
    np.testing.assert_array_equal(image, render_rows(slow, settings, 0, 54))
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 100  # reflections, shadows, balls


def test_the_structure_is_built_once_per_load(monkeypatch, crowd):
    from tracer.accel import grid
    from tracer.kernel.render import load, render_rows, restore, snapshot
    from tracer.settings import RenderSettings

    built = []
    init = grid.UniformGrid.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        init(self, *args, **kwargs)

    monkeypatch.setattr(grid.UniformGrid, "__init__", counting)
    settings = RenderSettings(shadows=True)
    loaded = load(crowd, settings)
    assert built  # the grid (and the far grid: the scene has a plane)
    at_load = len(built)
    for y in range(0, 54, 6):  # nine blocks of rows
        render_rows(loaded, settings, y, y + 6)
    copy = restore(snapshot(loaded))  # what another worker process receives
    for y in range(0, 54, 6):
        render_rows(copy, settings, y, y + 6)
    assert len(built) == at_load
    assert copy.fingerprint() == loaded.fingerprint()


def render_objects(objects, width=64, height=36):
    from tracer import Light, PurayCamera
    from tracer.kernel.render import LoadedScene, render_rows
    from tracer.kernel.scene_arrays import SceneArrays
    from tracer.scene.load import Scene
    from tracer.settings import RenderSettings

    camera = PurayCamera(Vector(0, -0.35, -1))
    camera.prepare()
    light = Light(Point(1.5, -0.5, -10))
    light._pos, light._rgb = (1.5, -0.5, -10.0), (1.0, 1.0, 1.0)
    scene = Scene("balls.py", width, height, camera, objects, [light])
    loaded = LoadedScene(("balls",), scene, SceneArrays(scene))
    return loaded, render_rows(loaded, RenderSettings(shadows=True), 0, height)


def test_a_class_batch_answers_for_its_shapes_as_they_would(monkeypatch):
    rng = np.random.default_rng(9)
    shift = np.array([0, -0.3, 3])
    balls = [Ball(tuple(rng.uniform(-1.5, 1.5, 3) + shift), 0.15) for _ in range(200)]
    objects = [Sphere(Point(0, 10000.5, 1), 10000.0), *balls]
    prepare_all(objects)
    monkeypatch.setattr(Ball, "batch", classmethod(lambda cls, shapes: BallBatch(shapes)))
    batched, image = render_objects(objects)
    assert batched.kernel.normal_groups  # normals came from the batch
    monkeypatch.undo()
    single, alone = render_objects(objects)
    assert not single.kernel.normal_groups
    np.testing.assert_array_equal(image, alone)
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50


def test_shapes_with_prims_and_materials_render_as_without_the_structure(monkeypatch):
    # Pair reports which ball was hit (prim) and shows a second material there: the grid
    # must hand prims to normals() and material_ids() just as testing every object does.
    rng = np.random.default_rng(12)
    red, blue = Material(Color(1, 0.1, 0.1)), Material(Color(0.1, 0.2, 1), reflection=0.7)
    objects: list = [Sphere(Point(0, 10000.5, 1), 10000.0)]
    for _ in range(60):
        x, y, z = rng.uniform(-1.2, 1.2), rng.uniform(-0.6, 0.3), rng.uniform(1.5, 4)
        objects.append(Pair((x, y, z), (x + 0.12, y - 0.1, z - 0.1), 0.12, red, blue))
        objects.append(Sphere(Point(x - 0.3, y, z + 0.3), 0.1))
    prepare_all(objects)
    fast, image = render_objects(objects, 96, 54)
    assert fast.kernel.aggregate.grid is not None
    monkeypatch.setattr(aggregates, "MIN_PRIMS", 10**9)
    slow, alone = render_objects(objects, 96, 54)
    assert slow.kernel.aggregate.grid is None
    np.testing.assert_array_equal(image, alone)
    blueish = (image[..., 2] > image[..., 0] + 60).mean()
    assert 0.01 < blueish < 0.9  # the second material shows


@pytest.mark.parametrize(
    ("seed", "schedule", "cells"),
    [(20, (1, 1, 1), 2.0), (21, (3, 2, 8), 30.0), (22, (64, 1, 64), 2.0), (24, (2, 2, 32), 60.0)],
)
def test_every_round_schedule_equals_testing_every_object(
    brute, monkeypatch, seed, schedule, cells
):
    """One cell a round, growing rounds, all cells at once; coarse and fine grids, meshes too.

    Fine grids file a box in many cells: a ray must meet each of them once, through the
    face it enters by, and never miss one.
    """
    first, growth, most = schedule
    monkeypatch.setattr(grid, "CELLS_PER_PRIM", cells)
    monkeypatch.setattr(grid, "FIRST", first)
    monkeypatch.setattr(grid, "GROWTH", growth)
    monkeypatch.setattr(grid, "MOST", most)
    objects = random_objects(seed)
    fast, slow = Aggregate(objects), brute(objects)
    assert fast.grid is not None
    tested = []
    walk_round = walk.Walk.round

    def counted(self, steps):
        rays, ids = walk_round(self, steps)
        tested.append((steps, self.r.size, rays.size))
        return rays, ids

    monkeypatch.setattr(walk.Walk, "round", counted)
    o, d = random_rays(seed)
    assert_same_nearest(fast, slow, o, d)
    assert tested[0][0] == first
    assert max(steps for steps, _, _ in tested) == (most if most > first else first)
    dist = np.random.default_rng(seed).uniform(0, 6, d[0].size)
    np.testing.assert_array_equal(fast.occluded(o, d, dist), slow.occluded(o, d, dist))


def test_wide_cell_keys_equal_testing_every_object(brute, monkeypatch):
    """Grids too big for int32 keys walk with int64 keys (forced here on a small grid)."""
    monkeypatch.setattr(grid, "MARK", 0)
    objects = random_objects(29)
    fast, slow = Aggregate(objects), brute(objects)
    assert fast.grid is not None
    assert fast.grid.key_type is np.int64
    o, d = random_rays(29)
    assert_same_nearest(fast, slow, o, d)
    dist = np.random.default_rng(29).uniform(0, 6, d[0].size)
    np.testing.assert_array_equal(fast.occluded(o, d, dist), slow.occluded(o, d, dist))


def test_a_ray_tests_each_primitive_once_however_many_cells_it_spans(monkeypatch):
    """Face lists: walking a fine grid, no (ray, primitive) pair comes up twice."""
    monkeypatch.setattr(grid, "CELLS_PER_PRIM", 60.0)
    objects = random_objects(25, 200)
    fast = Aggregate(objects)
    assert fast.grid is not None
    assert fast.grid.res.min() > 10  # boxes span several cells along every axis
    seen = []
    walk_round = walk.Walk.round

    def recorded(self, steps):
        rays, ids = walk_round(self, steps)
        seen.append((rays.astype(np.int64) << 32) | ids)
        return rays, ids

    monkeypatch.setattr(walk.Walk, "round", recorded)
    o, d = random_rays(25)
    fast.nearest(o, d)
    pairs = np.concatenate(seen)
    assert pairs.size > 10000
    assert np.unique(pairs).size == pairs.size


def test_rays_skimming_along_a_lattice_equal_testing_every_object(brute):
    """Rays grazing rows of touching balls: the long tail of a lattice scene."""
    balls, o, d = skimming_rows()
    fast, slow = Aggregate(balls), brute(balls)
    assert_same_nearest(fast, slow, o, d)


def assert_same_shadows(fast: Aggregate, slow: Aggregate, light, seed: int, n: int = 20000):
    """Shadow rays toward ``light`` from points around the scenes' objects, starting a little
    off them as the kernel offsets them: the same ones are blocked."""
    rng = np.random.default_rng(seed)
    p = (rng.uniform(-2, 2, n), rng.uniform(-1, 0.5, n), rng.uniform(1, 5, n))
    lx, ly, lz = (light[a] - p[a] for a in range(3))
    dist = np.sqrt(lx * lx + ly * ly + lz * lz)
    q = tuple(a + rng.normal(0, 1e-4, n) for a in p)
    d = unit(lx, ly, lz)
    blocked = fast.occluded(q, d, dist, toward=light)
    np.testing.assert_array_equal(blocked, slow.occluded(q, d, dist))
    assert 0.05 < blocked.mean() < 0.95


def lattice_balls() -> list:
    """Return an 8x8x8 lattice of touching balls (radius 0.25, spacing 0.5), not prepared."""
    return [
        Sphere(Point(i * 0.5, j * 0.5, k * 0.5), 0.25)
        for i in range(8)
        for j in range(8)
        for k in range(8)
    ]


def axis_rays():
    """Yield bundles of rays along the axes through a lattice of spacing 0.5 from the origin,
    on its balls' centre lines and between them: hits on cell boundaries, equal distances."""
    g = np.repeat(np.arange(-1, 9) * 0.25, 10)
    h = np.tile(np.arange(-1, 9) * 0.25, 10)
    zero, one = np.zeros(g.size), np.ones(g.size)
    yield (g, h, -one), (zero.copy(), zero.copy(), one.copy())
    yield (-one, g, h), (one.copy(), zero.copy(), zero.copy())
    yield (g, 5 * one, h), (zero.copy(), -one.copy(), zero.copy())


def skimming_rows():
    """Return rows of touching balls (and a duplicate) and rays grazing along the rows."""
    balls = [Sphere(Point(i * 0.7, 0, j * 0.7), 0.35) for i in range(30) for j in range(30)]
    balls.append(Sphere(Point(3.5, 0, 3.5), 0.35))  # a duplicate: ties to the earlier one
    prepare_all(balls)
    rng = np.random.default_rng(23)
    n = 20000
    o = (rng.uniform(-1, 0, n), rng.uniform(-0.4, 0.4, n), rng.uniform(-1, 21, n))
    d = unit(np.ones(n), rng.normal(0, 0.01, n), rng.normal(0, 0.02, n))
    return balls, o, d


class Tile(Plane):
    """A bounded piece of a plane: Plane's own arithmetic, so it ties with the plane exactly."""

    def bounds(self):
        return (-1.0, 0.99, 1.0), (1.0, 1.01, 3.0)


@pytest.mark.parametrize("eye", [False, True], ids=["walk", "eye-map"])
def test_a_grid_object_tied_with_an_earlier_one_beside_the_grid_loses(brute, eye):
    # The floor (object 0) is tested beside the grid, the tile lying in it in the grid, after
    # the floor's hit is known: at equal distances the floor must win, whether a ray walks the
    # grid or is a camera ray answered by the direction bins; so it must against a second
    # floor (the last object), tested beside the grid after it.
    objects = [Plane(Point(0, 1, 0), Vector(0, -1, 0))]
    objects += [Sphere(Point(-3 + 0.4 * k, -1.0, 5.0), 0.15) for k in range(20)]
    objects.append(Tile(Point(0, 1, 0), Vector(0, -1, 0)))
    objects.append(Plane(Point(0, 1, 0), Vector(0, -1, 0)))
    prepare_all(objects)
    origin = (0.0, -1.5, 0.5)
    fast, slow = Aggregate(objects, eye=origin if eye else (0, 0, 0)), brute(objects)
    assert fast.grid is not None
    assert fast.far.tolist() == [0, 22]
    rng = np.random.default_rng(12)
    target = (rng.uniform(-0.9, 0.9, 5000), np.ones(5000), rng.uniform(1.1, 2.9, 5000))
    if eye:
        o = origin
        d = unit(*(t - c for t, c in zip(target, origin, strict=True)))
        assert fast.structure.eye_map is not None
    else:
        o = tuple(rng.uniform(-2, 2, 5000) + s for s in (0, -2, 0))
        d = unit(*(t - c for t, c in zip(target, o, strict=True)))
    t_fast, k_fast, _ = fast.nearest(o, d)
    t_slow, k_slow, _ = slow.nearest(o, d)
    np.testing.assert_array_equal(t_fast, t_slow)
    assert (k_slow == 0).all()  # in order, the floor comes first
    assert (k_fast == 0).all()
    # and the tile is really hit at those same distances
    t_tile, hit_tile = objects[-2].intersect(o, d)
    assert hit_tile.all()
    np.testing.assert_array_equal(t_tile, t_slow)
