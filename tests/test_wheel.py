"""The wheel works anywhere: built from the sources, installed into a fresh venv, run outside
the repository, it lists and renders its bundled examples with the repository's pixels.

The venv gets only the wheel; its dependencies (numpy, Pillow, PySide6...) come from this
environment's site-packages through a .pth file, which adds that folder to sys.path without
running the .pth files in it, so the repository's editable install cannot leak in (each run
checks where ``tracer`` was imported from).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.tracer.helpers import BUNDLED
from tracer import RenderSettings, SceneSource
from tracer.kernel.render import render_image
from tracer.settings import SCENE_SETTABLE

ROOT = Path(__file__).resolve().parents[1]
#: Left out of the copy the wheel is built from: not sources, or big and never shipped.
NOT_COPIED = (".git", ".venv", "__pycache__", "*.egg-info", "build", "dist", ".*_cache")


def _run(cmd: list, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    run = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert run.returncode == 0, f"{cmd} failed:\n{run.stdout}\n{run.stderr}"
    return run


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """Build the wheel from a copy of the sources, install it into a fresh venv; its bin/."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_COPIED))
    pip = [sys.executable, "-m", "pip"]
    quiet = ["--quiet", "--disable-pip-version-check"]
    _run([*pip, "wheel", *quiet, "--no-deps", "--no-build-isolation", "-w", base, source], base)
    (wheel,) = base.glob("puray_live-*.whl")
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], base)
    python = venv / "bin" / "python"
    _run([*pip, "--python", python, "install", *quiet, "--no-deps", "--no-index", wheel], base)
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], base)
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (Path(site.stdout.strip()) / "puray_deps.pth").write_text("\n".join(sorted(ours)) + "\n")
    return venv / "bin"


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """A folder outside the repository to run the installed commands in."""
    assert ROOT not in tmp_path.parents
    return tmp_path


def test_the_installed_package_is_the_wheel_not_the_checkout(installed, elsewhere):
    code = "import tracer, puray_gui; print(tracer.__file__); print(puray_gui.__file__)"
    files = _run([installed / "python", "-c", code], elsewhere).stdout.split()
    venv = installed.parent
    assert all(Path(f).is_relative_to(venv) for f in files), files
    assert (installed / "puray").is_file()
    assert (installed / "puray-gui").is_file()


def _files(folder: Path, pattern: str = "*.py") -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob(pattern)}


def test_every_module_example_and_resource_is_in_the_wheel(installed, elsewhere):
    code = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(_run([installed / "python", "-c", code], elsewhere).stdout.strip())
    for package in ("tracer", "puray_gui"):
        shipped = {
            f for f in _files(site / package) if not f.startswith(("examples/", "resources/"))
        }
        assert shipped == _files(ROOT / package), package
    shipped_examples = {
        f for f in _files(site / "tracer" / "examples", "*") if "__pycache__" not in f
    }
    assert shipped_examples == {
        p.name for p in (ROOT / "scenes").iterdir() if p.suffix in (".py", ".obj")
    }
    assert _files(site / "puray_gui" / "resources", "*.*") >= _files(ROOT / "resources", "*.*")


def test_puray_examples_lists_every_bundled_scene(installed, elsewhere):
    listed = _run([installed / "puray", "examples"], elsewhere).stdout.splitlines()
    summaries = dict(line.split(maxsplit=1) for line in listed)
    assert list(summaries) == [p.stem for p in BUNDLED]  # not showcase_materials, a helper
    assert (
        summaries["twoballs"]
        == "Puray's two balls on a chessboard: the scene Puray's README renders."
    )
    # a summary wrapped over two lines of the docstring is shown whole, on one line
    assert summaries["showcase"].startswith("What Puray cannot draw: an infinite chequered floor")
    assert summaries["showcase"].endswith("a gradient, from showcase_materials.py).")


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def test_render_example_gives_the_repositorys_pixels(installed, elsewhere):
    _run([installed / "puray", "render", "--example", "twoballs", "-o", "out.png"], elsewhere)
    twoballs = SceneSource.from_path(ROOT / "scenes" / "twoballs.py")
    reference = render_image(twoballs, RenderSettings())
    assert np.array_equal(_pixels(elsewhere / "out.png"), reference)
    assert sorted(p.name for p in elsewhere.iterdir()) == ["out.png"]


def test_an_example_with_sibling_modules_and_data_files_renders(installed, elsewhere):
    size = ["--width", "96", "--height", "54", "-q"]
    for name in ("showcase", "mesh"):  # showcase_materials.py beside it; mesh reads gem.obj
        _run([installed / "puray", "render", "--example", name, *size], elsewhere)
        # the scene's SETTINGS decide what no flag gave, as in the command line
        settings = RenderSettings(width=96, height=54, scene_may_set=SCENE_SETTABLE)
        reference = render_image(SceneSource.from_path(ROOT / "scenes" / f"{name}.py"), settings)
        assert np.array_equal(_pixels(elsewhere / f"{name}.png"), reference), name


def test_the_window_finds_its_template_and_default_scene_in_the_wheel(installed, elsewhere):
    code = (
        "from puray_gui.resources import TEMPLATE, ICON, default_scene, resource\n"
        "print(default_scene()); print(resource(TEMPLATE)); print(resource(ICON))"
    )
    scene, template, icon = _run([installed / "python", "-c", code], elsewhere).stdout.split()
    venv = installed.parent
    assert Path(scene).name == "twoballs.py"
    assert all(Path(p).is_relative_to(venv) for p in (scene, template, icon))
    usage = _run([installed / "puray-gui", "--help"], elsewhere).stdout
    assert usage.startswith("usage: puray-gui")
