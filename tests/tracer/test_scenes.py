"""The bundled scenes: each renders through the CLI; the virus poster is seeded, seam-free."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.tracer.helpers import BUNDLED
from tracer import LookAtCamera, Plane, RenderSettings, SceneSource, load_scene
from tracer.cli.main import main
from tracer.kernel.render import render_image
from tracer.settings import SCENE_SETTABLE
from tracer.shading.color_source import uses_vectorised
from tracer.workers.service import RenderService

ROOT = Path(__file__).resolve().parents[2]
SCENES = ROOT / "scenes"
CORONAVIRUS = SCENES / "coronavirus.py"


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=2) as svc:
        yield svc


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def test_the_bundled_scenes_are_there():
    assert {p.name for p in BUNDLED} >= {"twoballs.py", "coronavirus.py", "showcase.py"}


@pytest.mark.parametrize("scene", BUNDLED, ids=lambda p: p.name)
@pytest.mark.parametrize("flags", [[], ["--shadows", "--samples", "2"]], ids=["plain", "best"])
def test_every_bundled_scene_renders_through_the_cli(service, tmp_path, scene, flags):
    out = tmp_path / "out.png"
    argv = ["render", str(scene), "-o", str(out), "-q", "--width", "64", "--height", "36"]
    assert main(argv + flags, service) == 0
    image = pixels(out)
    given = {"shadows": True, "samples": 2} if flags else {}  # the rest: the scene's SETTINGS
    settings = RenderSettings(width=64, height=36, scene_may_set=SCENE_SETTABLE - set(given))
    settings = settings.with_(**given)
    assert np.array_equal(image, render_image(SceneSource.from_path(scene), settings))
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 20  # a picture, not a flat fill


def render_cli(tmp_path: Path, name: str, *flags: str) -> np.ndarray:
    out = tmp_path / name
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(CORONAVIRUS), "-o", str(out), "-q"]
    cmd += ["--width", "480", "--height", "270", *flags]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return pixels(out)


def test_coronavirus_is_the_same_on_one_and_two_processes(tmp_path):
    # 480x270 is eight blocks of rows: with two workers each loads the scene itself, so
    # an unseeded random.randint would put different crowns on either side of a seam.
    one = render_cli(tmp_path, "one.png", "--processes", "1")
    two = render_cli(tmp_path, "two.png", "--processes", "2")
    assert np.array_equal(one, two)
    reference = render_image(SceneSource.from_path(CORONAVIRUS), RenderSettings(480, 270))
    assert np.array_equal(one, reference)
    other = render_cli(tmp_path, "other.png", "--processes", "2", "--seed", "1")
    assert not np.array_equal(one, other)


def spike_angles(seed: int) -> list[float]:
    scene = load_scene(SceneSource.from_path(CORONAVIRUS), seed=seed)
    blobs = [obj for obj in scene.objects if obj.radius == 0.01]
    # Puray's angle: x = d * sin(angle), y = d * cos(angle), so 0 points down the y axis
    return [math.degrees(math.atan2(b.center.x, b.center.y)) % 360 for b in blobs]


def test_coronavirus_matches_the_poster():
    scene = load_scene(SceneSource.from_path(CORONAVIRUS))
    assert (scene.width, scene.height) == (1920, 1080)
    assert scene.camera.position == (0.0, 0.0, -1.0)
    (light,) = scene.lights
    assert light._pos == (1.5, -0.5, -10.0)
    assert light._rgb == (1.0, 0x49 / 255, 0.0)
    core, *spikes = scene.objects
    assert (core._c, core.radius, core.material.color.x) == ((0.0, 0.0, 0.0), 0.2, 1.0)
    assert len(spikes) == 32 * 4
    for i in range(32):
        stalk, blob = spikes[4 * i : 4 * i + 3], spikes[4 * i + 3]
        distances = [math.hypot(s.center.x, s.center.y) for s in [*stalk, blob]]
        # Puray's model: stalk sphere k at core + k * stalk radius, the blob on the last one
        assert distances == pytest.approx([0.2, 0.208, 0.216, 0.226])
        angles = {math.atan2(s.center.x, s.center.y) for s in [*stalk, blob]}
        assert max(angles) - min(angles) < 1e-12  # on one line from the centre
        assert {s.radius for s in stalk} == {0.008}
        assert blob.radius == 0.01
        assert all(s.center.z == 0 for s in [*stalk, blob])  # a flat crown
    for i, angle in enumerate(spike_angles(seed=0)):
        shift = (angle - i * 11.25 + 180) % 360 - 180
        assert shift == pytest.approx(round(shift)), "whole degrees"
        assert -2 <= round(shift) <= 2
    assert spike_angles(seed=0) != spike_angles(seed=1)


def test_showcase_uses_what_puray_lacks():
    scene = load_scene(SceneSource.from_path(SCENES / "showcase.py"))
    assert isinstance(scene.camera, LookAtCamera)
    assert any(isinstance(obj, Plane) for obj in scene.objects)
    custom = [
        o.material
        for o in scene.objects
        if type(o.material).__module__ != "tracer.shading.materials"
    ]
    assert custom
    assert all(uses_vectorised(m) for m in custom)
    assert max(o.material.reflection for o in scene.objects) >= 0.8  # the mirror ball
    assert scene.settings == {"shadows": True, "samples": 2}  # how to render it best
