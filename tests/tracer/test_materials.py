"""Custom materials: scalar color_at, vectorised colors_at, and what happens when they misbehave.

The scenes here look at a wall lit from the camera with no ambient, highlight or reflection
term, so every pixel's colour is the material's colour scaled by the light alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.tracer.helpers import collect, failure
from tracer import RenderSettings, SceneError, SceneSource
from tracer.kernel.render import render_image
from tracer.workers.service import RenderService

WALL = """\
import math
import numpy as np
from tracer import *
WIDTH = 64
HEIGHT = 36
CAMERA = Vector(0, 0, -1)
MATTE = dict(ambient=0.0, diffuse=1.0, specular=0.0, reflection=0.0)
LIGHTS = [Light(Point(0, 0, -1))]
"""
WALL_LINES = WALL.count("\n")
SHOW = "OBJECTS = [Plane(Point(0, 0, 2), Vector(0, 0, -1), M(**MATTE))]\n"


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=1) as svc:
        yield svc


def failure_of(service: RenderService, scene: Path) -> Exception:
    """Render ``scene`` on worker processes (as the CLI and the GUI do); return its error."""
    job = service.submit(SceneSource.from_path(scene), RenderSettings())
    return failure(collect(service, job)[1])


def render(tmp_path: Path, body: str, name: str = "scene.py", **settings) -> np.ndarray:
    scene = tmp_path / name
    scene.write_text(WALL + body)
    return render_image(SceneSource.from_path(scene), RenderSettings(**settings))


def test_scalar_color_at_renders_what_it_returns(tmp_path):
    image = render(
        tmp_path,
        "class M(Material):\n"
        "    def color_at(self, p):\n"
        "        return Color(1, 0, 0) if p.y < 0 else Color(0, 0, 1)  # y grows down\n" + SHOW,
    )
    top, bottom = image[:17], image[19:]
    assert (top[..., 0] > 100).all()
    assert (top[..., 1:] == 0).all()
    assert (bottom[..., 2] > 100).all()
    assert (bottom[..., :2] == 0).all()


TWINS = """\
class Scalar(Material):
    def color_at(self, p):
        on = (math.floor(4 * p.x) + math.floor(4 * p.y)) % 2
        return Color(on, min(1.0, abs(p.y)), p.z * p.z / 9)

class Vectorised(Material):
    def colors_at(self, points):
        x, y, z = points.T
        on = (np.floor(4 * x) + np.floor(4 * y)) % 2
        return np.stack([on, np.minimum(1.0, np.abs(y)), z * z / 9], axis=1)
"""
TWIN_OBJECTS = """\
OBJECTS = [
    Plane(Point(0, 1, 0), Vector(0, -1, 0), M(reflection=0.4)),
    Sphere(Point(0.3, 0, 2), 0.7, M(reflection=0.6)),
]
"""


def test_a_vectorised_material_equals_its_scalar_twin_pixel_for_pixel(tmp_path):
    scalar = render(tmp_path, TWINS + "M = Scalar\n" + TWIN_OBJECTS, "scalar.py", samples=2)
    vectorised = render(
        tmp_path, TWINS + "M = Vectorised\n" + TWIN_OBJECTS, "vectorised.py", samples=2
    )
    assert len(np.unique(scalar.reshape(-1, 3), axis=0)) > 50  # a real pattern, reflected
    assert np.array_equal(scalar, vectorised)


def test_colors_at_may_return_one_colour_for_every_point(tmp_path):
    image = render(
        tmp_path,
        "class M(Material):\n    def colors_at(self, points):\n        return (0, 1, 0)\n" + SHOW,
    )
    assert (image[..., 1] > 100).all()
    assert (image[..., [0, 2]] == 0).all()


def test_a_chequered_subclass_overriding_only_color_at_uses_its_own(tmp_path):
    image = render(
        tmp_path,
        "class M(ChequeredMaterial):\n"
        "    def color_at(self, p):\n"
        "        return Color(0, 1, 0)\n" + SHOW,
    )
    assert (image[..., 1] > 100).all()
    assert (image[..., [0, 2]] == 0).all()  # not a white square anywhere


def test_a_plain_chequered_material_still_draws_squares(tmp_path):
    image = render(tmp_path, "M = ChequeredMaterial\n" + SHOW)
    assert (image == 0).all(axis=2).any()  # black squares
    assert (image > 100).all(axis=2).any()  # white squares


def method(body: str) -> str:
    return "class M(Material):\n" + body + SHOW


# (scene body, line the error must name, relative to the body's first line; message part)
BROKEN = {
    "color_at returns text": (
        method("    def color_at(self, p):\n        return 'red'\n"),
        3,
        "color_at must return a Color with finite channels, got 'red'",
    ),
    "color_at returns junk on one branch": (
        method(
            "    def color_at(self, p):\n"
            "        if p.x > 100:\n"
            "            return Color(1, 0, 0)\n"
            "        return (1, 2)\n"
        ),
        5,
        "got (1, 2)",
    ),
    "color_at returns None": (
        method("    def color_at(self, p):\n        pass\n"),
        3,
        "got None",
    ),
    "color_at returns inf": (
        method("    def color_at(self, p):\n        return Color(0, math.inf, 0)\n"),
        3,
        "color_at must return a Color with finite channels",
    ),
    "color_at raises": (
        method("    def color_at(self, p):\n        x = 1\n        return p.nope\n"),
        4,
        "AttributeError: 'Point' object has no attribute 'nope'",
    ),
    "colors_at wrong shape": (
        method("    def colors_at(self, points):\n        return points[:, :2]\n"),
        3,
        "colors_at returned shape",
    ),
    "colors_at NaN": (
        method("    def colors_at(self, points):\n        return points * np.nan\n"),
        3,
        "colors_at returned NaN or inf",
    ),
    "colors_at raises": (
        method("    def colors_at(self, points):\n        raise RuntimeError('no')\n"),
        3,
        "RuntimeError: no",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_misbehaving_material_is_a_scene_error_at_its_line(service, tmp_path, case):
    body, line, message = BROKEN[case]
    scene = tmp_path / "scene.py"
    scene.write_text(WALL + body)
    err = failure_of(service, scene)
    assert isinstance(err, SceneError)
    assert err.filename == str(tmp_path / "scene.py")
    assert err.lineno == WALL_LINES + line
    assert message in err.message


def test_an_error_in_a_sibling_module_material_names_that_module(service, tmp_path):
    (tmp_path / "paints.py").write_text(
        "from tracer import Material\n\n"
        "class Paint(Material):\n"
        "    def color_at(self, p):\n"
        "        return 1 / 0\n"
    )
    scene = tmp_path / "scene.py"
    scene.write_text(WALL + "from paints import Paint as M\n" + SHOW)
    err = failure_of(service, scene)
    assert isinstance(err, SceneError)
    assert (err.filename, err.lineno) == (str(tmp_path / "paints.py"), 5)
    assert err.message == "ZeroDivisionError: division by zero"
