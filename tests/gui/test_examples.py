"""Copying a bundled example takes every file it needs, all or nothing (Qt-free)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import puray_gui.examples as examples
from puray_gui.examples import copy_example, example_files, existing
from tracer.bundled import examples as bundled_examples
from tracer.kernel.render import render_image
from tracer.output.atomic import TargetRefused
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings

from .conftest import ROOT

SCENES = ROOT / "scenes"
TINY = RenderSettings(width=32, height=18)


def test_an_example_s_files_are_the_scene_its_modules_and_its_data():
    assert [f.name for f in example_files(SCENES / "mesh.py")] == ["mesh.py", "gem.obj"]
    orbit = [f.name for f in example_files(SCENES / "showcase_orbit.py")]
    assert orbit == ["showcase_orbit.py", "showcase.py", "showcase_materials.py"]
    assert [f.name for f in example_files(SCENES / "twoballs.py")] == ["twoballs.py"]


@pytest.mark.parametrize("example", bundled_examples(), ids=lambda e: e.name)
def test_every_example_s_copy_renders_as_the_original(tmp_path, example):
    copy = copy_example(example_files(example.path), tmp_path)
    assert copy == tmp_path / example.path.name
    original = render_image(SceneSource.from_path(example.path), TINY)
    copied = render_image(SceneSource.from_path(copy), TINY)
    assert np.array_equal(copied, original)


def test_a_failed_copy_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    files = example_files(SCENES / "mesh.py")
    (tmp_path / "gem.obj").write_text("# mine\n")
    assert existing(files, tmp_path) == [tmp_path / "gem.obj"]
    calls: list = []
    real = examples.shutil.copyfileobj

    def fail_second(source, target):
        calls.append(source)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(examples.shutil, "copyfileobj", fail_second)
    with pytest.raises(OSError, match="No space"):
        copy_example(files, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gem.obj"]  # no mesh.py, no temp
    assert (tmp_path / "gem.obj").read_text() == "# mine\n"


def test_only_files_inside_the_example_s_folder_are_data(tmp_path):
    (tmp_path / "scene.py").write_text(
        'WIDTH = 1\nA = "model.obj"\nB = "../outside.obj"\nC = "sub/tex.png"\nD = "other.py"\n'
    )
    for name in ("model.obj", "sub/tex.png", "other.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path.parent / "outside.obj").write_text("x")
    files = example_files(tmp_path / "scene.py")
    assert [f.relative_to(tmp_path) for f in files] == [
        Path("scene.py"),
        Path("model.obj"),
        Path("sub/tex.png"),
    ]


def test_a_replaced_file_keeps_its_mode_and_a_read_only_one_is_refused(tmp_path):
    files = example_files(SCENES / "mesh.py")
    mine = tmp_path / "mesh.py"
    mine.write_text("# mine\n")
    mine.chmod(0o600)
    copy_example(files, tmp_path)  # the user agreed to replace it
    assert mine.read_bytes() == (SCENES / "mesh.py").read_bytes()
    assert mine.stat().st_mode & 0o777 == 0o600
    (tmp_path / "gem.obj").write_text("# my gem\n")
    (tmp_path / "gem.obj").chmod(0o444)
    mine.write_text("# mine again\n")
    with pytest.raises(TargetRefused, match="read-only"):
        copy_example(files, tmp_path)
    assert mine.read_text() == "# mine again\n"  # all or nothing
    assert (tmp_path / "gem.obj").read_text() == "# my gem\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gem.obj", "mesh.py"]
