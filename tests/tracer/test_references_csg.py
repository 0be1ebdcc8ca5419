"""CSG seen from inside its bounds: a room cut out of a block (a Difference) looks exactly like
the same room built from six plain boxes, with shadows and reflections, from a camera inside."""

from __future__ import annotations

import numpy as np
import pytest

from tests.tracer.solid_helpers import differing, is_picture
from tracer import RenderSettings, SceneSource
from tracer.kernel.render import load, render_rows

HEAD = """\
from tracer import *
WIDTH, HEIGHT = 120, 90
CAMERA = LookAtCamera(Point(0.4, -0.3, -1.6), look_at=Point(-0.2, 0.4, 1.0), fov=80)
WALL = Material(Color(0.6, 0.55, 0.45), ambient=0.05, diffuse=0.7, specular=0.3, reflection=0.15)
BALL = Material(Color(0.8, 0.2, 0.1), reflection=0.4)
LIGHTS = [
    Light(Point(0.8, -1.8, -0.5), Color(0.6, 0.6, 0.6)),
    Light(Point(-1.5, -1.5, 1.5), Color(0.3, 0.3, 0.4)),
]
"""
#: The room: inside [-2.5, 2.5] x [-2.5, 2] x [-2.5, 2.5] (y down: the floor at y = 2), walls
#: 0.5 thick, a ball on the floor; one block with the room cut out of it...
CSG_ROOM = (
    HEAD
    + """\
OBJECTS = [
    Difference(
        Box(Point(-3, -3, -3), Point(3, 2.5, 3), WALL),
        Box(Point(-2.5, -2.5, -2.5), Point(2.5, 2, 2.5), WALL),
    ),
    Sphere(Point(-0.4, 1.4, 0.8), 0.6, BALL),
]
"""
)
#: ...or six boxes: the floor slab under the room, the ceiling, four walls.
BOX_ROOM = (
    HEAD
    + """\
OBJECTS = [
    Box(Point(-3, 2, -3), Point(3, 2.5, 3), WALL),
    Box(Point(-3, -3, -3), Point(3, -2.5, 3), WALL),
    Box(Point(-3, -2.5, -3), Point(-2.5, 2, 3), WALL),
    Box(Point(2.5, -2.5, -3), Point(3, 2, 3), WALL),
    Box(Point(-2.5, -2.5, -3), Point(2.5, 2, -2.5), WALL),
    Box(Point(-2.5, -2.5, 2.5), Point(2.5, 2, 3), WALL),
    Sphere(Point(-0.4, 1.4, 0.8), 0.6, BALL),
]
"""
)


def render(tmp_path, text: str, name: str, settings: RenderSettings) -> np.ndarray:
    path = tmp_path / name
    path.write_text(text)
    loaded = load(SceneSource.from_path(path), settings)
    return render_rows(loaded, settings, 0, loaded.scene.height)


@pytest.mark.parametrize("shadows", [False, True], ids=["no-shadows", "shadows"])
def test_a_room_cut_from_a_block_looks_like_the_room_built_of_boxes(tmp_path, shadows):
    # Every camera, reflected and shadow ray starts inside the Difference's bounds.
    settings = RenderSettings(shadows=shadows)
    csg = render(tmp_path, CSG_ROOM, "csg.py", settings)
    boxes = render(tmp_path, BOX_ROOM, "boxes.py", settings)
    assert is_picture(csg)
    # Where two inner faces meet, a ray may take either face: a hair of pixels.
    assert differing(csg, boxes, tolerance=0) <= csg.shape[0] * csg.shape[1] // 500
    assert differing(csg, boxes, tolerance=2) <= csg.shape[0] * csg.shape[1] // 1000


def test_the_room_is_lit_and_closed(tmp_path):
    # Every camera ray hits a wall, the floor or the ball: no black sky inside a closed room.
    csg = render(tmp_path, CSG_ROOM, "csg.py", RenderSettings(shadows=True))
    assert (csg.sum(axis=2) > 0).all()
    shadowed = render(tmp_path, CSG_ROOM, "c2.py", RenderSettings())
    assert differing(csg, shadowed, tolerance=8) > 200  # the ball casts a shadow
