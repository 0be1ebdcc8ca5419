"""Worker processes under abuse: stopped, forked, stuck in a material, orphaned."""

from __future__ import annotations

import contextlib
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
from tracer.errors import SceneError
from tracer.kernel.render import render_image
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.service import JobFailed, JobFinished, RenderService, RowsReady

ROOT = Path(__file__).resolve().parents[2]
TWOBALLS = SceneSource.from_path(ROOT / "scenes" / "twoballs.py")
SMALL = RenderSettings(width=96, height=54)
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")

ENDLESS_CLASS = textwrap.dedent(
    """
    class Endless(Material):
        def color_at(self, position):
            while True:
                position = position
            return self.color
    """
)
ENDLESS_MATERIAL = (
    PURAY_HEADER
    + ENDLESS_CLASS
    + textwrap.dedent(
        """
    WIDTH, HEIGHT = 40, 30
    CAMERA = Vector(0, 0, -1)
    OBJECTS = [Sphere(Point(0, 0, 1), 0.5, Endless())]
    LIGHTS = [Light(Point(0, -5, -5))]
    """
    )
)


@pytest.fixture
def service():
    with RenderService(processes=2) as svc:
        assert svc.wait_ready()
        yield svc


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _wait_gone(pids, seconds: float = 5.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


def test_a_block_longer_than_the_load_timeout_does_not_blame_the_scene(
    service, tmp_path, monkeypatch
):
    monkeypatch.setattr("tracer.workers.service.KILL_GRACE", 0.3)
    body = PURAY_HEADER + textwrap.dedent(
        """
        import time
        import numpy as np

        class Slow(Material):
            def colors_at(self, points):
                time.sleep(1.0)  # a heavy material: each block takes a second
                return np.full((len(points), 3), 0.5)

        WIDTH, HEIGHT = 40, 30
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 1), 0.5, Slow())]
        LIGHTS = [Light(Point(0, -5, -5))]
        """
    )
    source = SceneSource.from_path(write_scene(tmp_path, "heavy.py", body))
    frame, events = collect(service, service.submit(source, RenderSettings(load_timeout=0.2)))
    assert frame is not None, failure(events)
    assert frame.any()


def test_a_material_stuck_in_an_endless_loop_is_stopped_at_its_line(service, tmp_path):
    path = write_scene(tmp_path, "spin.py", ENDLESS_MATERIAL)
    settings = RenderSettings(block_timeout=1.0)
    start = time.monotonic()
    frame, events = collect(service, service.submit(SceneSource.from_path(path), settings))
    assert frame is None
    error = failure(events)
    assert isinstance(error, SceneError)
    assert error.filename == str(path)
    assert error.lineno in (10, 11)  # the loop's lines in color_at
    assert "took longer than 1 s" in error.message
    assert time.monotonic() - start < 6
    after, _ = collect(service, service.submit(TWOBALLS, SMALL))
    assert after is not None


@linux_only
def test_a_stopped_worker_neither_hangs_the_render_nor_blames_the_scene(service):
    settings = RenderSettings(width=480, height=270, samples=3)
    job = service.submit(TWOBALLS, settings)
    victim = service.worker_pids()[0]
    events = []
    try:
        while not isinstance(events[-1] if events else None, (JobFinished, JobFailed)):
            ev = service.events.get(timeout=30)
            if ev.job != job:
                continue
            events.append(ev)
            if isinstance(ev, RowsReady) and _alive(victim):  # stop it in the middle of a block
                os.kill(victim, signal.SIGSTOP)
    finally:
        if _alive(victim):
            os.kill(victim, signal.SIGCONT)
    assert isinstance(events[-1], JobFinished), failure(events)
    frame = np.zeros((270, 480, 3), np.uint8)
    for ev in events:
        if isinstance(ev, RowsReady):
            frame[ev.y0 : ev.y1] = np.frombuffer(ev.pixels, np.uint8).reshape(-1, 480, 3)
    np.testing.assert_array_equal(frame, render_image(TWOBALLS, settings))
    assert victim not in service.worker_pids()
    assert not _wait_gone([victim])  # the stopped process was killed, not left behind


@linux_only
def test_a_worker_that_forks_and_exits_is_noticed(service, tmp_path):
    body = PURAY_HEADER + textwrap.dedent(
        """
        import os
        import time

        if os.fork():
            os._exit(0)  # the worker itself ends; its forked copy goes on loading
        time.sleep(30)
        WIDTH = 10
        """
    )
    before = set(service.worker_pids())
    path = write_scene(tmp_path, "forker.py", body)
    start = time.monotonic()
    frame, events = collect(service, service.submit(SceneSource.from_path(path), SMALL), 15)
    assert frame is None
    error = failure(events)
    assert isinstance(error, SceneError)
    assert "ended its worker process while loading (exit code 0)" in error.message
    assert time.monotonic() - start < 5
    assert set(service.worker_pids()) != before  # the dead pid is no longer listed
    orphans = [p for p in before if p not in service.worker_pids()]
    assert not _wait_gone(orphans)
    after, _ = collect(service, service.submit(TWOBALLS, SMALL))
    assert after is not None


RENDER_FOREVER = """
import sys
sys.path.insert(0, {root!r})
from tracer.cli.main import main
args = ["--block-timeout", "600", "--width", "960", "--height", "540"]
sys.exit(main(["render", {scene!r}, "-o", {out!r}, *args]))
"""


def _busy_workers(parent: int, count: int) -> list[int]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        pids = _children(parent)
        busy = [p for p in pids if _cpu_seconds(p) > 0.3]
        if len(busy) >= count:
            return pids
        time.sleep(0.1)
    raise AssertionError("the workers never got busy")


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@linux_only
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_workers_busy_in_scene_code_die_with_the_command(tmp_path, signum):
    scene = write_scene(tmp_path, "spin.py", ENDLESS_MATERIAL)
    script = RENDER_FOREVER.format(root=str(ROOT), scene=str(scene), out=str(tmp_path / "o.png"))
    cli = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.DEVNULL)
    try:
        workers = _busy_workers(cli.pid, 2)
        os.kill(cli.pid, signum)  # the process only, not its group
        cli.wait(timeout=10)
        assert not _wait_gone(workers), "workers outlived the command"
    finally:
        if cli.poll() is None:
            cli.kill()
    assert not (tmp_path / "o.png").exists()


GUI_LIKE = """
import sys, time
sys.path.insert(0, {root!r})
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.service import RenderService
svc = RenderService(processes=2)
svc.wait_ready()
settings = RenderSettings(width=960, height=540, block_timeout=600)
svc.submit(SceneSource.from_path({scene!r}), settings)
time.sleep(60)
"""


@linux_only
def test_spawned_workers_busy_in_scene_code_die_when_the_window_is_killed(tmp_path):
    scene = write_scene(tmp_path, "spin.py", ENDLESS_MATERIAL)
    script = GUI_LIKE.format(root=str(ROOT), scene=str(scene))
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        workers = _busy_workers(parent.pid, 2)
        parent.kill()
        parent.wait()
        assert not _wait_gone(workers)
    finally:
        if parent.poll() is None:
            parent.kill()


SLOW_ANIMATION = PURAY_HEADER + textwrap.dedent(
    """
    FRAMES = 10
    while True:  # frame 0 never finishes loading
        pass
    """
)


@linux_only
def test_the_worker_loading_an_animations_first_frame_dies_with_the_command(tmp_path):
    """The load of frame 0, which tells FRAMES, runs in a worker like any other: no orphan."""
    scene = write_scene(tmp_path, "spin_anim.py", SLOW_ANIMATION)
    out = tmp_path / "spin.gif"
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(scene), "-o", str(out)]
    cli = subprocess.Popen([*cmd, "--load-timeout", "60"], cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        loading = _busy_workers(cli.pid, 1)
        cli.kill()
        cli.wait(timeout=10)
        assert not _wait_gone(loading), "the worker loading frame 0 outlived the command"
    finally:
        if cli.poll() is None:
            cli.kill()
    assert not out.exists()


#: A scene that starts a program (its pid goes to sleep.pid beside it); {extra} follows.
STARTS_A_PROGRAM = PURAY_HEADER + textwrap.dedent(
    """
    import os
    import subprocess

    sleeper = subprocess.Popen(["sleep", "100"])
    with open(os.path.join(os.path.dirname(__file__), "sleep.pid"), "a") as f:
        f.write(f"{{sleeper.pid}}\\n")
    WIDTH, HEIGHT = 40, 30
    CAMERA = Vector(0, 0, -1)
    OBJECTS = [Sphere(Point(0, 0, 1), 0.5)]
    LIGHTS = [Light(Point(0, -5, -5))]
    {extra}
    """
)


def _sleepers(folder: Path) -> list[int]:
    deadline = time.monotonic() + 30
    while not (folder / "sleep.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return [int(p) for p in (folder / "sleep.pid").read_text().split()]


@linux_only
@pytest.mark.parametrize("end", ["finished", "SIGTERM", "SIGKILL"])
def test_programs_a_scene_starts_end_with_the_command(tmp_path, end):
    extra = "" if end == "finished" else "OBJECTS[0].material = Endless()"
    body = STARTS_A_PROGRAM.format(extra=extra)
    if end != "finished":  # the render never ends by itself
        body = body.replace("import subprocess\n", "import subprocess\n" + ENDLESS_CLASS)
    scene = write_scene(tmp_path, "starts.py", body)
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(scene), "-o", str(tmp_path / "o.png")]
    cli = subprocess.Popen([*cmd, "-q", "--processes", "2"], cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        sleepers = _sleepers(tmp_path)
        if end == "finished":
            assert cli.wait(timeout=60) == 0
        else:
            _busy_workers(cli.pid, 1)  # in the endless material
            os.kill(cli.pid, getattr(signal, end))  # the command only, as a process manager
            cli.wait(timeout=10)
        assert not _wait_gone(sleepers), f"the scene's program outlived the command ({end})"
    finally:
        if cli.poll() is None:
            cli.kill()
        for pid in _sleepers(tmp_path):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
