"""Bad textures, backgrounds, lens, glass and light radii: one SceneError at the scene's line.

Scenes mark their offending line with ``# <-``; the error must name exactly that line.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.tracer.test_bad_input import check_refused, marked_line
from tracer import RenderSettings, SceneError, SceneSource
from tracer.cli.main import main
from tracer.kernel.render import load, render_block
from tracer.workers.service import RenderService

HEAD = """\
from tracer import *
WIDTH = 32
HEIGHT = 18
CAMERA = Vector(0, 0, -1)
LIGHTS = []
"""
RED = "Color(1, 0, 0)"


def ball(texture: str) -> str:
    """Return a scene whose ball's material colour is ``texture`` (built on a marked line)."""
    return HEAD + f"T = {texture}  # <-\nOBJECTS = [Sphere(Point(0, 0, 1), 0.5, Material(T))]\n"


def camera(args: str) -> str:
    return (
        HEAD.replace(
            "CAMERA = Vector(0, 0, -1)",
            f"CAMERA = LookAtCamera(Point(0, 0, -1), Point(0, 0, 1), {args})  # <-",
        )
        + "OBJECTS = []\n"
    )


CASES = {
    "texture colour is text": (
        ball(f"Checker('red', {RED})"),
        "Checker a must be a Color or a texture, got 'red'",
    ),
    "texture colour is a number": (
        ball(f"Noise({RED}, 3)"),
        "Noise b must be a Color or a texture, got 3",
    ),
    "voronoi edge": (
        ball(f"Voronoi({RED}, {RED}, edge=[0, 0, 0])"),
        "Voronoi edge must be a Color or a texture, got [0, 0, 0]",
    ),
    "nested texture": (
        ball(f"Marble(Noise({RED}, {RED}), Wood({RED}, 'oak'))"),
        "Wood b must be a Color or a texture, got 'oak'",
    ),
    "zero scale": (
        ball(f"Noise({RED}, {RED}, scale=0)"),
        "Noise scale must be a positive number, got 0",
    ),
    "negative scale": (
        ball(f"Marble({RED}, {RED}, scale=-2)"),
        "Marble scale must be a positive number, got -2",
    ),
    "NaN scale": (
        ball(f"Voronoi({RED}, {RED}, scale=float('nan'))"),
        "Voronoi scale must be a positive number, got nan",
    ),
    "zero size": (
        ball(f"Checker({RED}, {RED}, 0)"),
        "Checker size must be a positive number, got 0",
    ),
    "zero octaves": (
        ball(f"Noise({RED}, {RED}, octaves=0)"),
        "Noise octaves must be a whole number from 1 to 16, got 0",
    ),
    "fractional octaves": (
        ball(f"Noise({RED}, {RED}, octaves=2.5)"),
        "Noise octaves must be a whole number from 1 to 16, got 2.5",
    ),
    "negative turbulence": (
        ball(f"Marble({RED}, {RED}, turbulence=-1)"),
        "Marble turbulence must be 0 or more, got -1",
    ),
    "zero rings": (
        ball(f"Wood({RED}, {RED}, rings=0)"),
        "Wood rings must be a positive number, got 0",
    ),
    "material colour": (
        HEAD + "OBJECTS = [Sphere(Point(0, 0, 1), 0.5, Material(3))]  # <-\n",
        "material color must be a Color or a texture, got 3",
    ),
    "image missing": (ball("ImageTexture('nowhere.png')"), "image not found: {folder}/nowhere.png"),
    "not an image": (
        ball("ImageTexture('notes.png')"),
        "not an image Pillow can read: {folder}/notes.png",
    ),
    "image is a folder": (
        ball("ImageTexture('sub')"),
        "image is a folder, not a file: {folder}/sub",
    ),
    "unknown mapping": (
        ball("ImageTexture('notes.png', mapping='cubic')"),
        "ImageTexture mapping must be one of 'planar', 'spherical', 'cylindrical', got 'cubic'",
    ),
    "image scale": (
        ball("ImageTexture('notes.png', scale=0)"),
        "ImageTexture scale must be a positive number, got 0",
    ),
    "BACKGROUND text": (
        HEAD + "OBJECTS = []\nBACKGROUND = 'blue'  # <-\n",
        "BACKGROUND must be a Color or a Sky, got 'blue'",
    ),
    "Sky colour": (
        HEAD + "OBJECTS = []\nBACKGROUND = Sky(Color(0, 0, 1), horizon='white')  # <-\n",
        "Sky horizon must be a Color, got 'white'",
    ),
    "negative aperture": (
        camera("aperture=-0.1"),
        "camera aperture must be a number 0 or more, got -0.1",
    ),
    "aperture text": (
        camera("aperture='wide'"),
        "camera aperture must be a number 0 or more, got 'wide'",
    ),
    "zero focus distance": (
        camera("aperture=0.1, focus_distance=0"),
        "camera focus_distance must be a number above 0, got 0",
    ),
    "negative focus distance": (
        camera("focus_distance=-3"),
        "camera focus_distance must be a number above 0, got -3",
    ),
    "zero ior": (
        HEAD + "G = Glass(ior=0)  # <-\nOBJECTS = [Sphere(Point(0, 0, 1), 0.5, G)]\n",
        "Glass ior must be a number above 0, got 0",
    ),
    "negative ior": (
        HEAD + "G = Glass(-1.5)  # <-\nOBJECTS = [Sphere(Point(0, 0, 1), 0.5, G)]\n",
        "Glass ior must be a number above 0, got -1.5",
    ),
    "ior text": (
        HEAD + "OBJECTS = [Sphere(Point(0, 0, 1), 0.5, Glass('crown'))]  # <-\n",
        "Glass ior must be a number above 0, got 'crown'",
    ),
    "negative absorption": (
        HEAD + "G = Glass(absorption=-0.5)  # <-\nOBJECTS = []\n",
        "Glass absorption must be a number 0 or more, got -0.5",
    ),
    "glass colour": (
        HEAD + "G = Glass(color='green')  # <-\nOBJECTS = []\n",
        "Glass color must be a Color, got 'green'",
    ),
    "negative light radius": (
        HEAD + "OBJECTS = []\nLIGHTS = [Light(Point(0, -3, 0), Color(1, 1, 1), radius=-1)]  # <-\n",
        "Light radius must be a number 0 or more, got -1",
    ),
}


def write(folder: Path, text: str) -> Path:
    (folder / "notes.png").write_text("not a picture")
    (folder / "sub").mkdir()
    scene = folder / "scene.py"
    scene.write_text(text)
    return scene


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_names_the_line(tmp_path, case):
    text, message = CASES[case]
    scene = write(tmp_path, text)
    with pytest.raises(SceneError) as info:
        load(SceneSource.from_path(scene), RenderSettings())
    err = info.value
    assert (err.filename, err.lineno) == (str(scene), marked_line(text))
    assert err.message.startswith(message.format(folder=tmp_path)), err.message


def test_a_texture_built_over_several_lines_names_its_first_line(tmp_path):
    text = HEAD + f"T = Marble(  # <-\n    {RED},\n    'grey',\n)\nOBJECTS = []\n"
    scene = write(tmp_path, text)
    with pytest.raises(SceneError) as info:
        load(SceneSource.from_path(scene), RenderSettings())
    assert (info.value.filename, info.value.lineno) == (str(scene), marked_line(text))


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=1) as svc:
        yield svc


@pytest.mark.parametrize(
    "case",
    ["not an image", "negative aperture", "BACKGROUND text", "zero ior", "negative light radius"],
)
def test_the_cli_reports_them_as_one_line(service, tmp_path, capfd, case):
    text, message = CASES[case]
    scene = write(tmp_path, text)
    argv = ["render", str(scene), "-o", str(tmp_path / "out.png")]
    assert main(argv, service) == 2
    err = capfd.readouterr().err
    os.remove(tmp_path / "notes.png")
    os.rmdir(tmp_path / "sub")
    check_refused(err, tmp_path, f"{scene}:{marked_line(text)}: {message.format(folder=tmp_path)}")


def test_a_scene_texture_that_raises_is_reported_at_its_line(tmp_path):
    text = HEAD + (
        "class Spots:\n"
        "    def colors_at(self, points):\n"
        "        raise ValueError('no spots today')  # <-\n"
        f"OBJECTS = [Sphere(Point(0, 0, 1), 0.5, Material(Marble(Spots(), {RED})))]\n"
    )
    scene = write(tmp_path, text)
    settings = RenderSettings()
    loaded = load(SceneSource.from_path(scene), settings)
    with pytest.raises(SceneError) as info:
        render_block(loaded, settings, 0, 18)
    assert (info.value.filename, info.value.lineno) == (str(scene), marked_line(text))
    assert info.value.message == "ValueError: no spots today"
