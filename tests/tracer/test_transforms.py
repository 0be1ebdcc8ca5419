"""Transforms: rotations about a solid's own axis, moving the whole scene, non-uniform scale
(normals by the inverse transpose), exact moved spheres, bounds and composition."""

from __future__ import annotations

import numpy as np
import pytest

from tests.tracer.solid_helpers import differing, is_picture, render
from tracer import Box, Cylinder, Point, Sphere, Vector
from tracer.geometry.transform import Transformed

FLOOR = "Plane(Point(0, 0.8, 0), Vector(0, -1, 0), FLOOR)"
BOX = "Box(Point(-0.5, -0.3, 0.1), Point(0.5, 0.7, 1.1), RED)"  # centre (0, 0.2, 0.6)


@pytest.mark.parametrize("axis", ["Vector(1, 0, 0)", "Vector(0, 1, 0)", "Vector(0, 0, -1)"])
def test_a_cube_turned_90_degrees_about_its_centre_looks_the_same(tmp_path, axis):
    plain = render(tmp_path, f"{FLOOR}, {BOX}", look_at=(0, 0.2, 0.6))
    turned = f"{BOX}.translated(0, -0.2, -0.6).rotated({axis}, 90).translated(0, 0.2, 0.6)"
    moved = render(tmp_path, f"{FLOOR}, {turned}", look_at=(0, 0.2, 0.6))
    assert is_picture(plain)
    assert differing(plain, moved, tolerance=1) == 0


SCENE = (
    "Plane(Point(0, 0.8, 0), Vector(0, -1, 0), Material(Color(0.6, 0.6, 0.5))), "
    f"{BOX}, Sphere(Point(-1, 0.3, 0.5), 0.5, BLUE), "
    "Difference(Cylinder(Point(1, 0.8, 0), Point(1, -0.4, 0.2), 0.4, RED), "
    "Sphere(Point(1, -0.4, 0.2), 0.3, BLUE))"
)


def test_moving_every_object_and_the_camera_leaves_the_picture(tmp_path):
    # A plain floor: Puray's chequer pattern is anchored to the world (and not periodic
    # across x = -5 and z = 0), so it would rightly change.
    shift = (2.0, -1.0, 4.0)
    objects = ", ".join(f"{o}.translated(*{shift})" for o in ["A", "B", "C", "D"])
    extra = f"A, B, C, D = {SCENE}\n"
    cam = (0.5, -1.5, -3.5)
    before = render(tmp_path, "A, B, C, D", extra=extra)
    after = render(
        tmp_path,
        objects,
        extra=extra,
        camera=tuple(c + s for c, s in zip(cam, shift, strict=True)),
        look_at=shift,
    )
    assert is_picture(before)
    # rounding differs in the last bits: a few pixels on edges may move by one level
    assert differing(before, after, tolerance=2) <= before.size // 3 // 200


def ellipsoid():
    s = Sphere(Point(0.2, -0.1, 0.3), 0.5).scaled(2, 0.5, 1)
    s.prepare()
    return s


def test_non_uniform_scale_hits_the_ellipsoid_with_gradient_normals():
    s = ellipsoid()
    assert isinstance(s, Transformed)
    c = np.array([0.4, -0.05, 0.3])
    axes = np.array([1.0, 0.25, 0.5])
    rng = np.random.default_rng(5)
    n = 3000
    o = rng.normal(size=(3, n))
    o *= 4 / np.linalg.norm(o, axis=0)
    d = rng.uniform(-0.6, 0.6, size=(3, n)) + c[:, None] - o
    d /= np.linalg.norm(d, axis=0)
    t, hit = s.intersect(tuple(o), tuple(d))
    assert hit.mean() > 0.3
    p = o[:, hit] + d[:, hit] * t[hit]
    q = (p - c[:, None]) / axes[:, None]
    assert np.allclose((q**2).sum(axis=0), 1)  # on the ellipsoid
    nx, ny, nz = s.normals(tuple(p), tuple(d[:, hit]))
    grad = (p - c[:, None]) / axes[:, None] ** 2
    grad /= np.linalg.norm(grad, axis=0)
    assert np.allclose(np.stack((nx, ny, nz)), grad)


def test_moved_spheres_stay_plain_spheres(tmp_path):
    moved = Sphere(Point(0, 0, 0), 0.5).translated(0.25, -0.5, 1).rotated(Vector(0, 1, 0), 0)
    assert isinstance(moved, Sphere)
    assert (moved.center.x, moved.center.y, moved.center.z, moved.radius) == (0.25, -0.5, 1, 0.5)
    a = render(tmp_path, f"{FLOOR}, Sphere(Point(0.25, -0.5, 1), 0.5, RED)")
    b = render(tmp_path, f"{FLOOR}, Sphere(Point(0, 0, 0), 0.5, RED).translated(0.25, -0.5, 1)")
    assert np.array_equal(a, b)
    doubled = Sphere(Point(1, 0, 0), 0.5).scaled(2)
    assert isinstance(doubled, Sphere)
    assert (doubled.center.x, doubled.radius) == (2, 1)


def test_transforms_compose_into_one():
    box = Box(Point(0, 0, 0), Point(1, 2, 3))
    moved = box.translated(1, 0, 0).scaled(2).rotated(Vector(0, 0, 1), 90)
    assert isinstance(moved, Transformed)
    assert moved.shape is box
    moved.prepare()
    lo, hi = moved.bounds()
    # (x, y) -> scale 2 -> turn 90 about z: (x, y) -> (-y, x)
    assert np.allclose(lo, (-4, 2, 0), atol=1e-12)
    assert np.allclose(hi, (0, 4, 6), atol=1e-12)


def test_a_turned_cylinder_bounds_hold_it():
    cyl = Cylinder(Point(0, 0, 0), Point(0, 1, 0), 0.5).rotated(Vector(1, 0, 0), 90)
    cyl.prepare()
    lo, hi = cyl.bounds()
    # y axis turned to z: the cylinder spans z in [0, 1] and x, y in [-0.5, 0.5]
    assert np.allclose(lo, (-0.5, -0.5, 0), atol=1e-9)
    assert np.allclose(hi, (0.5, 0.5, 1), atol=1e-9)


def test_a_moved_plane_stays_a_plane():
    from tracer import Plane

    plane = Plane(Point(0, 1, 0), Vector(0, -1, 0)).translated(0, 1, 0)
    assert isinstance(plane, Plane)
    assert (plane.point.y, plane.normal.y) == (2, -1)
