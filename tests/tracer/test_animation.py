"""Animated scenes load frame by frame: FRAME and T in their globals, FRAMES and FPS read."""

from __future__ import annotations

import re
import textwrap

import numpy as np
import pytest

from tests.tracer.helpers import PURAY_HEADER, write_scene
from tracer import RenderSettings, SceneError, SceneSource, load_scene
from tracer.errors import WorkerDied
from tracer.kernel.render import render_image, scene_key
from tracer.scene import frames as frames_module
from tracer.scene.frames import in_frame, parse_range

#: A ball that crosses the picture from left to right over the animation.
MOVING = PURAY_HEADER + textwrap.dedent(
    """
    import random

    FRAMES = {frames}
    FPS = 12
    WIDTH, HEIGHT = 64, 36
    CAMERA = Vector(0, 0, -1)
    assert type(FRAME) is int and type(T) is float and 0 <= T < 1, (FRAME, T)
    RADIUS = 0.2 + 0.2 * random.random()  # drawn alike in every frame
    OBJECTS = [Sphere(Point(-0.8 + 1.6 * T, 0, 1), RADIUS, Material(Color(1, 0, 0)))]
    LIGHTS = [Light(Point(1.5, -0.5, -10), Color(1, 1, 1))]
    """
)


@pytest.fixture(autouse=True)
def _fresh_memory():
    """Each test starts as a fresh worker would: no FRAMES remembered."""
    frames_module._seen.clear()
    yield
    frames_module._seen.clear()


def moving(tmp_path, frames: str = "5") -> SceneSource:
    return SceneSource.from_path(write_scene(tmp_path, "moving.py", MOVING.format(frames=frames)))


@pytest.mark.parametrize("frames", ["5", "2 + 3", "int('5')"], ids=["literal", "sum", "call"])
def test_frame_k_sees_t_equal_k_over_frames_whatever_way_frames_is_written(tmp_path, frames):
    source = moving(tmp_path, frames)
    for k in (3, 0, 4, 1):  # out of order, first one past frame 0: T must already be right
        frames_module._seen.clear()
        scene = load_scene(source, frame=k)
        assert (scene.frame, scene.frames, scene.fps) == (k, 5, 12.0)
        assert scene.objects[0].center.x == pytest.approx(-0.8 + 1.6 * k / 5)


def test_every_frame_is_seeded_alike(tmp_path):
    source = moving(tmp_path)
    radii = {load_scene(source, frame=k).objects[0].radius for k in range(5)}
    assert len(radii) == 1  # the random layout stays put while the ball moves
    images = [render_image(source, RenderSettings(frame=k)) for k in range(5)]
    assert all(not np.array_equal(images[0], im) for im in images[1:])
    again = render_image(source, RenderSettings(frame=3))
    np.testing.assert_array_equal(again, images[3])


def test_the_cache_keeps_frames_apart(tmp_path):
    source = moving(tmp_path)
    keys = {scene_key(source, RenderSettings(frame=k)) for k in range(5)}
    assert len(keys) == 5


def test_a_still_scene_is_frame_0_of_1(scenes_dir):
    scene = load_scene(SceneSource.from_path(scenes_dir / "twoballs.py"))
    assert (scene.frame, scene.frames, scene.fps) == (0, 1, 24.0)


def test_frame_past_the_end_names_the_frames_line(tmp_path):
    source = moving(tmp_path)
    with pytest.raises(SceneError) as err:
        load_scene(source, frame=5)
    assert err.value.lineno == MOVING.splitlines().index("FRAMES = {frames}") + 1
    assert "there is no frame 5: FRAMES is 5 (frames 0 to 4)" in err.value.message


def test_a_still_has_no_frame_1(scenes_dir):
    with pytest.raises(SceneError, match="the scene is a still"):
        load_scene(SceneSource.from_path(scenes_dir / "twoballs.py"), frame=1)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("FRAMES = 0", "FRAMES must be a whole number from 1 to 100000, got 0"),
        ("FRAMES = 2.5", "FRAMES must be a whole number from 1 to 100000, got 2.5"),
        ("FRAMES = 3\nFPS = 0", "FPS must be from 0.1 to 1000 frames per second, got 0"),
        ("FRAMES = 3\nFPS = 1e-05", "FPS must be from 0.1 to 1000 frames per second, got 1e-05"),
        ("FRAMES = 3\nFPS = 'fast'", "FPS must be from 0.1 to 1000 frames per second, got 'fast'"),
    ],
)
def test_bad_frames_or_fps_names_its_line(tmp_path, line, message):
    body = MOVING.replace("FRAMES = {frames}\nFPS = 12", line).format()
    path = write_scene(tmp_path, "bad.py", body)
    with pytest.raises(SceneError) as err:
        load_scene(SceneSource.from_path(path))
    assert err.value.message == message
    name = "FPS" if "FPS" in message else "FRAMES"
    assert body.splitlines()[err.value.lineno - 1].startswith(name)


def test_frames_that_depend_on_the_frame_are_refused(tmp_path):
    source = moving(tmp_path, "4 + FRAME")
    load_scene(source, frame=0)
    with pytest.raises(SceneError, match="FRAMES must not depend on FRAME or T"):
        load_scene(source, frame=2)


def test_parse_range():
    assert parse_range(":", 48) == range(48)
    assert parse_range("10:20", 48) == range(10, 20)
    assert parse_range("40:", 48) == range(40, 48)
    assert parse_range(":3", 48) == range(3)
    for bad, message in [
        ("5", "expected A:B"),
        ("a:b", "whole numbers"),
        ("5:5", "selects no frames"),
        ("0:49", "goes past the end; the scene has 48 frames (0 to 47)"),
    ]:
        with pytest.raises(ValueError, match=re.escape(message)):
            parse_range(bad, 48)


def test_errors_say_which_frame():
    error = in_frame(SceneError("ZeroDivisionError: division by zero", "s.py", 7), 17, 48)
    assert str(error) == "s.py:7: frame 17 of 48: ZeroDivisionError: division by zero"
    assert in_frame(error, 17, 48) is error  # not twice
    died = in_frame(WorkerDied("a render worker died"), 3, 4)
    assert isinstance(died, WorkerDied)
    assert str(died) == "frame 3 of 4: a render worker died"
