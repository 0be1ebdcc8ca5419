"""Camera views as code: the CAMERA line, write-back byte for byte, refusals, same picture."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import numpy as np
import pytest

from tracer.camera.code import (
    CameraCodeError,
    camera_line,
    replace_camera,
    rounded,
    write_camera,
)
from tracer.camera.view import camera_from, check_view, view_of
from tracer.kernel.render import render_image
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings

ROOT = Path(__file__).resolve().parents[2]
TWOBALLS = (ROOT / "scenes" / "twoballs.py").read_text()
VIEW = ((0.8, -1.2, -2.5), (0.0, 0.0, 1.0), 50.0)


def small_twoballs(width: int = 64, height: int = 36) -> str:
    text = re.sub(r"^WIDTH = \d+", f"WIDTH = {width}", TWOBALLS, flags=re.M)
    return re.sub(r"^HEIGHT = \d+", f"HEIGHT = {height}", text, flags=re.M)


def render(path: Path, **settings) -> np.ndarray:
    return render_image(SceneSource.from_path(path), RenderSettings(**settings))


def test_camera_line_rounds_to_four_significant_digits():
    view = ((1.234567, -0.0000012345, -3.0), (0.0, -0.0, 12345.6), 53.130102)
    assert camera_line(view) == (
        "CAMERA = LookAtCamera(Point(1.235, -1.234e-06, -3), Point(0, 0, 1.235e+04), fov=53.13)"
    )
    assert rounded(view) == ((1.235, -1.234e-06, -3.0), (0.0, 0.0, 12350.0), 53.13)


def test_write_back_keeps_every_other_byte(tmp_path):
    """A BOM, CRLF line ends, comments and odd spacing all survive; only CAMERA changes."""
    text = small_twoballs().replace(
        "CAMERA = Vector(0, -0.35, -1)", "CAMERA  =  Vector(\n    0, -0.35, -1)  # the eye"
    )
    raw = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    path = tmp_path / "scene.py"
    path.write_bytes(raw)
    write_camera(path, VIEW)
    new = path.read_bytes()
    line = camera_line(VIEW).encode()
    old_camera = b"CAMERA  =  Vector(\r\n    0, -0.35, -1)"
    before, after = raw.split(old_camera)
    # the import goes after the last import, in the file's own line ends
    imported = before.replace(
        b"from vector import Vector\r\n",
        b"from vector import Vector\r\nfrom tracer import LookAtCamera\r\n",
    )
    assert new == imported + line + after
    assert new.startswith(b"\xef\xbb\xbf")
    assert b"  # the eye\r\n" in new


def test_write_back_extends_an_existing_tracer_import(tmp_path):
    path = tmp_path / "scene.py"
    path.write_text(
        "from tracer import (\n    Color,\n    Light,\n)\nfrom point import Point\n"
        "WIDTH, HEIGHT = 8, 8\nCAMERA = Color(0, 0, -1)  # not a camera yet\n"
        "OBJECTS = []\nLIGHTS = [Light(Point(0, 0, -1), Color(1, 1, 1))]\n"
    )
    write_camera(path, VIEW)
    assert path.read_text() == (
        "from tracer import (\n    Color,\n    Light, LookAtCamera,\n)\nfrom point import Point\n"
        f"WIDTH, HEIGHT = 8, 8\n{camera_line(VIEW)}  # not a camera yet\n"
        "OBJECTS = []\nLIGHTS = [Light(Point(0, 0, -1), Color(1, 1, 1))]\n"
    )


def test_write_back_leaves_imports_that_exist_alone():
    text = "from tracer import *\nCAMERA = None\nX = 1\n"
    assert replace_camera(text, VIEW) == f"from tracer import *\n{camera_line(VIEW)}\nX = 1\n"
    text = "CAMERA = 1; X = 2\n"  # no imports at all: the import goes before the camera
    assert (
        replace_camera(text, VIEW)
        == f"from tracer import LookAtCamera, Point\n{camera_line(VIEW)}; X = 2\n"
    )


@pytest.mark.parametrize(
    ("scene", "reason"),
    [
        ("import os\nif os.name:\n    CAMERA = 1\n", "inside a block"),
        ("CAMERA, OTHER = 1, 2\n", "together with other names"),
        ("A = CAMERA = 1\n", "together with other names"),
        ("CAMERA = 1\nCAMERA += 1\n", "set 2 times (lines 1, 2)"),
        ("CAMERA = 1\nCAMERA = 2\n", "set 2 times"),
        ("from common import CAMERA\n", "imported"),
        ("CAMERA: object = 1\n", "annotated"),
        ("def f():\n    global CAMERA\n    CAMERA = 2\nCAMERA = 1\n", "set 3 times"),
        ("X = 1\n", "no CAMERA assignment"),
        ("CAMERA = (\n", "does not parse"),
    ],
)
def test_refuses_what_it_cannot_rewrite_and_writes_nothing(tmp_path, scene, reason):
    path = tmp_path / "scene.py"
    path.write_bytes(scene.encode())
    with pytest.raises(CameraCodeError, match=re.escape(reason)):
        write_camera(path, VIEW)
    assert path.read_bytes() == scene.encode()
    assert os.listdir(tmp_path) == ["scene.py"]  # no temporary file left behind


def test_write_back_keeps_permissions(tmp_path):
    path = tmp_path / "scene.py"
    path.write_text(small_twoballs())
    path.chmod(0o640)
    write_camera(path, VIEW)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_written_scene_renders_the_override_picture(tmp_path):
    """The override renders with the rounded numbers the file gets: the same pixels."""
    path = tmp_path / "scene.py"
    path.write_text(small_twoballs())
    view = rounded(((0.91234, -1.3456, -2.2222), (0.1, 0.05, 1.0), 48.888))
    override = render(path, camera=view)
    write_camera(path, view)
    assert np.array_equal(render(path), override)


def test_no_override_keeps_the_scene_camera(tmp_path):
    path = tmp_path / "scene.py"
    path.write_text(small_twoballs())
    plain = render(path)
    moved = render(path, camera=VIEW)
    assert np.array_equal(render(path, camera=None), plain)
    assert np.count_nonzero((moved != plain).any(axis=2)) > 100  # the override is used


def test_puray_camera_on_axis_maps_to_nearly_the_same_picture(tmp_path):
    """On the z axis the LookAtCamera view is Puray's projection: pixels equal up to rounding."""
    path = tmp_path / "scene.py"
    path.write_text(small_twoballs().replace("Vector(0, -0.35, -1)", "Vector(0, 0, -1.5)"))
    source = SceneSource.from_path(path)
    from tracer.kernel.render import cache

    loaded = cache.load(source, RenderSettings())
    kind, view = view_of(loaded.scene.camera, loaded.kernel.first_hit)
    assert kind == "PurayCamera"
    assert view[1] == (0.0, 0.0, 0.0)  # the centre ray passes between the balls
    assert view[2] == pytest.approx(2 * np.degrees(np.arctan(1 / 1.5)))
    exact, mapped = render(path), render(path, camera=view)
    assert np.abs(exact.astype(int) - mapped).max() <= 1


def test_look_at_camera_view_is_its_own_numbers():
    camera = camera_from(VIEW)
    assert view_of(camera) == ("LookAtCamera", VIEW)


@pytest.mark.parametrize(
    "bad",
    [
        ((0, 0, 0), (0, 0, 0), 50),
        ((0, 0, 0), (0, 1, 0), 50),
        ((0, 0, 0), (0, 0, 1), 180),
        ((0, 0, float("nan")), (0, 0, 1), 50),
        ((0, 0), (0, 0, 1), 50),
        "camera",
    ],
)
def test_settings_refuse_bad_camera_numbers(bad):
    with pytest.raises(ValueError, match="camera"):
        check_view(bad)
    with pytest.raises(ValueError, match="camera"):
        RenderSettings(camera=bad)


def test_job_started_carries_the_scene_camera(tmp_path):
    """The window learns the scene's camera as plain numbers, without running scene code."""
    from tests.tracer.helpers import collect
    from tracer.workers.service import JobStarted, RenderService

    path = tmp_path / "scene.py"
    path.write_text(small_twoballs(8, 4))
    with RenderService(processes=1) as service:
        job = service.submit(SceneSource.from_path(path), RenderSettings(camera=VIEW))
        _frame, events = collect(service, job)
    started = next(e for e in events if isinstance(e, JobStarted))
    kind, (position, look_at, fov) = started.camera
    assert kind == "PurayCamera"  # the scene's own camera, not the override
    assert position == (0.0, -0.35, -1.0)
    # the pivot: where the centre ray (through the origin) meets the floor, y = 0.5
    assert look_at[0] == 0.0
    assert look_at[1] == pytest.approx(0.5, abs=1e-3)
    assert look_at[2] == pytest.approx(-1 + 0.85 / 0.35, abs=1e-2)
    assert fov == pytest.approx(2 * np.degrees(np.arctan(1 / np.hypot(0.35, 1))))
