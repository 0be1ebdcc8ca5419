"""tracer.render and Picture, as a notebook user meets them: the pixels and PNG of ``puray
render``, its error messages, files never overwritten unasked, a crashing scene survived."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import tracer
from tracer.output.image import HEAD_BYTES

ROOT = Path(__file__).resolve().parents[2]
TWOBALLS = ROOT / "scenes" / "twoballs.py"
SMALL = {"width": 96, "height": 54}


def cli(*args, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``puray`` in a real process, as a user would."""
    cmd = [sys.executable, "-m", "tracer.cli", *map(str, args)]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120)


def png_file(path: Path) -> tuple[np.ndarray, dict]:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB")), dict(image.text)


def without_time(text: dict) -> dict:
    return {k: v for k, v in text.items() if k != "Render seconds"}


@pytest.mark.parametrize(
    ("settings", "flags"),
    [
        ({}, []),
        ({"samples": 2, "shadows": True, "depth": 2, "seed": 3}, ["--samples", "2", "--shadows"]),
    ],
)
def test_render_gives_puray_renders_pixels_and_metadata(tmp_path, settings, flags):
    if settings:
        flags = [*flags, "--depth", "2", "--seed", "3"]
    picture = tracer.render(TWOBALLS, **SMALL, processes=2, **settings)
    out = tmp_path / "cli.png"
    assert (
        cli("render", TWOBALLS, "-o", out, "-q", "--width", 96, "--height", 54, *flags).returncode
        == 0
    )
    pixels, text = png_file(out)
    assert picture.array.shape == (54, 96, 3)
    assert picture.array.dtype == np.uint8
    assert np.array_equal(picture.array, pixels)
    saved = picture.save(tmp_path / "api.png")
    api_pixels, api_text = png_file(saved)
    assert np.array_equal(api_pixels, pixels)
    assert without_time(api_text) == without_time(text)
    assert float(api_text["Render seconds"]) > 0


def test_inline_png_is_the_picture():
    picture = tracer.render(TWOBALLS, **SMALL, processes=1)
    with Image.open(io.BytesIO(picture._repr_png_())) as image:
        assert image.format == "PNG"
        assert np.array_equal(np.asarray(image.convert("RGB")), picture.array)
        assert json.loads(image.text["Settings"])["width"] == 96
    assert repr(picture) == "<Picture 96x54 of twoballs.py>"


def test_scene_text_renders_like_the_same_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = TWOBALLS.read_text()
    from_text = tracer.render(text, **SMALL, processes=1)
    assert np.array_equal(from_text.array, tracer.render(TWOBALLS, **SMALL, processes=1).array)
    assert from_text.metadata["Scene"] == str(tmp_path / "<scene>")


BAD = """\
from tracer import *

WIDTH, HEIGHT = 64, 36
CAMERA = Vector(0, 0, -1)


def ball(x):
    return Sphere(Point(x, 0, 3), -1.0, Material(Color(1, 0, 0)))


OBJECTS = [ball(0)]
LIGHTS = []
"""


def test_a_bad_scene_raises_the_message_puray_render_prints(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("bad.py").write_text(BAD)
    with pytest.raises(tracer.SceneError) as raised:
        tracer.render("bad.py", processes=1)
    error = raised.value
    assert (error.filename, error.lineno) == ("bad.py", 8)
    printed = cli("render", "bad.py", "-o", "bad.png", cwd=tmp_path)
    assert printed.returncode == 2
    assert printed.stderr == f"puray: error: {error.details()}\n"
    assert str(error).startswith("bad.py:8: ")
    assert not (tmp_path / "bad.png").exists()


def test_a_missing_file_and_a_syntax_error_name_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(tracer.SceneError, match=r"^nope\.py: scene file not found$"):
        tracer.render("nope.py")
    with pytest.raises(tracer.SceneError, match=r"^<scene>:2: syntax error"):
        tracer.render("WIDTH = 1\nHEIGHT = = 2\n")


def test_a_scene_that_kills_its_worker_costs_an_error_not_the_caller():
    crash = "import os\nWIDTH = HEIGHT = 8\nos._exit(3)\n"
    message = r"^<scene>: the scene ended its worker process while loading \(exit code 3\)$"
    with pytest.raises(tracer.SceneError, match=message):
        tracer.render(crash, processes=1)
    assert tracer.render(TWOBALLS, **SMALL, processes=1).width == 96  # still here, still works


def test_no_worker_outlives_a_render():
    import multiprocessing

    others = set(multiprocessing.active_children())  # other tests' services
    tracer.render(TWOBALLS, **SMALL, processes=2)
    with pytest.raises(tracer.SceneError):
        tracer.render("raise ValueError('no')\n", processes=2)
    assert set(multiprocessing.active_children()) - others == set()


def test_settings_are_checked_by_name():
    with pytest.raises(TypeError, match=r"unknown setting 'sample'; the settings are: .*samples"):
        tracer.render(TWOBALLS, sample=2)
    with pytest.raises(TypeError, match="depth and max_depth are one setting"):
        tracer.render(TWOBALLS, depth=2, max_depth=3)
    with pytest.raises(ValueError, match="samples must be from 1 to 8"):
        tracer.render(TWOBALLS, samples=99)


def test_depth_is_max_depth():
    shallow = tracer.render(TWOBALLS, **SMALL, depth=0, processes=1)
    assert shallow.metadata["Settings"]["max_depth"] == 0
    deep = tracer.render(TWOBALLS, **SMALL, processes=1)
    assert not np.array_equal(shallow.array, deep.array)  # no reflections at depth 0


def test_save_never_replaces_a_file_unasked(tmp_path):
    picture = tracer.render(TWOBALLS, **SMALL, processes=1)
    target = tmp_path / "mine.png"
    target.write_bytes(b"precious")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        picture.save(target)
    assert target.read_bytes() == b"precious"
    target.chmod(0o444)
    with pytest.raises(ValueError, match="read-only"):
        picture.save(target, overwrite=True)  # as puray render without --force
    assert target.read_bytes() == b"precious"
    target.chmod(0o644)
    picture.save(target, overwrite=True)
    assert np.array_equal(png_file(target)[0], picture.array)
    with pytest.raises(ValueError, match="unknown image type"):
        picture.save(tmp_path / "x.jpg")
    assert sorted(os.listdir(tmp_path)) == ["mine.png"]  # no temporary file left


def test_a_frame_of_an_animated_scene_is_puray_render_frame(tmp_path):
    virus = ROOT / "scenes" / "coronavirus_animated.py"
    picture = tracer.render(virus, 64, 36, frame=5, processes=1)
    out = tmp_path / "cli.png"
    args = ("render", virus, "--frame", 5, "--width", 64, "--height", 36, "-q", "-o", out)
    assert cli(*args).returncode == 0
    pixels, text = png_file(out)
    assert np.array_equal(picture.array, pixels)
    _, api_text = png_file(picture.save(tmp_path / "api.png"))
    assert without_time(api_text) == without_time(text)
    assert api_text["Frame"].startswith("5 of ")


def test_the_array_is_read_only_and_the_png_head_holds_the_metadata():
    picture = tracer.render(TWOBALLS, **SMALL, processes=1)
    with pytest.raises(ValueError, match="read-only"):
        picture.array[0, 0] = 0
    head = picture.png()[:HEAD_BYTES]
    assert b"Scene SHA-256" in head


def test_import_tracer_does_not_load_the_notebook_api():
    code = textwrap.dedent(
        """
        import sys, tracer
        assert "tracer.notebook" not in sys.modules
        assert tracer.render.__module__ == "tracer.notebook.render"
        """
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
