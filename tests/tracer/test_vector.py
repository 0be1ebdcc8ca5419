"""Puray's Vector API (tracer/vector.py) against values worked out by hand.

Scene files written for Puray compute with these classes (``from vector import Vector``), so
their numbers must be Puray's: dot products, lengths, unit vectors, arithmetic that keeps the
class (a Point plus a Vector is a Point), colours from hex.
"""

from __future__ import annotations

import math

import pytest

from tracer import Color, Point, RenderSettings, SceneSource, Vector
from tracer.kernel.render import load


def xyz(v) -> tuple:
    return (v.x, v.y, v.z)


def test_a_vector_holds_three_numbers_and_starts_at_zero():
    assert xyz(Vector()) == (0.0, 0.0, 0.0)
    v = Vector(1, -2.5, 3)
    assert xyz(v) == (1, -2.5, 3)
    assert list(v) == [1, -2.5, 3]
    assert repr(v) == "Vector(1, -2.5, 3)"
    assert repr(Point(0.5, 0, 2)) == "Point(0.5, 0, 2)"


def test_dot_product_by_hand():
    assert Vector(1, 2, 3).dot_product(Vector(4, -5, 6)) == 4 - 10 + 18
    assert Vector(1, 0, 0).dot_product(Vector(0, 1, 0)) == 0  # perpendicular
    assert Vector(0.1, 0.2, 0.3).dot_product(Vector(1, 1, 1)) == (0.1 + 0.2) + 0.3  # in order


@pytest.mark.parametrize(
    ("v", "length"), [((3, 4, 0), 5.0), ((1, 2, 2), 3.0), ((2, 3, 6), 7.0), ((0, 0, -4), 4.0)]
)
def test_magnitude_of_pythagorean_triples(v, length):
    assert Vector(*v).magnitude() == length


def test_normalize_gives_a_unit_vector_in_the_same_direction():
    u = Vector(1, 2, 2).normalize()
    assert xyz(u) == (1 / 3, 2 / 3, 2 / 3)
    assert u.magnitude() == pytest.approx(1.0, abs=1e-15)
    w = Vector(-3, 0, 4).normalize()
    assert xyz(w) == (-0.6, 0.0, 0.8)
    with pytest.raises(ZeroDivisionError):  # Puray's: the zero vector has no direction
        Vector(0, 0, 0).normalize()


def test_cross_product_is_right_handed_and_anticommutative():
    i, j, k = Vector(1, 0, 0), Vector(0, 1, 0), Vector(0, 0, 1)
    assert i.cross(j) == k
    assert j.cross(k) == i
    assert k.cross(i) == j
    a, b = Vector(1, 2, 3), Vector(-2, 0.5, 4)
    assert xyz(a.cross(b)) == (2 * 4 - 3 * 0.5, 3 * -2 - 1 * 4, 1 * 0.5 - 2 * -2)
    assert a.cross(b) == -b.cross(a)
    assert a.cross(b).dot_product(a) == 0


def test_arithmetic_by_hand():
    a, b = Vector(1, 2, 3), Vector(0.5, -1, 4)
    assert xyz(a + b) == (1.5, 1, 7)
    assert xyz(a - b) == (0.5, 3, -1)
    assert xyz(-a) == (-1, -2, -3)
    assert xyz(a * 2) == (2, 4, 6)
    assert xyz(2 * a) == (2, 4, 6)
    assert xyz(a * b) == (0.5, -2, 12)  # component-wise, as Puray multiplies colours
    assert xyz(a / 4) == (0.25, 0.5, 0.75)


def test_arithmetic_keeps_the_left_operand_s_class():
    p = Point(1, 1, 1) + Vector(0, 2, 0)
    assert type(p) is Point
    assert xyz(p) == (1, 3, 1)
    assert type(Point(3, 3, 3) - Point(1, 1, 1)) is Point
    c = Color(0.5, 0.25, 1) * Color(0.5, 1, 0.5)
    assert type(c) is Color
    assert xyz(c) == (0.25, 0.25, 0.5)
    assert type(Color(1, 1, 1) * 0.5) is Color


def test_equality_is_by_value_and_vectors_are_not_hashable():
    assert Vector(1, 2, 3) == Vector(1.0, 2.0, 3.0)
    assert Vector(1, 2, 3) != Vector(1, 2, 3.0001)
    assert Point(1, 2, 3) == Vector(1, 2, 3)  # Puray tells them apart only by name
    assert Vector(1, 2, 3) != (1, 2, 3)
    with pytest.raises(TypeError):
        hash(Vector(1, 2, 3))


@pytest.mark.parametrize(
    ("text", "rgb"),
    [
        ("#000000", (0, 0, 0)),
        ("#FFFFFF", (1, 1, 1)),
        ("#FF8000", (1, 128 / 255, 0)),
        ("#803980", (128 / 255, 57 / 255, 128 / 255)),  # twoballs' pink ball
        ("#e6b87d", (230 / 255, 184 / 255, 125 / 255)),  # lower case
        ("0000ff", (0, 0, 1)),  # without the '#'
    ],
)
def test_color_from_hex(text, rgb):
    c = Color.from_hex(text)
    assert type(c) is Color
    assert xyz(c) == rgb
    assert (c.r, c.g, c.b) == rgb


def test_color_from_hex_defaults_to_black_and_refuses_bad_text():
    assert xyz(Color.from_hex()) == (0, 0, 0)
    for bad in ("#FFF", "#GG0000", "red", "#1234567"):
        with pytest.raises(ValueError, match="#RRGGBB"):
            Color.from_hex(bad)


SCENE = """\
from color import Color
from light import Light
from material import Material
from point import Point
from sphere import Sphere
from vector import Vector

WIDTH, HEIGHT = 8, 8
CAMERA = Vector(0, 0, -1)
OFFSET = Vector(3, 0, 4).normalize() * 0.5
ORANGE = Material(Color.from_hex("#FF8000"))
OBJECTS = [Sphere(Point(0, 0, 2) + OFFSET, Vector(1, 2, 2).magnitude() / 10, ORANGE)]
LIGHTS = [Light(Point(0, -2, 0), Color.from_hex("#FFFFFF"))]
"""


def test_a_puray_scene_computes_with_this_api(tmp_path):
    path = tmp_path / "vectors.py"
    path.write_text(SCENE)
    scene = load(SceneSource.from_path(path), RenderSettings()).scene
    ball = scene.objects[0]
    assert xyz(ball.center) == pytest.approx((0.3, 0.0, 2.4), abs=1e-15)
    assert ball.radius == pytest.approx(0.3, abs=1e-15)
    assert math.isclose(ball.material.color.y, 128 / 255)
