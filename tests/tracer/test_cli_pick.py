"""``puray pick``: one pixel's path as text (every object as FILE:LINE) or JSON; clean errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tests.tracer.helpers import PURAY_HEADER, pink_in_blue, write_scene
from tracer import RenderSettings, SceneSource
from tracer.cli.main import main
from tracer.cli.pick import triple
from tracer.kernel.render import render_image
from tracer.workers.service import RenderService

ROOT = Path(__file__).resolve().parents[2]
TWOBALLS = ROOT / "scenes" / "twoballs.py"
SMALL = ["--width", "160", "--height", "90"]


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=1) as svc:
        yield svc


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def rendered(x: int, y: int, **settings) -> tuple[int, int, int]:
    image = render_image(SceneSource.from_path(TWOBALLS), RenderSettings(**settings))
    r, g, b = (int(v) for v in image[y, x])
    return r, g, b


def test_pick_prints_the_path_through_the_blue_ball_to_the_pink_one():
    x, y = pink_in_blue(160, 90)
    cmd = [sys.executable, "-m", "tracer.cli", "pick", "scenes/twoballs.py", str(x), str(y)]
    result = subprocess.run([*cmd, *SMALL], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    r, g, b = rendered(x, y, width=160, height=90)
    assert lines[0] == (
        f"scenes/twoballs.py pixel ({x}, {y}) of 160x90: RGB {r}, {g}, {b}  #{r:02x}{g:02x}{b:02x}"
    )
    blue, pink = line_of(TWOBALLS, "# Blue ball") + 1, line_of(TWOBALLS, "# Pink ball") + 1
    assert lines[1].startswith(f"[0] camera ray hits Sphere scenes/twoballs.py:{blue} (OBJECTS[1])")
    material = f"[0]   material Material scenes/twoballs.py:{blue}: ambient 0.05, diffuse 1"
    assert any(line.startswith(material) for line in lines)
    hits = [line for line in lines if " ray from [0] hits" in line]
    assert len(hits) == 1
    assert hits[0].startswith(f"[1] reflection ray from [0] hits Sphere scenes/twoballs.py:{pink}")
    light = line_of(TWOBALLS, "Light(Point(1.5")
    assert any(
        line.startswith(f"[1]   light 0 Light scenes/twoballs.py:{light}: ") for line in lines
    )
    assert any(line.startswith("[0]   + 0.5 x reflection [1] (") for line in lines)
    assert lines[-1].endswith(f"= {r}, {g}, {b}")


def test_pick_json_is_the_whole_pick(service, capsys):
    assert main(["pick", str(TWOBALLS), "40", "30", *SMALL, "--json", "--shadows"], service) == 0
    data = json.loads(capsys.readouterr().out)
    assert tuple(data["rgb"]) == rendered(40, 30, width=160, height=90, shadows=True)
    assert (data["x"], data["y"], data["width"], data["height"]) == (40, 30, 160, 90)
    assert data["settings"]["shadows"] is True
    first = data["bounces"][0]
    assert first["object"]["file"] == str(TWOBALLS)
    assert {term["shadowed"] for term in first["lights"]} <= {True, False}


def test_pick_names_files_as_typed_or_relative(service, capsys, tmp_path, monkeypatch):
    materials = write_scene(
        tmp_path,
        "looks.py",
        "from tracer import Color, Material\nRED = Material(Color(1, 0, 0))\n",
    )
    body = PURAY_HEADER + textwrap.dedent(
        """
        from looks import RED

        WIDTH, HEIGHT = 32, 18
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 2), 0.9, RED)]
        LIGHTS = [Light(Point(1.5, -0.5, -10))]
        """
    )
    scene = write_scene(tmp_path, "ball.py", body)
    monkeypatch.chdir(tmp_path.parent)
    typed = os.path.join(".", tmp_path.name, "ball.py")
    assert main(["pick", typed, "16", "9"], service) == 0
    out = capsys.readouterr().out
    assert f"hits Sphere {typed}:{line_of(scene, 'OBJECTS = [')} (OBJECTS[0])" in out
    assert f"material Material {os.path.join(tmp_path.name, 'looks.py')}:2: " in out
    assert materials.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["500", "5", *SMALL], "scenes/twoballs.py: pixel (500, 5) is outside the 160x90 frame"),
        (["-1", "5", *SMALL], "scenes/twoballs.py: pixel (-1, 5) is outside the 160x90 frame"),
        (["1", "1", "--depth", "99"], "--depth must be from 0 to 10, got 99"),
        (["x", "1"], "argument X: invalid int value: 'x'"),
    ],
)
def test_pick_refuses_bad_input_in_one_line(service, capsys, monkeypatch, args, message):
    monkeypatch.chdir(ROOT)
    assert main(["pick", "scenes/twoballs.py", *args], service) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_pick_in_a_broken_scene_names_its_line(service, capsys, tmp_path):
    body = PURAY_HEADER + textwrap.dedent(
        """
        class Broken(Material):
            def color_at(self, position):
                return None

        WIDTH, HEIGHT = 32, 18
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 2), 0.9, Broken())]
        LIGHTS = [Light(Point(1.5, -0.5, -10))]
        """
    )
    path = write_scene(tmp_path, "broken.py", body)
    assert main(["pick", str(path), "16", "9"], service) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"puray: error: {path}:10: color_at must return a Color")
    assert main(["pick", str(tmp_path / "gone.py"), "1", "1"], service) == 2
    assert f"{tmp_path / 'gone.py'}: scene file not found" in capsys.readouterr().err


#: A red ball crossing the picture in 5 frames, in front of a blue wall.
CROSSING = PURAY_HEADER + textwrap.dedent(
    """
    from tracer import Plane
    FRAMES = 5
    WIDTH, HEIGHT = 50, 20
    CAMERA = Vector(0, 0, -1)
    OBJECTS = [
        Sphere(Point(-1.6 + 0.8 * FRAME, 0, 2), 0.3, Material(Color(1, 0, 0))),
        Plane(Point(0, 0, 4), Vector(0, 0, -1), Material(Color(0, 0, 1))),
    ]
    LIGHTS = [Light(Point(0, 0, -10))]
    """
)


@pytest.mark.parametrize("frame", [0, 4])
def test_pick_frame_k_traces_that_frame_of_an_animation(service, tmp_path, capsys, frame):
    scene = write_scene(tmp_path, "crossing.py", CROSSING)
    source = SceneSource.from_path(scene)
    image = render_image(source, RenderSettings(frame=frame))
    other = render_image(source, RenderSettings(frame=4 - frame))
    reds = np.argwhere((image[:, :, 0] > 100) & (other[:, :, 0] < 50))  # the ball, here only
    y, x = (int(v) for v in reds[len(reds) // 2])
    assert main(["pick", str(scene), str(x), str(y), "--frame", str(frame)], service) == 0
    lines = capsys.readouterr().out.splitlines()
    r, g, b = (int(v) for v in image[y, x])
    where = f" in frame {frame}" if frame else ""
    assert lines[0].startswith(f"{scene} pixel ({x}, {y}){where} of 50x20: RGB {r}, {g}, {b}")
    assert lines[1].startswith(f"[0] camera ray hits Sphere {scene}:")


def test_pick_frame_past_the_end_names_the_frames_line(service, tmp_path, capsys):
    scene = write_scene(tmp_path, "crossing.py", CROSSING)
    assert main(["pick", str(scene), "1", "1", "--frame", "5"], service) == 2
    line = line_of(scene, "FRAMES = 5")
    assert capsys.readouterr().err == (
        f"puray: error: {scene}:{line}: there is no frame 5: FRAMES is 5 (frames 0 to 4)\n"
    )


#: A mirror ball under a sky: rays that miss see BACKGROUND, straight or in the mirror.
SKY_SCENE = """\
from tracer import *
WIDTH, HEIGHT = 64, 36
CAMERA = LookAtCamera(Point(0, 0, -3), look_at=Point(0, 0, 0), fov=50)
OBJECTS = [Sphere(Point(0, 0, 0), 0.8, Material(Color(0.8, 0.2, 0.1), reflection=0.5))]
LIGHTS = [Light(Point(-2, -4, -3))]
{background}
"""
ZENITH, HORIZON = (0.1, 0.3, 0.7), (0.9, 0.8, 0.6)


def sky_seen(direction) -> tuple[float, float, float]:
    """Return the Sky's colour along a unit direction, by its documented blend (y grows down)."""
    up = min(1.0, max(0.0, -direction[1]))
    return tuple(h + (z - h) * up for z, h in zip(ZENITH, HORIZON, strict=True))


def pick_lines(service, capsys, path: Path, x: int, y: int) -> tuple[list[str], dict]:
    assert main(["pick", str(path), str(x), str(y)], service) == 0
    lines = capsys.readouterr().out.splitlines()
    assert main(["pick", str(path), str(x), str(y), "--json"], service) == 0
    return lines, json.loads(capsys.readouterr().out)


def test_a_ray_that_misses_names_the_sky_it_sees_and_its_colour(service, capsys, tmp_path):
    sky = f"BACKGROUND = Sky(zenith=Color{ZENITH}, horizon=Color{HORIZON})"
    path = write_scene(tmp_path, "sky.py", SKY_SCENE.format(background=sky))
    at = f"BACKGROUND = Sky {path}:{line_of(path, 'BACKGROUND')}"
    lines, data = pick_lines(service, capsys, path, 2, 2)  # the corner: sky only
    (camera,) = data["bounces"]
    seen = sky_seen(camera["direction"])
    assert camera["color"] == pytest.approx(seen, abs=1e-12)
    assert lines[1] == f"[0] camera ray hits nothing: sees the background {triple(seen)} of {at}"
    assert "black" not in "\n".join(lines)
    assert tuple(data["rgb"]) == tuple(round(255 * c) for c in seen)


def test_a_reflection_of_the_sky_adds_its_colour_and_the_sum_is_the_pixel(
    service, capsys, tmp_path
):
    sky = f"BACKGROUND = Sky(zenith=Color{ZENITH}, horizon=Color{HORIZON})"
    path = write_scene(tmp_path, "sky.py", SKY_SCENE.format(background=sky))
    lines, data = pick_lines(service, capsys, path, 32, 12)  # the ball's top: it mirrors the sky
    hit, mirrored = data["bounces"]
    assert mirrored["object"] is None
    seen = sky_seen(mirrored["direction"])
    assert mirrored["color"] == pytest.approx(seen, abs=1e-12)
    assert f"[0]   + 0.5 x reflection [1] {triple(seen)}" in lines
    assert lines[-2] == (
        f"[1] reflection ray from [0] hits nothing: sees the background {triple(seen)} "
        f"of BACKGROUND = Sky {path}:{line_of(path, 'BACKGROUND')}"
    )
    total = [local + 0.5 * s for local, s in zip(hit["local"], seen, strict=True)]
    assert hit["color"] == pytest.approx(total, abs=1e-12)
    assert f"[0]   = {triple(total)}" in lines
    rendered_rgb = render_image(SceneSource.from_path(path), RenderSettings())[12, 32]
    assert tuple(data["rgb"]) == tuple(int(v) for v in rendered_rgb)
    assert tuple(data["rgb"]) == tuple(min(255, round(255 * c)) for c in total)


@pytest.mark.parametrize(
    ("background", "seen"),
    [
        (
            "BACKGROUND = Color(0.25, 0.5, 0.75)",
            "sees the background (0.25, 0.5, 0.75) of BACKGROUND = Color",
        ),
        ("", "black (the scene sets no BACKGROUND, or a black one)"),
        ("BACKGROUND = Color(0, 0, 0)", "black (the scene sets no BACKGROUND, or a black one)"),
    ],
)
def test_a_plain_or_no_background_is_said_as_such(service, capsys, tmp_path, background, seen):
    path = write_scene(tmp_path, "plain.py", SKY_SCENE.format(background=background))
    lines, _ = pick_lines(service, capsys, path, 2, 2)
    assert lines[1] == f"[0] camera ray hits nothing: {seen}"
