"""A scene version is loaded once and every block of its frame renders that one load."""

from __future__ import annotations

import dataclasses
import textwrap
import time

import numpy as np
import pytest

from tests.tracer.helpers import PURAY_HEADER, collect, failure, write_scene
from tracer.cli.main import main
from tracer.errors import SceneError
from tracer.kernel.render import load, render_rows, restore, snapshot
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.service import JobStarted, RenderService, RowsReady

#: A wall of one colour drawn from unseeded randomness; every load appends to a log file.
UNSEEDED = PURAY_HEADER + textwrap.dedent(
    """
    from tracer import Plane
    import os
    import random

    with open(os.path.join(os.path.dirname(__file__), "loads.log"), "a") as log:
        log.write(f"{{os.getpid()}}\\n")
    rng = random.Random(os.urandom(16))
    {extra}
    WIDTH, HEIGHT = 64, 256
    CAMERA = Vector(0, 0, -1)
    wall = Material(Color(rng.random(), rng.random(), rng.random()), ambient=0.0, specular=0.0,
                    reflection=0.0)
    OBJECTS = [Plane(Point(0, 0, 5), Vector(0, 0, -1), wall)]
    LIGHTS = [Light(Point(0, 0, -1e9))]  # so far away that the wall is lit evenly
    """
)


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=2) as svc:
        assert svc.wait_ready()
        yield svc


def _loads(folder) -> list[str]:
    return (folder / "loads.log").read_text().split()


def _blocks_by_rows(events) -> list[RowsReady]:
    return [ev for ev in events if isinstance(ev, RowsReady) and not ev.coarse]


def test_a_frame_from_two_workers_is_one_run_of_the_scene(service, tmp_path):
    path = write_scene(tmp_path, "unseeded.py", UNSEEDED.format(extra=""))
    settings = RenderSettings(samples=4)  # several blocks, so both workers render
    frame, events = collect(service, service.submit(SceneSource.from_path(path), settings))
    assert frame is not None
    assert len(_blocks_by_rows(events)) >= 4
    colours = np.unique(frame.reshape(-1, 3), axis=0)
    assert len(colours) == 1, f"a torn frame: {len(colours)} colours from different runs"
    assert len(_loads(tmp_path)) == 1  # the scene's code ran once for the whole frame


def test_the_same_version_is_not_loaded_again_for_new_settings(service, tmp_path):
    path = write_scene(tmp_path, "unseeded.py", UNSEEDED.format(extra=""))
    source = SceneSource.from_path(path)
    first, _ = collect(service, service.submit(source, RenderSettings()))
    second, _ = collect(service, service.submit(source, RenderSettings(samples=4)))
    assert np.array_equal(first[0, 0], second[0, 0])  # the same run of the scene
    assert len(_loads(tmp_path)) == 1


def test_a_scene_that_cannot_travel_is_loaded_per_worker_and_checked(service, tmp_path):
    # A lock cannot be pickled: the workers load the scene themselves. A deterministic scene
    # renders; one that draws unseeded randomness is refused instead of showing seams.
    deterministic = UNSEEDED.format(extra="import threading\nwall_lock = threading.Lock()")
    deterministic = deterministic.replace("rng = random.Random(os.urandom(16))", "rng = random")
    deterministic += "wall.lock = wall_lock\n"
    ok = write_scene(tmp_path, "locked.py", deterministic)
    frame, _ = collect(service, service.submit(SceneSource.from_path(ok), RenderSettings()))
    assert frame is not None
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) == 1

    torn = UNSEEDED.format(extra="import threading\nwall_lock = threading.Lock()")
    torn += "wall.lock = wall_lock\n"
    bad = write_scene(tmp_path, "torn.py", torn)
    settings = RenderSettings(samples=4)
    frame, events = collect(service, service.submit(SceneSource.from_path(bad), settings))
    assert frame is None
    error = failure(events)
    assert isinstance(error, SceneError)
    assert error.filename == str(bad)
    assert "unseeded randomness" in error.message
    assert "cannot be copied between processes" in error.message


def test_a_snapshot_renders_the_same_pixels_as_its_load(tmp_path, scenes_dir):
    settings = RenderSettings(width=64, height=36)
    for name in ("twoballs.py", "showcase.py"):
        loaded = load(SceneSource.from_path(scenes_dir / name), settings)
        data = snapshot(loaded)
        assert data is not None
        again = restore(data)
        assert again.key == loaded.key
        assert again.fingerprint() == loaded.fingerprint()


@pytest.mark.parametrize(
    "name", ["twoballs.py", "showcase.py", "csg_logo.py", "textures.py", "mesh.py"]
)
def test_snapshots_with_and_without_the_scene_source_render_alike(scenes_dir, name):
    """Plain pickle (a scene defining no code) and cloudpickle carry the same picture."""
    settings = RenderSettings(width=48, height=27)
    source = SceneSource.from_path(scenes_dir / name)
    loaded = load(source, settings)
    plain, cloud = snapshot(loaded, source), snapshot(dataclasses.replace(loaded, plain=False))
    assert plain is not None
    assert cloud is not None
    own = render_rows(loaded, settings, 0, 27)
    for data in (plain, cloud):
        assert np.array_equal(render_rows(restore(data), settings, 0, 27), own)


def test_a_scene_defining_a_material_class_travels_by_value(tmp_path):
    body = PURAY_HEADER + textwrap.dedent(
        """
        class Striped(Material):
            def color_at(self, position):
                return Color(1, 0, 0) if int(position.x * 4) % 2 else Color(0, 0, 1)

        WIDTH, HEIGHT = 32, 32
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 3), 1.0, Striped(Color(0, 0, 0)))]
        LIGHTS = [Light(Point(0, 0, -10))]
        """
    )
    source = SceneSource.from_path(write_scene(tmp_path, "striped.py", body))
    settings = RenderSettings()
    loaded = load(source, settings)
    data = snapshot(loaded, source)
    assert data is not None
    assert b"cloudpickle" in data
    own = render_rows(loaded, settings, 0, 32)
    assert np.array_equal(render_rows(restore(data), settings, 0, 32), own)
    assert len(np.unique(own.reshape(-1, 3), axis=0)) > 2  # the stripes are drawn


def test_a_slow_scene_is_loaded_once_not_once_per_worker(service, tmp_path):
    body = PURAY_HEADER + textwrap.dedent(
        """
        import time
        time.sleep(1.0)
        WIDTH, HEIGHT = 64, 256
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 3), 1.0, Material(Color(1, 0, 0)))]
        LIGHTS = [Light(Point(0, 0, -10))]
        """
    )
    source = SceneSource.from_path(write_scene(tmp_path, "slow.py", body))
    start = time.monotonic()
    frame, events = collect(service, service.submit(source, RenderSettings(samples=4)))
    assert frame is not None
    assert len(_blocks_by_rows(events)) >= 4
    assert time.monotonic() - start < 1.9  # loaded in one worker, not 1 s in each in turn


def test_data_files_the_scene_reads_are_reported(service, tmp_path):
    (tmp_path / "colour.txt").write_text("0.2 0.4 0.6")
    body = PURAY_HEADER + textwrap.dedent(
        """
        from tracer.datafiles import read_scene_file

        _path, data = read_scene_file("colour.txt", "colour file")
        r, g, b = map(float, data.split())
        WIDTH, HEIGHT = 8, 8
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 3), 1.0, Material(Color(r, g, b)))]
        LIGHTS = [Light(Point(0, 0, -10))]
        """
    )
    source = SceneSource.from_path(write_scene(tmp_path, "reads.py", body))
    frame, events = collect(service, service.submit(source, RenderSettings()))
    assert frame is not None
    started = next(ev for ev in events if isinstance(ev, JobStarted))
    assert started.files == (str(tmp_path / "colour.txt"),)


#: An animation of {frames} frames that logs every run of its code (each load).
COUNTED = PURAY_HEADER + textwrap.dedent(
    """
    import os
    {extra}
    with open(os.path.join(os.path.dirname(__file__), "loads.log"), "a") as log:
        log.write(f"{{FRAME}}\\n")
    FRAMES = {frames}
    WIDTH, HEIGHT = 32, 18
    CAMERA = Vector(0, 0, -1)
    OBJECTS = [Sphere(Point(-0.5 + T, 0, 2), 0.5, Material(Color(1, 0, 0)))]
    LIGHTS = [Light(Point(0, -5, -5))]
    """
)


@pytest.mark.parametrize(
    ("output", "flags", "runs"),
    [
        ("m.gif", [], ["0", "1", "2", "3"]),
        ("m.png", [], ["0", "1", "2", "3"]),  # an animated PNG, from the default output type
        ("m.png", ["--frame", "2"], ["2"]),
        ("m.gif", ["--frames", "1:3"], ["1", "2"]),
    ],
)
def test_the_command_line_runs_each_frame_of_an_animation_once(
    service, tmp_path, output, flags, runs
):
    path = write_scene(tmp_path, "counted.py", COUNTED.format(frames=4, extra=""))
    out = tmp_path / output
    assert main(["render", str(path), "-o", str(out), "-q", *flags], service) == 0
    assert sorted(_loads(tmp_path)) == runs  # no extra run to learn FRAMES first
    assert out.exists()


def test_a_still_that_might_animate_runs_once(service, tmp_path):
    (tmp_path / "timing.py").write_text("FPS = 12\n")  # a module that might define FRAMES
    body = COUNTED.format(frames=1, extra="from timing import *").replace("FRAMES = 1\n", "")
    path = write_scene(tmp_path, "still.py", body)
    assert main(["render", str(path), "-o", str(tmp_path / "s.png"), "-q"], service) == 0
    assert _loads(tmp_path) == ["0"]


def test_an_animation_that_builds_slowly_is_not_called_an_endless_loop(tmp_path, capfd):
    """A scene whose code is quick but whose shapes take long to prepare (as a big mesh does)."""
    slow = textwrap.dedent(
        """
        import time
        class Slow(Sphere):
            def prepare(self):
                time.sleep(6)  # beyond the load timeout and any grace a probe would give
                super().prepare()
        """
    )
    body = COUNTED.format(frames=2, extra=slow).replace("Sphere(Point(-0.5", "Slow(Point(-0.5")
    path = write_scene(tmp_path, "slow.py", body)
    args = ["render", str(path), "-o", str(tmp_path / "s.png"), "-q", "--frame", "1"]
    assert main([*args, "--load-timeout", "0.5", "--processes", "1"]) == 0, capfd.readouterr()
    assert "endless loop" not in capfd.readouterr().err
    assert _loads(tmp_path) == ["1"]
