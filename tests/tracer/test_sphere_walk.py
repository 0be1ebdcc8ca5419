"""The compiled grid walk for spheres (numba) against testing every object, ray by ray."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from tests.tracer.test_aggregates import (
    assert_same_blocking,
    assert_same_nearest,
    assert_same_shadows,
    axis_rays,
    lattice_balls,
    random_rays,
    skimming_rows,
    sphere_field,
)
from tracer import Point, Sphere
from tracer.accel import aggregates, compiled
from tracer.accel.aggregates import Aggregate
from tracer.geometry import prepare_all

pytest.importorskip("numba")


@pytest.fixture(autouse=True)
def compiled_walk(monkeypatch):
    """Walk every grid of spheres compiled, however few (the bundled minimum is 2,000)."""
    monkeypatch.setattr(compiled, "MIN_SPHERES", 1)
    monkeypatch.delenv(compiled.OFF, raising=False)


@pytest.fixture
def brute(monkeypatch):
    def build(objects, eye=(0.0, 0.0, 0.0), lights=()):
        with monkeypatch.context() as m:
            m.setattr(aggregates, "MIN_PRIMS", 10**9)
            return Aggregate(objects, eye, lights)  # no structure: every object, in order

    return build


def sphere_crowd(seed: int, n: int = 600) -> list:
    """Spheres only (duplicates, touching, nested) beside a floor and Puray's ground."""
    objs, _rng = sphere_field(seed, n)
    prepare_all(objs)
    return objs


def compiled_aggregate(objects, **kw) -> Aggregate:
    fast = Aggregate(objects, **kw)
    assert compiled.sphere_walk(fast.grid, fast.prims) is not None  # the compiled walk serves
    return fast


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_nearest_hits_equal_testing_every_object(brute, seed):
    objects = sphere_crowd(seed)
    fast, slow = compiled_aggregate(objects), brute(objects)
    o, d = random_rays(seed)
    assert_same_nearest(fast, slow, o, d)


@pytest.mark.parametrize("seed", [6, 7])
def test_any_hit_equals_testing_every_object(brute, seed):
    objects = sphere_crowd(seed)
    assert_same_blocking(compiled_aggregate(objects), brute(objects), seed)


def test_shadow_rays_toward_a_light_equal_testing_every_object(brute):
    light = (1.5, -3.0, -2.0)
    objects = sphere_crowd(10)
    fast, slow = compiled_aggregate(objects, lights=[light]), brute(objects)
    assert_same_shadows(fast, slow, light, 10)


def test_axis_aligned_rays_and_exact_ties_on_a_lattice(brute):
    balls = lattice_balls()
    balls.append(Sphere(Point(1.0, 1.0, 1.0), 0.25))  # a duplicate: ties to the earlier one
    prepare_all(balls)
    fast, slow = compiled_aggregate(balls), brute(balls)
    for o, d in axis_rays():
        assert_same_nearest(fast, slow, o, d)


def test_rays_skimming_along_rows_of_balls(brute):
    balls, o, d = skimming_rows()
    fast, slow = compiled_aggregate(balls), brute(balls)
    assert_same_nearest(fast, slow, o, d)


SCENE = textwrap.dedent(
    """
    import random
    from tracer import Color, Light, LookAtCamera, Material, Plane, Point, Sphere, Vector
    WIDTH, HEIGHT = 96, 54
    rng = random.Random(3)
    CAMERA = LookAtCamera(Point(0, -1, -6), look_at=Point(0, 0, 0), fov=50)
    mats = [Material(Color(rng.random(), rng.random(), rng.random())) for _ in range(6)]
    OBJECTS = [Sphere(Point(rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-2, 2)),
                      rng.choice([0.05, 0.1, 0.2]), rng.choice(mats)) for _ in range(2500)]
    OBJECTS.append(Plane(Point(0, 2.5, 0), Vector(0, -1, 0), Material(Color(0.5, 0.5, 0.5))))
    LIGHTS = [Light(Point(3, -6, -5))]
    """
)


@pytest.mark.parametrize("shadows", [False, True], ids=["plain", "shadows"])
def test_pictures_equal_the_numpy_walk(monkeypatch, tmp_path, shadows):
    from tracer.kernel.render import load, render_rows
    from tracer.scene.load import SceneSource
    from tracer.settings import RenderSettings

    path = tmp_path / "cloud.py"
    path.write_text(SCENE)
    settings = RenderSettings(shadows=shadows)
    loaded = load(SceneSource.from_path(path), settings)
    fast = render_rows(loaded, settings, 0, 54)
    monkeypatch.setenv(compiled.OFF, "1")
    slow = render_rows(loaded, settings, 0, 54)
    np.testing.assert_array_equal(fast, slow)
    assert len(np.unique(fast.reshape(-1, 3), axis=0)) > 200  # balls, reflections, shadows


def test_without_numba_the_numpy_walk_serves(monkeypatch):
    monkeypatch.setattr(compiled, "_module", lambda: None)
    fast = Aggregate(sphere_crowd(4))
    assert fast.grid is not None
    assert compiled.sphere_walk(fast.grid, fast.prims) is None
    assert compiled.cells_per_prim(fast.prims, fast.in_grid) is None  # the numpy walk's grid
