"""Every Puray scene against a C renderer written from Puray's math: 0 differing pixels.

tests/reference/puray.c renders any Puray scene from a text description that
tests/reference/describe.py writes from the loaded scene. It is first checked byte for byte
against ../shared/bench/ref.c on the scene ref.c has built in (twoballs), then the engine is
checked against it on every Puray scene: twoballs, the coronavirus (grown from two seeds), and
a scene with its own Material subclass (tests/reference/scenes/stripes.py), with shadows
too. Without a C compiler these tests fail: scripts/setup.sh installs gcc.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.reference.describe import describe
from tracer import RenderSettings, SceneSource
from tracer.kernel.render import load, render_rows

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "reference"
REF_C = ROOT.parent / "shared" / "bench" / "ref.c"
FLAGS = ["-O2", "-ffp-contract=off", "-fno-fast-math"]

SCENES = {
    "twoballs": ROOT / "scenes" / "twoballs.py",
    "coronavirus": ROOT / "scenes" / "coronavirus.py",
    "stripes": REFERENCE / "scenes" / "stripes.py",
}


def compiler() -> str:
    """Return the C compiler, failing (not skipping) the test without one."""
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        pytest.fail("no C compiler: run scripts/setup.sh (it installs gcc) for the exactness tests")
    return gcc


@pytest.fixture(scope="module")
def puray_c(tmp_path_factory) -> Path:
    exe = tmp_path_factory.mktemp("puray_c") / "puray"
    subprocess.run(
        [compiler(), *FLAGS, "-o", str(exe), str(REFERENCE / "puray.c"), "-lm"], check=True
    )
    return exe


def c_render(exe: Path, description: str, folder: Path, size, depth=5, shadows=False):
    scene, out = folder / "scene.txt", folder / "c.ppm"
    scene.write_text(description)
    args = [str(exe), str(scene), str(size[0]), str(size[1]), str(out), str(depth)]
    subprocess.run([*args, str(int(shadows))], check=True)
    return np.asarray(Image.open(out))


def differing(a: np.ndarray, b: np.ndarray) -> int:
    assert a.shape == b.shape
    return int(np.any(a != b, axis=2).sum())


@pytest.mark.parametrize("size", [(960, 540), (97, 61), (320, 180)])
def test_the_c_reference_is_ref_c_byte_for_byte_on_twoballs(puray_c, tmp_path, size):
    if not REF_C.exists():
        pytest.skip("../shared/bench/ref.c is not beside this checkout")
    ref = tmp_path / "ref"
    subprocess.run([compiler(), *FLAGS, "-o", str(ref), str(REF_C), "-lm"], check=True)
    subprocess.run([str(ref), str(size[0]), str(size[1]), str(tmp_path / "ref.ppm")], check=True)
    loaded = load(SceneSource.from_path(SCENES["twoballs"]), RenderSettings())
    ours = c_render(puray_c, describe(loaded.scene), tmp_path, size)
    assert (tmp_path / "ref.ppm").read_bytes() == (tmp_path / "c.ppm").read_bytes()
    assert ours[..., 2].max() > 200  # a picture: the blue ball


CASES = [
    ("twoballs", (960, 540), 0, False),
    ("twoballs", (320, 180), 0, True),
    ("coronavirus", (960, 540), 0, False),
    ("coronavirus", (480, 270), 5, True),
    ("stripes", (320, 200), 0, False),
    ("stripes", (211, 97), 0, True),
]


@pytest.mark.parametrize(("name", "size", "seed", "shadows"), CASES)
def test_the_engine_renders_every_puray_scene_as_the_c_reference(
    puray_c, tmp_path, name, size, seed, shadows
):
    settings = RenderSettings(width=size[0], height=size[1], seed=seed, shadows=shadows)
    loaded = load(SceneSource.from_path(SCENES[name]), settings)
    ours = render_rows(loaded, settings, 0, size[1])
    theirs = c_render(puray_c, describe(loaded.scene), tmp_path, size, 5, shadows)
    assert differing(ours, theirs) == 0, f"{differing(ours, theirs)} pixels differ from puray.c"
    assert len(np.unique(ours.reshape(-1, 3), axis=0)) > 50  # a picture, not a blank


def test_the_stripes_scene_uses_its_own_material(puray_c, tmp_path):
    # The striped balls change colour along y: the engine asked the subclass's color_at.
    settings = RenderSettings(width=160, height=100, max_depth=0)
    loaded = load(SceneSource.from_path(SCENES["stripes"]), settings)
    ball = render_rows(loaded, settings, 0, 100)[30:60, 40:50].astype(int)
    column = ball[:, 5]
    assert (np.abs(np.diff(column, axis=0)).max(axis=1) > 60).sum() >= 2  # stripe edges
