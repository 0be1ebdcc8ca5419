"""tracer.watch, driven without a browser: a save re-renders, a no-op save does not, an error
keeps the last good picture, a data file's save counts, stop ends the workers."""

from __future__ import annotations

import io
import multiprocessing
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import tracer

pytest.importorskip("ipywidgets")  # the notebook extra (scripts/setup.sh installs it)

ROOT = Path(__file__).resolve().parents[2]
SIZE = (96, 54)


@pytest.fixture
def scene(tmp_path) -> Path:
    path = tmp_path / "balls.py"
    shutil.copy(ROOT / "scenes" / "twoballs.py", path)
    return path


@pytest.fixture
def watching():
    """Make watches that are stopped after the test, whatever happens."""
    made = []

    def make(path, **kwargs):
        view = tracer.watch(path, *SIZE, processes=1, **kwargs)
        made.append(view)
        return view

    yield make
    for view in made:
        view.stop()


def save(path: Path, text: str) -> None:
    """Save as an editor would, and make sure the file's time moves on."""
    path.write_text(text)
    later = time.time_ns() + 10_000_000
    os.utime(path, ns=(later, later))


def shown(view) -> np.ndarray:
    """Return the pixels the widget shows."""
    with Image.open(io.BytesIO(view.image.value)) as image:
        return np.asarray(image.convert("RGB"))


def test_the_view_shows_the_scene_and_a_save_renders_it_again(scene, watching):
    view = watching(scene, interval=None)
    assert np.array_equal(shown(view), tracer.render(scene, *SIZE, processes=1).array)
    assert "balls.py: 96x54 in" in view.status.value
    save(scene, scene.read_text().replace("#0000FF", "#00FF00"))  # the blue ball turns green
    assert view.check()
    green = tracer.render(scene, *SIZE, processes=1).array
    assert np.array_equal(shown(view), green)
    assert np.array_equal(view.picture.array, green)
    assert view.renders == 2


def test_a_save_that_changes_nothing_renders_nothing(scene, watching):
    view = watching(scene, interval=None)
    save(scene, scene.read_text())
    assert not view.check()
    assert view.renders == 1


def test_an_error_keeps_the_last_good_picture_until_a_good_save(scene, watching):
    view = watching(scene, interval=None)
    good, text = view.image.value, scene.read_text()
    save(scene, text.replace("Sphere(", "Sphere(radius=-1, center=", 1))
    assert view.check()
    assert isinstance(view.error, tracer.SceneError)
    assert f"{scene.name}:" in view.status.value  # the file's name (and line) under the picture
    assert "last good one" in view.status.value
    assert view.image.value == good
    save(scene, text)
    assert view.check()
    assert view.error is None
    assert np.array_equal(shown(view), view.picture.array)
    assert view.image.value != good  # rendered again (its PNG says how long it took)


def test_saving_a_data_file_the_scene_reads_renders_again(tmp_path, watching):
    shutil.copy(ROOT / "scenes" / "gem.obj", tmp_path)
    scene = tmp_path / "gem_scene.py"
    scene.write_text(
        "from tracer import *\n"
        "WIDTH, HEIGHT = 96, 54\n"
        "CAMERA = LookAtCamera(Point(0, -1, -3), look_at=Point(0, 0, 0))\n"
        "OBJECTS = [Mesh.from_obj('gem.obj', Material(Color(0.2, 0.6, 0.9)))]\n"
        "LIGHTS = [Light(Point(1.5, -2, -10), Color(1, 1, 1))]\n"
    )
    view = watching(scene, interval=None)
    before = shown(view)
    obj = tmp_path / "gem.obj"
    text = obj.read_text()
    save(obj, text)  # the same bytes: nothing to render
    assert not view.check()
    save(obj, "\n".join(map(half_size, text.splitlines())) + "\n")
    assert view.check()
    assert not np.array_equal(shown(view), before)
    assert np.array_equal(shown(view), tracer.render(scene, *SIZE, processes=1).array)


def half_size(line: str) -> str:
    """Return an OBJ line with its vertex (if it is one) moved halfway to the origin."""
    if not line.startswith("v "):
        return line
    return "v " + " ".join(str(float(c) / 2) for c in line.split()[1:])


def test_the_watch_thread_picks_up_a_save(scene, watching):
    view = watching(scene, interval=0.05)
    first = view.picture
    save(scene, scene.read_text().replace("#0000FF", "#00FF00"))
    deadline = time.monotonic() + 60
    while view.picture is first and time.monotonic() < deadline:
        time.sleep(0.05)
    assert view.picture is not first
    assert np.array_equal(view.picture.array, tracer.render(scene, *SIZE, processes=1).array)


def test_stop_ends_the_workers_and_keeps_the_picture(scene):
    others = set(multiprocessing.active_children())  # other tests' services
    view = tracer.watch(scene, *SIZE, processes=2, interval=0.05)
    assert len(set(multiprocessing.active_children()) - others) == 2
    picture = view.image.value
    view.stop()
    assert set(multiprocessing.active_children()) - others == set()
    save(scene, scene.read_text().replace("#0000FF", "#00FF00"))
    assert not view.check()
    assert view.image.value == picture
    assert "stopped watching" in view.status.value


def test_a_missing_scene_is_an_error_at_once(tmp_path):
    with pytest.raises(tracer.SceneError, match="scene file not found"):
        tracer.watch(tmp_path / "nope.py")


def test_the_widget_is_what_jupyter_shows(scene, watching):
    view = watching(scene, interval=None)
    bundle = view._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.widget.model_id


def test_a_save_of_only_colours_or_lights_is_re_shaded_to_a_full_renders_pixels(scene, watching):
    view = watching(scene, interval=None)
    assert view.picture.made == "traced"
    text = scene.read_text()
    save(scene, text.replace("#0000FF", "#00FF00"))  # the blue ball turns green: a material
    assert view.check()
    green = tracer.render(scene, *SIZE, processes=1).array  # a one-off render: nothing kept
    assert view.picture.made == "re-shaded"
    assert "(re-shaded)" in view.status.value
    assert np.array_equal(shown(view), green)
    save(scene, text.replace("Point(1.5, -0.5, -10)", "Point(3, -2, -8)"))  # the light moves
    assert view.check()
    assert view.picture.made == "re-lit"
    assert np.array_equal(shown(view), tracer.render(scene, *SIZE, processes=1).array)


def test_a_watch_without_a_cache_traces_every_save(scene, watching):
    view = watching(scene, interval=None, reshade_cache_mb=0)
    save(scene, scene.read_text().replace("#0000FF", "#00FF00"))
    assert view.check()
    assert view.picture.made == "traced"
    assert "(" not in view.status.value.split(":", 1)[1]
