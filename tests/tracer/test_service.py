"""The render service: streaming, cancellation, determinism, worker death, stuck scenes."""

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

from tests.tracer.helpers import PURAY_HEADER, collect, failure, write_scene
from tracer.errors import SceneError, WorkerDied
from tracer.kernel.render import render_image
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.service import JobFinished, JobStarted, RenderService, RowsReady

ROOT = Path(__file__).resolve().parents[2]
TWOBALLS = SceneSource.from_path(ROOT / "scenes" / "twoballs.py")
SMALL = RenderSettings(width=96, height=54)

RANDOM_SCENE = PURAY_HEADER + textwrap.dedent(
    """
    import random
    import numpy as np

    WIDTH, HEIGHT = 80, 60
    CAMERA = Vector(0, 0, -1)
    OBJECTS = []
    for i in range(12):
        x, y = random.uniform(-1, 1), float(np.random.uniform(-0.5, 0.5))
        OBJECTS.append(Sphere(Point(x, y, 2), 0.15, Material(Color.from_hex("#30a0ff"))))
    LIGHTS = [Light(Point(1.5, -0.5, -10), Color.from_hex("#FFFFFF"))]
    """
)


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=2) as svc:
        assert svc.wait_ready()
        yield svc


def test_rows_stream_in_blocks_and_equal_an_in_process_render(service):
    job = service.submit(TWOBALLS, RenderSettings(width=320, height=180))
    frame, events = collect(service, job)
    assert isinstance(events[0], JobStarted)
    assert (events[0].width, events[0].height) == (320, 180)
    blocks = [ev for ev in events if isinstance(ev, RowsReady)]
    assert len(blocks) >= 2  # streamed, not one frame at the end
    assert isinstance(events[-1], JobFinished)
    np.testing.assert_array_equal(
        frame, render_image(TWOBALLS, RenderSettings(width=320, height=180))
    )


def test_coarse_preview_comes_first_then_full_rows(service):
    job = service.submit(TWOBALLS, RenderSettings(width=320, height=180), coarse=8)
    frame, events = collect(service, job)
    rows = [ev for ev in events if isinstance(ev, RowsReady)]
    coarse = [ev for ev in rows if ev.coarse]
    assert len(coarse) == 1
    assert (coarse[0].width, coarse[0].y1) == (40, 22)
    assert rows.index(coarse[0]) <= 1  # first or second block to arrive
    np.testing.assert_array_equal(
        frame, render_image(TWOBALLS, RenderSettings(width=320, height=180))
    )


def test_random_scene_is_identical_with_one_and_two_workers(tmp_path, service):
    path = write_scene(tmp_path, "random_balls.py", RANDOM_SCENE)
    source = SceneSource.from_path(path)
    two, _ = collect(service, service.submit(source, RenderSettings()))
    with RenderService(processes=1) as single:
        one, _ = collect(single, single.submit(source, RenderSettings()))
    np.testing.assert_array_equal(one, two)
    assert (two.sum(axis=2) > 0).mean() > 0.02  # the balls are there
    other, _ = collect(service, service.submit(source, RenderSettings(seed=7)))
    assert np.any(other != two)  # another seed, another arrangement


def test_cancel_drops_pending_rows_and_the_next_job_runs(service):
    big = service.submit(TWOBALLS, RenderSettings(width=960, height=540, samples=2))
    time.sleep(0.05)
    service.cancel(big)
    cancelled_at = time.monotonic()
    job = service.submit(TWOBALLS, SMALL)
    frame, _events = collect(service, job)
    assert frame is not None
    assert time.monotonic() - cancelled_at < 2.0  # the big job did not have to finish first
    leftovers = []
    while not service.events.empty():
        leftovers.append(service.events.get_nowait())
    assert not [ev for ev in leftovers if ev.job == big]


def test_scene_that_kills_its_worker_fails_the_job_and_the_service_recovers(tmp_path, service):
    body = PURAY_HEADER + textwrap.dedent(
        """
        import os

        class Exploding(Material):
            def color_at(self, position):
                os._exit(3)

        WIDTH, HEIGHT = 40, 30
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 1), 0.5, Exploding())]
        LIGHTS = [Light(Point(0, -5, -5))]
        """
    )
    source = SceneSource.from_path(write_scene(tmp_path, "boom.py", body))
    pids = set(service.worker_pids())
    frame, events = collect(service, service.submit(source, RenderSettings()))
    assert frame is None
    error = failure(events)
    assert isinstance(error, WorkerDied)
    assert "exit code 3" in str(error)
    assert "boom.py" in str(error)
    after, _ = collect(service, service.submit(TWOBALLS, SMALL))
    assert after is not None
    assert after.any()
    assert set(service.worker_pids()) != pids  # a dead worker was replaced


SLOW_BLOCKS = PURAY_HEADER + textwrap.dedent(
    """
    import time
    import numpy as np

    class Slow(Material):
        def colors_at(self, points):
            time.sleep(1.0)  # every block takes a second: a kill lands inside one
            return np.full((len(points), 3), 0.5)

    WIDTH, HEIGHT = 400, 400
    CAMERA = Vector(0, 0, -1)
    OBJECTS = [Sphere(Point(0, 0, 3), 2.0, Slow())]
    LIGHTS = [Light(Point(0, 0, -10))]
    """
)


def test_worker_killed_mid_render_is_reported_and_replaced(service, tmp_path):
    assert service.wait_ready()
    source = SceneSource.from_path(write_scene(tmp_path, "slow.py", SLOW_BLOCKS))
    job = service.submit(source, RenderSettings())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # wait until the scene loaded, then kill a worker
        ev = service.events.get(timeout=10)
        if ev.job == job and isinstance(ev, JobStarted):
            break
    time.sleep(0.3)  # both workers are inside a block now
    os.kill(service.worker_pids()[0], signal.SIGKILL)
    while True:
        ev = service.events.get(timeout=30)
        if ev.job == job and not isinstance(ev, RowsReady):
            break
    error = failure([ev])
    assert isinstance(error, WorkerDied)
    assert "signal 9" in str(error)
    frame, _ = collect(service, service.submit(TWOBALLS, SMALL))
    assert frame is not None


def test_endless_scene_times_out_with_its_line_and_the_service_recovers(tmp_path, service):
    body = PURAY_HEADER + "WIDTH = 10\nwhile True:\n    pass\n"
    path = write_scene(tmp_path, "endless.py", body)
    settings = RenderSettings(load_timeout=1.0)
    start = time.monotonic()
    _, events = collect(service, service.submit(SceneSource.from_path(path), settings))
    error = failure(events)
    assert isinstance(error, SceneError)
    assert time.monotonic() - start < 5
    assert error.filename == str(path)
    assert error.lineno in (8, 9)  # the loop's lines
    assert "within 1 s" in error.message
    frame, _ = collect(service, service.submit(TWOBALLS, SMALL))
    assert frame is not None


def test_sys_exit_in_a_scene_is_an_error_not_an_exit(tmp_path, service):
    body = PURAY_HEADER + "import sys\nWIDTH = 10\nsys.exit(4)\n"
    path = write_scene(tmp_path, "leaver.py", body)
    _, events = collect(service, service.submit(SceneSource.from_path(path), RenderSettings()))
    error = failure(events)
    assert isinstance(error, SceneError)
    assert (error.filename, error.lineno) == (str(path), 9)
    assert "sys.exit(4)" in error.message
    frame, _ = collect(service, service.submit(TWOBALLS, SMALL))
    assert frame is not None


ORPHAN = """
import sys, time
sys.path.insert(0, {root!r})
from tracer.workers.service import RenderService
svc = RenderService(processes=2)
svc.wait_ready()
print(" ".join(map(str, svc.worker_pids())), flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie has exited already
        return f.read().split(") ")[-1][0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
def test_workers_exit_when_their_parent_is_killed():
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHAN.format(root=str(ROOT))], stdout=subprocess.PIPE, text=True
    )
    pids = [int(p) for p in parent.stdout.readline().split()]
    assert len(pids) == 2
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)


def test_a_cancelled_block_stuck_in_scene_code_gets_its_worker_replaced(
    tmp_path, service, monkeypatch
):
    monkeypatch.setattr("tracer.workers.service.KILL_GRACE", 0.5)
    body = PURAY_HEADER + textwrap.dedent(
        """
        class Endless(Material):
            def color_at(self, position):
                while True:
                    pass

        WIDTH, HEIGHT = 40, 30
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 1), 0.5, Endless())]
        LIGHTS = [Light(Point(0, -5, -5))]
        """
    )
    assert service.wait_ready()
    pids = set(service.worker_pids())
    stuck = service.submit(SceneSource.from_path(write_scene(tmp_path, "spin.py", body)), SMALL)
    time.sleep(0.5)  # the workers are inside color_at now
    service.cancel(stuck)
    frame, _ = collect(service, service.submit(TWOBALLS, SMALL), timeout=20)
    assert frame is not None  # the next save renders
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not pids - set(service.worker_pids()):
        time.sleep(0.05)
    assert pids - set(service.worker_pids())  # the stuck one was killed and replaced
    assert service.wait_ready()


def test_a_loaded_scene_reports_its_frames_and_fps(service, tmp_path):
    body = PURAY_HEADER + textwrap.dedent(
        """
        FRAMES, FPS = 12, 30
        WIDTH, HEIGHT = 32, 18
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 1), 0.2 + 0.3 * T, Material(Color(1, 0, 0)))]
        LIGHTS = [Light(Point(0, -5, -5))]
        """
    )
    source = SceneSource.from_path(write_scene(tmp_path, "moving.py", body))
    _, events = collect(service, service.submit(source, RenderSettings(frame=3)))
    started = events[0]
    assert isinstance(started, JobStarted)
    assert (started.frames, started.fps) == (12, 30)
    _, still = collect(service, service.submit(TWOBALLS, SMALL))
    assert (still[0].frames, still[0].fps) == (1, 24)
