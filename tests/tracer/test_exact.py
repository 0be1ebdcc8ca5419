"""Exactness: our pixels equal the C reference renderer's (Puray's own) byte for byte."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tracer.kernel.render import render_image
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings

ROOT = Path(__file__).resolve().parents[2]
REF_C = ROOT.parent / "shared" / "bench" / "ref.c"


@pytest.fixture(scope="module")
def ref_binary(tmp_path_factory):
    if not REF_C.exists():
        pytest.skip("../shared/bench/ref.c is not beside this checkout (test_references_c.py)")
    if shutil.which("gcc") is None:
        pytest.fail("no C compiler: run scripts/setup.sh (it installs gcc) for the exactness tests")
    exe = tmp_path_factory.mktemp("ref") / "ref"
    cmd = ["gcc", "-O2", "-ffp-contract=off", "-o", str(exe), str(REF_C), "-lm"]
    subprocess.run(cmd, check=True)
    return exe


def reference(ref_binary, tmp_path, width, height) -> np.ndarray:
    out = tmp_path / f"ref_{width}x{height}.ppm"
    subprocess.run([str(ref_binary), str(width), str(height), str(out)], check=True)
    return np.asarray(Image.open(out))


@pytest.fixture(scope="module")
def twoballs():
    return SceneSource.from_path(ROOT / "scenes" / "twoballs.py")


@pytest.mark.parametrize(("width", "height"), [(960, 540), (320, 180), (97, 61), (64, 64), (1, 1)])
def test_twoballs_matches_c_reference_pixel_for_pixel(
    ref_binary, tmp_path, twoballs, width, height
):
    ours = render_image(twoballs, RenderSettings(width=width, height=height))
    ref = reference(ref_binary, tmp_path, width, height)
    differing = int(np.any(ours != ref, axis=2).sum())
    assert differing == 0, f"{differing} of {width * height} pixels differ from ref.c"


def test_reference_image_shows_the_scene(ref_binary, tmp_path, twoballs):
    # Guard against comparing two blank images: the frame has the blue ball and the board.
    img = render_image(twoballs, RenderSettings(width=320, height=180))
    blue_ball = img[40:70, 200:240].reshape(-1, 3).mean(axis=0)
    assert blue_ball[2] > blue_ball[0] + 80, blue_ball
    assert img[:5].max() == 0  # black sky above the horizon
    board = img[170:180].reshape(-1, 3)
    assert len(np.unique(board, axis=0)) > 20  # a chequered floor, not a flat colour


def test_depth_setting_changes_reflections_only(twoballs):
    deep = render_image(twoballs, RenderSettings(width=160, height=90))
    flat = render_image(twoballs, RenderSettings(width=160, height=90, max_depth=0))
    changed = np.any(deep != flat, axis=2)
    assert 0.1 < changed.mean() < 1.0  # reflections light up most surfaces
    assert not changed[:10].any()  # the black sky has nothing to reflect


def test_anti_aliasing_smooths_edges_but_keeps_the_picture(twoballs):
    one = render_image(twoballs, RenderSettings(width=160, height=90)).astype(int)
    aa = render_image(twoballs, RenderSettings(width=160, height=90, samples=3)).astype(int)
    assert np.abs(one - aa).mean() < 12  # same picture
    # More distinct colours along the ball silhouettes: edge pixels blend.
    assert len(np.unique(aa.reshape(-1, 3), axis=0)) > len(np.unique(one.reshape(-1, 3), axis=0))


def test_shadows_darken_the_floor_under_the_balls(twoballs):
    lit = render_image(twoballs, RenderSettings(width=160, height=90)).astype(int)
    shaded = render_image(twoballs, RenderSettings(width=160, height=90, shadows=True)).astype(int)
    darker = (shaded.sum(axis=2) < lit.sum(axis=2) - 30).mean()
    assert darker > 0.01
    assert (shaded.sum(axis=2) <= lit.sum(axis=2)).all()  # shadows only remove light


def test_scale_renders_the_scene_smaller_with_the_same_camera(twoballs):
    half = render_image(twoballs, RenderSettings(scale=0.5))
    explicit = render_image(twoballs, RenderSettings(width=480, height=270))
    assert half.shape == (270, 480, 3)
    np.testing.assert_array_equal(half, explicit)
