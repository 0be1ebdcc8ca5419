"""A scene taken by snapshot (a second worker's copy) still names its own file in errors."""

from __future__ import annotations

import pytest

from tracer.errors import SceneError
from tracer.kernel import render
from tracer.scene.source import SceneSource
from tracer.settings import RenderSettings

SCENE = """\
from tracer import Color, Light, LookAtCamera, Material, Point, Sphere

WIDTH = 32
HEIGHT = 24
CAMERA = LookAtCamera(Point(0, 0, -4), look_at=Point(0, 0, 0), fov=40)


class Flaky(Material):
    def color_at(self, position):
        raise ValueError("no colour here")


OBJECTS = [Sphere(Point(0, 0, 0), 1.0, Flaky(Color(1, 1, 1)))]
LIGHTS = [Light(Point(-3, -3, -5), Color(1, 1, 1))]
"""


def test_an_error_in_a_snapshot_copy_names_the_scene_file_and_line(tmp_path):
    path = tmp_path / "flaky.py"
    path.write_text(SCENE)
    source = SceneSource.from_path(path)
    loaded = render.load(source, RenderSettings())
    copy = render.restore(render.snapshot(loaded, source))  # what another worker renders
    with pytest.raises(SceneError) as caught:
        render.render_block(copy, RenderSettings(), 0, 24)
    line = SCENE.splitlines().index('        raise ValueError("no colour here")') + 1
    assert f"flaky.py:{line}" in str(caught.value)
