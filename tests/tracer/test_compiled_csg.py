"""CSG nodes and moved shapes walked by compiled code (compiled_csg.py) against hand-worked
distances, faces and normals, and against the numpy engine's own test of every object."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from tests.tracer.test_compiled_walk import (  # noqa: F401 (a fixture)
    compiled_aggregate,
    compiled_walk,
    hits,
)
from tracer import Box, Cone, Cylinder, Difference, Intersection, Mesh, Point, Sphere, Union, Vector
from tracer.accel import aggregates, compiled_prims
from tracer.accel.aggregates import Aggregate
from tracer.arrays import unit
from tracer.geometry import prepare_all

pytest.importorskip("numba")


@pytest.fixture
def brute(monkeypatch):
    """Return the aggregate without a structure: every object's own numpy test, in order."""

    def build(objects):
        with monkeypatch.context() as m:
            m.setattr(aggregates, "MIN_PRIMS", 10**9)
            return Aggregate(objects)

    return build


def bitten():
    """A 2-unit cube at the origin with a ball of radius 0.5 bitten out of its -z face."""
    return Difference(Box(Point(-1, -1, -1), Point(1, 1, 1)), Sphere(Point(0, 0, -1), 0.5))


def far_box():
    return Box(Point(50, 50, 50), Point(51, 51, 51))


# (shape, origin, direction, distance, face id, outward normal there): worked out by hand.
# Face ids: a Box's 2 * axis + side, then each later operand's ids after the earlier ones'.
HAND = [
    (bitten, (0.8, 0, -5), (0, 0, 1), 4.0, 4, (0, 0, -1)),  # beside the bite: the box face
    (bitten, (0, 0, -5), (0, 0, 1), 4.5, 6, (0, 0, -1)),  # the bite's floor (turned round)
    (bitten, (0, 0, 0), (0, 0, -1), 0.5, 6, (0, 0, -1)),  # from inside, out into the bite
    # off the axis by 0.45: the bite's floor at z = -1 + sqrt(0.25 - 0.45^2)
    (bitten, (0.45, 0, -5), (0, 0, 1), 4.0 + (0.25 - 0.45**2) ** 0.5, 6, None),
    (bitten, (0, 0, 5), (0, 0, -1), 4.0, 5, (0, 0, 1)),  # the untouched +z face
    # two boxes sharing the face x = 1: no boundary there; out through the second's x = 2
    (
        lambda: Union(Box(Point(0, 0, 0), Point(1, 1, 1)), Box(Point(1, 0, 0), Point(2, 1, 1))),
        (0.5, 0.5, 0.5),
        (1, 0, 0),
        1.5,
        7,
        (1, 0, 0),
    ),
    # both boxes end at x = 2 (a tie): the face is the first operand's, face 1
    (
        lambda: Intersection(
            Box(Point(0, 0, 0), Point(2, 1, 1)), Box(Point(1, -1, -1), Point(2, 2, 2))
        ),
        (1.5, 0.5, 0.5),
        (1, 0, 0),
        0.5,
        1,
        (1, 0, 0),
    ),
    # the same entered from outside: in through the second's x = 1 face (id 6 + 0)
    (
        lambda: Intersection(
            Box(Point(0, 0, 0), Point(2, 1, 1)), Box(Point(1, -1, -1), Point(2, 2, 2))
        ),
        (-1, 0.5, 0.5),
        (1, 0, 0),
        2.0,
        6,
        (-1, 0, 0),
    ),
    # a moved node: the bitten cube 3 further along z, turned 90 degrees about z
    (
        lambda: bitten().rotated(Vector(0, 0, 1), 90).translated(0, 0, 3),
        (0, 0, -5),
        (0, 0, 1),
        7.5,
        6,
        (0, 0, -1),
    ),
    # a cylinder minus a cone from its base: the cone's side, at r = 0.5 (height 1 of 2)
    (
        lambda: Difference(
            Cylinder(Point(0, 0, 0), Point(0, 0, 2), 1), Cone(Point(0, 0, 0), Point(0, 0, 2), 1)
        ),
        (0.5, 0, -3),
        (0, 0, 1),
        4.0,
        3,
        None,
    ),
    # a sphere stretched 2x along x: hit at x = -2
    (lambda: Sphere(Point(0, 0, 0), 1).scaled(2, 1, 1), (-5, 0, 0), (1, 0, 0), 3.0, 0, (-1, 0, 0)),
]


@pytest.mark.parametrize(("make", "o", "d", "dist", "face", "normal"), HAND)
def test_distances_faces_and_normals_worked_out_by_hand(make, o, d, dist, face, normal):
    shape = make()
    t, k, prim = hits([shape, far_box()], o, d)
    assert (k, prim) == (0, face)
    assert t == pytest.approx(dist, rel=1e-12)
    if normal is not None:
        p = tuple(np.array([o[a] + t * d[a] / np.linalg.norm(d)]) for a in range(3))
        n = shape.normals(p, tuple(np.array([float(c)]) for c in d), np.array([prim]))
        np.testing.assert_allclose(np.ravel(n), normal, atol=1e-12)


def shapes() -> list:
    """CSG of every built-in solid, nested and moved, with shared faces (exact ties)."""
    c = (0.0, -0.45, 1.2)
    cube = Intersection(
        Box(Point(-0.75, -0.75, -0.75), Point(0.75, 0.75, 0.75)), Sphere(Point(0, 0, 0), 1)
    )
    axes = [tuple(0.9 * (k == a) for a in range(3)) for k in range(3)]
    rods = Union(*(Cylinder(Point(*np.subtract(c, e)), Point(*np.add(c, e)), 0.4) for e in axes))
    logo = Difference(cube.translated(*c), rods)
    return [
        logo.translated(0, 0, -1.2).rotated(Vector(0, 1, 0), -30).translated(0, 0, 1.2),
        Union(
            Sphere(Point(-2.2, 0, 0.5), 0.33),
            Sphere(Point(-2.2, 0, 1.7), 0.33),
            Cylinder(Point(-2.2, 0, 0.5), Point(-2.2, 0, 1.7), 0.12),
        ),
        Difference(
            Box(Point(1.5, -0.5, 0.6), Point(2.3, 0.3, 1.4)),
            Sphere(Point(1.5, -0.5, 0.6), 0.5),
            Cone(Point(2, -0.05, 0), Point(2, -0.05, 2), 0.3),
        ),
        Box(Point(0, 0, 0), Point(1, 1, 1)).scaled(1, 2, 0.5).translated(-1, 1, 0),
        Sphere(Point(0, 0, 0), 1).scaled(1, 2, 0.5).translated(1, 1, 0),
        Cone(Point(0, 0, 0), Point(0, -1, 0), 0.5).rotated(Vector(1, 0, 0), 20).translated(0, 1, 3),
        Difference(Box(Point(-3, 0, 0), Point(-2, 1, 1)), Box(Point(-2.5, 0, 0), Point(-2, 1, 1))),
        Union(Box(Point(-3, 1, 2), Point(-2, 2, 3)), Box(Point(-2, 1, 2), Point(-1, 2, 3))),
        Intersection(Box(Point(2, 1, 2), Point(3, 2, 3)), Box(Point(2.5, 1, 2), Point(3, 2, 3))),
        Difference(
            Union(Box(Point(0, -2, 3), Point(1, -1, 4)), Sphere(Point(1, -1.5, 3.5), 0.5)),
            Intersection(Sphere(Point(0.5, -1.5, 3), 0.4), Box(Point(0, -2, 2.5), Point(1, -1, 3))),
        ),
    ]


def rays(seed: int, n: int = 40000):
    """Random rays through the shapes' region, a quarter of them along the axes."""
    rng = np.random.default_rng(seed)
    o = rng.uniform(-4, 4, (3, n)) + np.array([[0], [0], [1.5]])
    d = rng.normal(size=(3, n))
    q = n // 4
    d[:, :q] = 0.0
    d[rng.integers(0, 3, q), np.arange(q)] = rng.choice([-1.0, 1.0], q)
    o[:, : q // 2] = np.round(o[:, : q // 2] * 2) / 2  # on the boxes' face planes: ties
    return tuple(o), unit(*d)


@pytest.mark.parametrize("seed", [1, 2])
def test_csg_and_moved_shapes_equal_their_numpy_tests(brute, seed):
    objects = shapes()
    prepare_all(objects)
    fast, slow = compiled_aggregate(objects), brute(objects)
    kinds = set((fast.structure.bvh[3] & 15).tolist())
    assert kinds == {compiled_prims.PROGRAM}  # every one compiled, none handed back
    o, d = rays(seed)
    t1, k1, p1 = fast.nearest(o, d)
    t2, k2, p2 = slow.nearest(o, d)
    np.testing.assert_array_equal(t1, t2)
    np.testing.assert_array_equal(k1, k2)
    hit = k2 >= 0
    assert 0.1 < hit.mean() < 0.9
    np.testing.assert_array_equal(p1[hit], p2[hit])
    dist = np.random.default_rng(seed).uniform(0, 6, d[0].size)
    np.testing.assert_array_equal(fast.occluded(o, d, dist), slow.occluded(o, d, dist))


def closed_cube() -> Mesh:
    v = [[x, y, z] for x in (0, 1) for y in (0, 1) for z in (0, 1)]
    quads = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
    faces = [f for a, b, c, e in quads for f in ((a, b, c), (a, c, e))]
    return Mesh(v, faces)


def test_a_node_with_a_mesh_in_it_stays_with_its_numpy_test(brute):
    objects = [Difference(closed_cube(), Sphere(Point(1, 1, 1), 0.5)), *shapes()[:2]]
    prepare_all(objects)
    fast, slow = compiled_aggregate(objects), brute(objects)
    kinds = (fast.structure.bvh[3] & 15).tolist()
    assert sorted(kinds) == [compiled_prims.FOREIGN, *[compiled_prims.PROGRAM] * 2]
    o, d = rays(3)
    for a, b in zip(fast.nearest(o, d), slow.nearest(o, d), strict=True):
        np.testing.assert_array_equal(a, b)


def test_programs_travel_in_a_pickle_and_are_rebuilt(brute):
    objects = shapes()
    prepare_all(objects)
    fast = pickle.loads(pickle.dumps(compiled_aggregate(objects)))
    o, d = rays(4)
    for a, b in zip(fast.nearest(o, d), brute(objects).nearest(o, d), strict=True):
        np.testing.assert_array_equal(a, b)
