"""``puray examples`` and ``puray render --example NAME``: the bundled scenes by name, rendered
to the current folder, never beside the installed scene; the window's default scene is one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.tracer.helpers import BUNDLED
from tracer import RenderSettings, SceneSource, bundled
from tracer.cli.main import main
from tracer.kernel.render import render_image
from tracer.settings import SCENE_SETTABLE
from tracer.workers.service import RenderService

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--width", "64", "--height", "36", "-q"]


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=2) as svc:
        yield svc


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def test_examples_lists_each_scene_with_its_summary(capsys):
    assert main(["examples"]) == 0
    out, err = capsys.readouterr()
    lines = dict(line.split(maxsplit=1) for line in out.splitlines())
    assert list(lines) == [p.stem for p in BUNDLED]  # the scenes, not their helper modules
    assert lines["glass"] == (
        "Glass: clear, tinted and smoky balls and a glass slab over a chequered floor, under a sky."
    )
    assert "puray render --example NAME" in err


def test_examples_paths_are_the_scene_files(capsys):
    assert main(["examples", "--paths"]) == 0
    paths = [Path(line.split()[1]) for line in capsys.readouterr().out.splitlines()]
    assert paths == [p.resolve() for p in BUNDLED]


def test_render_example_writes_name_png_here_with_the_scenes_pixels(service, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["render", "--example", "twoballs", *SMALL], service) == 0
    expected = render_image(
        SceneSource.from_path(ROOT / "scenes" / "twoballs.py"), RenderSettings(width=64, height=36)
    )
    assert np.array_equal(pixels(tmp_path / "twoballs.png"), expected)
    assert not (ROOT / "scenes" / "twoballs.png").exists()  # not beside the bundled scene


def test_an_example_that_reads_a_data_file_renders_anywhere(service, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # gem.obj is not here: it is found beside the example
    assert main(["render", "--example", "mesh.py", "-o", "m.png", *SMALL], service) == 0
    expected = render_image(
        SceneSource.from_path(ROOT / "scenes" / "mesh.py"),
        RenderSettings(width=64, height=36, scene_may_set=SCENE_SETTABLE),  # as the CLI asks
    )
    assert np.array_equal(pixels(tmp_path / "m.png"), expected)


def test_render_example_never_replaces_a_foreign_file(service, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "twoballs.png").write_bytes(b"my holiday photo")
    assert main(["render", "--example", "twoballs", *SMALL], service) == 2
    assert "twoballs.png exists and was not written by puray" in capsys.readouterr().err
    assert (tmp_path / "twoballs.png").read_bytes() == b"my holiday photo"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--example", "nope"], "no example named 'nope'; the examples are: coronavirus, "),
        (["scene.py", "--example", "glass"], "name a scene file or --example glass, not both"),
        ([], "name a scene file, or a bundled example with --example NAME"),
    ],
)
def test_bad_example_arguments_say_what_to_do(capsys, args, message):
    assert main(["render", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"puray: error: {message}")
    assert err.count("\n") == 1


def test_a_helper_module_is_not_an_example():
    with pytest.raises(KeyError, match="no example named 'showcase_materials'"):
        bundled.example("showcase_materials")


def test_the_window_opens_the_twoballs_example_by_default():
    from puray_gui.resources import default_scene

    assert default_scene() == bundled.example("twoballs")
    assert default_scene() == (ROOT / "scenes" / "twoballs.py").resolve()
