"""Rendering on a Dask LocalCluster: same pixels, lost workers, scene errors, cancel."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.tracer.helpers import (
    BUNDLED,
    PURAY_HEADER,
    collect,
    failure,
    pink_in_blue,
    write_scene,
)
from tracer.cli.main import main
from tracer.errors import SceneError
from tracer.kernel.render import render_image
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.service import JobFailed, PixelPicked, RowsReady

pytest.importorskip("distributed")

from tracer.workers.cluster import ClusterService, ClusterUnavailable, parse_scheduler

ROOT = Path(__file__).resolve().parents[2]
SCENES = BUNDLED


@pytest.fixture(scope="module")
def cluster():
    with ClusterService("local:2") as svc:
        yield svc


def _worker_pids(svc: ClusterService) -> list[int]:
    return list(svc.client.run(os.getpid).values())


@pytest.mark.parametrize("scene", SCENES, ids=[p.stem for p in SCENES])
def test_bundled_scenes_render_identically_on_the_cluster(cluster, scene):
    source = SceneSource.from_path(scene)
    settings = RenderSettings(width=120, height=68)
    frame, _ = collect(cluster, cluster.submit(source, settings))
    np.testing.assert_array_equal(frame, render_image(source, settings))


def test_lost_worker_mid_render_still_gives_the_full_image(cluster):
    source = SceneSource.from_path(ROOT / "scenes" / "twoballs.py")
    settings = RenderSettings(width=960, height=540, samples=2)
    job = cluster.submit(source, settings)
    frame = np.zeros((540, 960, 3), np.uint8)
    killed = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ev = cluster.events.get(timeout=120)
        if ev.job != job:
            continue
        if isinstance(ev, RowsReady):
            frame[ev.y0 : ev.y1] = np.frombuffer(ev.pixels, np.uint8).reshape(ev.y1 - ev.y0, -1, 3)
            if not killed:
                os.kill(_worker_pids(cluster)[0], signal.SIGKILL)
                killed = True
        elif type(ev).__name__ in ("JobFinished", "JobFailed"):
            break
    assert type(ev).__name__ == "JobFinished", ev
    assert killed
    np.testing.assert_array_equal(frame, render_image(source, settings))


def test_scene_error_on_a_worker_names_its_line(cluster, tmp_path):
    body = PURAY_HEADER + textwrap.dedent(
        """
        class Broken(Material):
            def color_at(self, position):
                return self.colour_typo

        WIDTH, HEIGHT = 40, 30
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 1), 0.5, Broken())]
        LIGHTS = [Light(Point(0, -5, -5))]
        """
    )
    path = write_scene(tmp_path, "broken_remote.py", body)
    _, events = collect(cluster, cluster.submit(SceneSource.from_path(path), RenderSettings()))
    error = failure(events)
    assert isinstance(error, SceneError)
    assert (error.filename, error.lineno) == (str(path), 10)
    assert "colour_typo" in error.message


def _pick(cluster: ClusterService, source, settings, x: int, y: int):
    """Return the PixelPicked or JobFailed event of a pick on the cluster."""
    job = cluster.pick(source, settings, x, y)
    while True:
        event = cluster.events.get(timeout=60)
        if event.job == job:
            assert isinstance(event, (PixelPicked, JobFailed)), event
            return event


def test_a_pick_on_the_cluster_traces_the_rendered_pixel(cluster):
    source = SceneSource.from_path(ROOT / "scenes" / "twoballs.py")
    settings = RenderSettings(width=160, height=90)
    x, y = pink_in_blue(160, 90)
    event = _pick(cluster, source, settings, x, y)
    assert isinstance(event, PixelPicked)
    assert event.pick.rgb == tuple(int(v) for v in render_image(source, settings)[y, x])
    assert [b.object.index for b in event.pick.bounces[:2]] == [1, 2]  # blue, then pink


def test_a_pick_off_the_frame_on_the_cluster_fails_naming_the_scene(cluster):
    source = SceneSource.from_path(ROOT / "scenes" / "twoballs.py")
    event = _pick(cluster, source, RenderSettings(width=160, height=90), 500, 5)
    assert isinstance(event, JobFailed)
    assert isinstance(event.error, SceneError)
    assert event.error.filename == source.path
    assert "pixel (500, 5) is outside the 160x90 frame" in str(event.error)


def test_cancel_stops_the_tasks(cluster):
    source = SceneSource.from_path(ROOT / "scenes" / "twoballs.py")
    job = cluster.submit(source, RenderSettings(width=1920, height=1080, samples=3))
    while True:
        ev = cluster.events.get(timeout=60)
        if ev.job == job and isinstance(ev, RowsReady):
            break
    cluster.cancel(job)
    deadline = time.monotonic() + 10

    def tasks_left(dask_scheduler):
        return sum(
            1
            for ts in dask_scheduler.tasks.values()
            if ts.state in ("processing", "queued", "waiting", "no-worker")
        )

    while time.monotonic() < deadline and cluster.client.run_on_scheduler(tasks_left):
        time.sleep(0.1)
    assert cluster.client.run_on_scheduler(tasks_left) == 0


def test_unreachable_scheduler_is_a_clear_error():
    start = time.monotonic()
    with pytest.raises(
        ClusterUnavailable, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        ClusterService("tcp://127.0.0.1:9", connect_timeout=1)
    assert time.monotonic() - start < 10


def test_scheduler_spec_parsing():
    assert parse_scheduler("local") == ("local", 2)
    assert parse_scheduler("local:3") == ("local", 3)
    assert parse_scheduler("10.1.2.3:8786") == ("remote", "tcp://10.1.2.3:8786")
    with pytest.raises(ValueError, match="whole number"):
        parse_scheduler("local:x")


def test_cli_renders_on_a_local_cluster_like_local_workers(tmp_path):
    out = tmp_path / "cluster.png"
    scene = ROOT / "scenes" / "twoballs.py"
    args = ["render", str(scene), "-o", str(out), "--width", "160", "--height", "90", "-q"]
    assert main([*args, "--scheduler", "local:2"]) == 0
    pixels = np.asarray(Image.open(out))
    expected = render_image(SceneSource.from_path(scene), RenderSettings(width=160, height=90))
    np.testing.assert_array_equal(pixels, expected)


def test_cli_with_an_unreachable_scheduler_writes_nothing(tmp_path, capfd):
    out = tmp_path / "never.png"
    out.write_bytes(b"old picture")
    args = ["render", str(ROOT / "scenes" / "twoballs.py"), "-o", str(out), "-q"]
    assert main([*args, "--scheduler", "tcp://127.0.0.1:9"]) == 2
    err = capfd.readouterr().err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert out.read_bytes() == b"old picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["never.png"]


def test_workers_need_no_shared_filesystem(cluster, tmp_path):
    folder = tmp_path / "laptop"
    folder.mkdir()
    (folder / "mats.py").write_text(
        "from tracer import Color, Material\nBALL = Material(Color.from_hex('#ff8800'))\n"
    )
    body = PURAY_HEADER + textwrap.dedent(
        """
        import mats

        WIDTH, HEIGHT = 48, 32
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 1), 0.5, mats.BALL)]
        LIGHTS = [Light(Point(0, -5, -5))]
        """
    )
    source = SceneSource.from_path(write_scene(folder, "remote.py", body))
    expected = render_image(source, RenderSettings())
    for path in folder.iterdir():  # the files exist only on "the laptop", not on workers
        path.unlink()
    folder.rmdir()
    frame, _ = collect(cluster, cluster.submit(source, RenderSettings()))
    np.testing.assert_array_equal(frame, expected)
    assert frame[16, 24, 0] > frame[16, 24, 2]  # the sibling module's orange ball


@pytest.mark.parametrize("spec", ["bogus", "foo bar", "tcp://", "host:port"])
def test_a_malformed_scheduler_is_refused_at_once_listing_the_forms(tmp_path, capfd, spec):
    start = time.monotonic()
    args = ["render", str(ROOT / "scenes" / "twoballs.py"), "-o", str(tmp_path / "x.png")]
    assert main([*args, "--scheduler", spec]) == 2
    err = capfd.readouterr().err
    assert time.monotonic() - start < 2
    assert "use local, local:N" in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_a_refused_port_says_refused_not_timed_out():
    start = time.monotonic()
    with pytest.raises(ClusterUnavailable, match="connection refused"):
        ClusterService("127.0.0.1:1", connect_timeout=5)
    assert time.monotonic() - start < 2


def test_errors_on_workers_print_one_message_and_no_dask_internals(tmp_path, capfd):
    broken = textwrap.dedent(
        """
        class Broken(Material):
            def color_at(self, position):
                return self.colour_typo

        WIDTH, HEIGHT = 40, 30
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 1), 0.5, Broken())]
        LIGHTS = [Light(Point(0, -5, -5))]
        """
    )
    exits = "import os\nWIDTH = 10\nos._exit(3)\n"
    for name, body, where in (("broken.py", broken, "broken.py:10:"), ("exits.py", exits, "")):
        path = write_scene(tmp_path, name, PURAY_HEADER + body)
        args = ["render", str(path), "-o", str(tmp_path / "x.png"), "-q"]
        assert main([*args, "--scheduler", "local:2"]) == 2
        err = capfd.readouterr().err
        assert err.count("\n") == 1, err
        assert err.startswith(f"puray: error: {path}")
        assert where in err
        assert "Compute Failed" not in err
        assert not (tmp_path / "x.png").exists()


def test_ctrl_c_on_a_local_cluster_prints_no_worker_tracebacks(tmp_path):
    out = tmp_path / "x.png"
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(ROOT / "scenes" / "twoballs.py")]
    cmd += ["-o", str(out), "--scheduler", "local:2", "--width", "1920", "--height", "1080"]
    cmd += ["--samples", "6"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert "0% of 1080 rows" in proc.stderr.readline()  # the cluster is up and rendering
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole group
        assert proc.wait(timeout=30) == 130
        err = proc.stderr.read()
    finally:
        proc.kill()
        proc.stderr.close()
    assert "Traceback" not in err
    assert err.endswith("puray: interrupted; nothing written\n")
    assert len(err.splitlines()) <= 3
    assert not out.exists()


def test_a_frame_on_the_cluster_is_one_run_of_the_scene(cluster, tmp_path):
    from tests.tracer.test_load_once import UNSEEDED

    path = write_scene(tmp_path, "unseeded.py", UNSEEDED.format(extra=""))
    settings = RenderSettings(samples=8)  # many blocks, spread over both workers
    frame, _ = collect(cluster, cluster.submit(SceneSource.from_path(path), settings))
    assert frame is not None
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) == 1
    assert len((tmp_path / "loads.log").read_text().split()) == 1


def test_the_scene_settings_apply_on_the_cluster(cluster):
    source = SceneSource.from_path(ROOT / "scenes" / "csg_logo.py")  # shadows, 2 x 2 samples
    may = frozenset({"samples", "shadows", "max_depth"})
    frame, _ = collect(cluster, cluster.submit(source, RenderSettings(96, 54, scene_may_set=may)))
    explicit = RenderSettings(width=96, height=54, samples=2, shadows=True)
    np.testing.assert_array_equal(frame, render_image(source, explicit))
    assert not np.array_equal(frame, render_image(source, RenderSettings(96, 54)))
