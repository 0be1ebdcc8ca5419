"""Write to Scene never changes what a scene means: it sets the view and nothing else, keeps
comments and every other argument, refuses moving cameras and read-only files, can be undone."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

import numpy as np
import pytest

from tracer.camera.cameras import LookAtCamera
from tracer.camera.code import CameraCodeError, camera_line, replace_camera, write_camera
from tracer.kernel.render import cache, render_image
from tracer.output import atomic
from tracer.output.atomic import WriteFailed
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings

ROOT = Path(__file__).resolve().parents[2]
SCENES = ROOT / "scenes"
VIEW = ((0.5, -1.2, -3.0), (0.0, 0.1, 1.0), 45.0)
SMALL = {"width": 64, "height": 36}


def copy_scene(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes((SCENES / name).read_bytes())
    return path


def loaded_camera(path: Path):
    return cache.load(SceneSource.from_path(path), RenderSettings(**SMALL)).scene.camera


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_depth_of_field_keeps_its_lens_and_its_blur(tmp_path):
    path = copy_scene(tmp_path, "depth_of_field.py")
    before = path.read_text()
    write_camera(path, VIEW)
    # what a person would write by hand: the three view arguments changed, nothing else
    by_hand = before.replace(
        "    Point(-1.1, -1.0, -3.2),\n    look_at=THIRD,\n    fov=55,\n",
        "    Point(0.5, -1.2, -3),\n    look_at=Point(0, 0.1, 1),\n    fov=45,\n",
    )
    assert by_hand != before
    assert path.read_text() == by_hand
    camera = loaded_camera(path)
    assert isinstance(camera, LookAtCamera)
    assert (camera.aperture, camera.focus_distance) == (0.12, None)
    settings = RenderSettings(samples=2, **SMALL)
    written = render_image(SceneSource.from_path(path), settings)
    pinhole = render_image(SceneSource.from_path(path), settings.with_(camera=VIEW))
    blurred = np.count_nonzero(np.abs(written.astype(int) - pinhole).max(axis=2) > 8)
    assert blurred > 100  # the lens still blurs what is off the focus plane


def test_up_and_other_arguments_stay_and_a_missing_fov_is_added(tmp_path):
    text = (
        "from tracer import LookAtCamera as Cam, Point, Vector\n"
        "CAMERA = Cam(Point(1, 2, 3), look_at=Point(0, 0, 0), up=Vector(0, 1, 0), aperture=0.1)\n"
    )
    assert replace_camera(text, VIEW) == (
        "from tracer import LookAtCamera as Cam, Point, Vector\n"
        "CAMERA = Cam(Point(0.5, -1.2, -3), look_at=Point(0, 0.1, 1), fov=45, "
        "up=Vector(0, 1, 0), aperture=0.1)\n"
    )
    positional = "import tracer\nCAMERA = tracer.LookAtCamera(A, B, 30, U, 0.2, 4)\n"
    assert replace_camera(positional, VIEW) == (
        "import tracer\nfrom tracer import Point\n"
        "CAMERA = tracer.LookAtCamera(Point(0.5, -1.2, -3), Point(0, 0.1, 1), 45, U, 0.2, 4)\n"
    )


@pytest.mark.parametrize("call", ["LookAtCamera(*ARGS)", "LookAtCamera(P, Q, **LENS)"])
def test_arguments_it_cannot_see_are_refused(call):
    with pytest.raises(CameraCodeError, match=r"\*args or \*\*kwargs"):
        replace_camera(f"from tracer import *\nCAMERA = {call}\n", VIEW)


def test_a_camera_that_moves_with_t_is_refused(tmp_path):
    path = copy_scene(tmp_path, "showcase_orbit.py")
    before = path.read_bytes()
    with pytest.raises(CameraCodeError) as refused:
        write_camera(path, VIEW)
    line = before.decode().splitlines().index("CAMERA = LookAtCamera(") + 1
    assert str(refused.value).startswith(
        f"CAMERA on line {line} depends on T (through angle, height): it moves from frame to frame"
    )
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("scene", "reason"),
    [
        ("CAMERA = LookAtCamera(Point(FRAME, 0, -3), Point(0, 0, 0))\n", "depends on FRAME:"),
        (
            "def eye():\n    return Point(T, 0, -3)\nCAMERA = LookAtCamera(eye(), O)\n",
            "(through eye)",
        ),
        ("if FRAME > 2:\n    Z = -4\nelse:\n    Z = -3\nCAMERA = Vector(0, 0, Z)\n", "(through Z)"),
    ],
)
def test_time_reaches_the_camera_in_any_way(scene, reason):
    with pytest.raises(CameraCodeError, match=re.escape(reason)):
        replace_camera("from tracer import *\n" + scene, VIEW)


def test_a_fixed_camera_in_an_animated_scene_may_be_written(tmp_path):
    path = copy_scene(tmp_path, "coronavirus_animated.py")
    write_camera(path, VIEW)
    assert "CAMERA = LookAtCamera(Point(0.5, -1.2, -3), look_at=Point(0, 0.1, 1), fov=45)" in (
        path.read_text()
    )


def test_comments_inside_the_camera_survive():
    text = (
        "from tracer import LookAtCamera, Point\n"
        "CAMERA = LookAtCamera(\n"
        "    Point(0, 0, -3),  # eye\n"
        "    Point(0, 0, 0),  # target: the ball\n"
        "    fov=50,  # wide\n"
        ")  # the end\n"
    )
    assert replace_camera(text, VIEW) == (
        "from tracer import LookAtCamera, Point\n"
        "CAMERA = LookAtCamera(\n"
        "    Point(0.5, -1.2, -3),  # eye\n"
        "    Point(0, 0.1, 1),  # target: the ball\n"
        "    fov=45,  # wide\n"
        ")  # the end\n"
    )
    puray = "from tracer import *\nCAMERA = Vector(\n    0,  # x\n    -0.35, -1)  # eye\n"
    assert replace_camera(puray, VIEW) == (
        f"from tracer import *\n# x\n{camera_line(VIEW)}  # eye\n"  # none is lost
    )


def test_columns_are_characters_not_bytes():
    """ast columns count UTF-8 bytes: é and ✓ before (or in) the camera must not shift it."""
    text = (
        'from tracer import *\nTITLE = "Café ✓ Ünïcödé"; CAMERA = Vector(0, -0.35, -1)  # é\n'
        "X = 1\n"
    )
    assert replace_camera(text, VIEW) == (
        f'from tracer import *\nTITLE = "Café ✓ Ünïcödé"; {camera_line(VIEW)}  # é\nX = 1\n'
    )
    named = (
        "from tracer import *\nÉTOILE = Point(0, 0, 1); CAMERA = LookAtCamera(O, ÉTOILE, fov=9)\n"
    )
    assert replace_camera(named, VIEW) == (
        "from tracer import *\nÉTOILE = Point(0, 0, 1); "
        "CAMERA = LookAtCamera(Point(0.5, -1.2, -3), Point(0, 0.1, 1), fov=45)\n"
    )


def test_a_non_ascii_scene_file_stays_readable(tmp_path):
    path = tmp_path / "scene.py"
    path.write_text(
        (SCENES / "twoballs.py")
        .read_text()
        .replace("CAMERA = Vector", 'NOTE = "Ça marche ✓"; CAMERA = Vector')
    )
    write_camera(path, VIEW)
    text = path.read_text(encoding="utf-8")
    assert f'NOTE = "Ça marche ✓"; {camera_line(VIEW)}\n' in text
    assert isinstance(loaded_camera(path), LookAtCamera)


@pytest.mark.parametrize(
    "local",
    ["class Settings:\n    CAMERA = 5\n", "def make():\n    CAMERA = 5\n    return CAMERA\n"],
)
def test_a_camera_name_in_a_class_or_function_is_not_the_scene_s(local):
    text = f"from tracer import *\n{local}CAMERA = Vector(0, 0, -1)\n"
    assert replace_camera(text, VIEW) == f"from tracer import *\n{local}{camera_line(VIEW)}\n"


def test_a_read_only_scene_is_refused_with_a_clear_message(tmp_path):
    path = copy_scene(tmp_path, "twoballs.py")
    path.chmod(0o444)
    before = path.read_bytes()
    with pytest.raises(CameraCodeError) as refused:
        write_camera(path, VIEW)
    assert str(refused.value) == f"{path} is read-only: make it writable first"
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_failed_camera_write_leaves_the_scene_and_no_temporary_file(tmp_path, monkeypatch):
    path = copy_scene(tmp_path, "twoballs.py")
    before = path.read_bytes()

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(WriteFailed) as failed:
        write_camera(path, VIEW)
    assert str(failed.value).startswith(f"cannot write {path}: No space left on device")
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_undo_puts_the_exact_bytes_back(tmp_path):
    path = tmp_path / "scene.py"
    raw = b"\xef\xbb\xbf" + (SCENES / "twoballs.py").read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(raw)
    path.chmod(0o604)
    edit = write_camera(path, VIEW)
    assert path.read_bytes() != raw
    assert edit.still_current()
    edit.undo()
    assert path.read_bytes() == raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o604


def test_undo_refuses_once_the_file_changed(tmp_path):
    path = copy_scene(tmp_path, "twoballs.py")
    edit = write_camera(path, VIEW)
    path.write_text(path.read_text() + "# edited by hand afterwards\n")
    edited = path.read_bytes()
    assert not edit.still_current()
    with pytest.raises(CameraCodeError, match="changed since the camera was written"):
        edit.undo()
    assert path.read_bytes() == edited
    assert os.listdir(tmp_path) == ["twoballs.py"]
