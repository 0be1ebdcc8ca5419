"""Programs a scene starts in a session of their own, or as daemons, end with the render too.

A process group cannot hold them (``start_new_session=True``, ``setsid``, a double fork):
the worker marks what it starts, and the worker (ending) or its reaper (when the worker is
killed) ends every process that carries its mark (issue 17: a subprocess started by scene code
outlived ``puray render``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.tracer.helpers import PURAY_HEADER, collect, write_scene
from tests.tracer.test_worker_processes import ENDLESS_CLASS
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.service import RenderService

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and setsid")
ROOT = Path(__file__).resolve().parents[2]

#: A scene that starts `sleep MARK` three ways that leave its worker's process group:
#: a new session, a shell daemon in a new session, and a daemon's double fork (in a Python
#: program of its own, as a real daemon starts).
STARTS_DAEMONS = PURAY_HEADER + textwrap.dedent(
    """
    import os
    import subprocess
    import sys
    import time
    DAEMON = (  # the classic daemon: fork, setsid, fork again, the parents exit
        "import os, sys\\n"
        "if os.fork(): os._exit(0)\\n"
        "os.setsid()\\n"
        "if os.fork(): os._exit(0)\\n"
        "os.execvp('sleep', ['sleep', sys.argv[1]])\\n"
    )
    {endless}
    subprocess.Popen(["sleep", "{marks[0]}"], start_new_session=True)
    subprocess.Popen("setsid sleep {marks[1]} >/dev/null 2>&1 &", shell=True,
                     start_new_session=True).wait()
    subprocess.run([sys.executable, "-c", DAEMON, "{marks[2]}"], check=True)

    def running(marks):  # the scene goes on once its three programs run
        found = set()
        for entry in os.listdir("/proc"):
            try:
                with open(f"/proc/{{entry}}/cmdline", "rb") as f:
                    found.add(f.read().split(b"\\0")[1:2][0].decode())
            except (OSError, IndexError, UnicodeDecodeError):
                pass
        return set(marks) <= found

    for _ in range(150):
        if running({marks!r}):
            break
        time.sleep(0.05)
    WIDTH, HEIGHT = 40, 30
    CAMERA = Vector(0, 0, -1)
    OBJECTS = [Sphere(Point(0, 0, 1), 0.5, {material})]
    LIGHTS = [Light(Point(0, -5, -5))]
    """
)


def _marks() -> list[str]:
    """Return three arguments for sleep that no other process on the machine has."""
    base = f"86400.{secrets.randbelow(10**9):09d}"
    return [f"{base}{k}" for k in range(3)]


def _scene(tmp_path: Path, marks: list[str], endless: bool = False) -> Path:
    body = STARTS_DAEMONS.format(
        marks=marks,
        endless=ENDLESS_CLASS if endless else "",
        material="Endless()" if endless else "Material(Color(1, 0, 0))",
    )
    return write_scene(tmp_path, "daemons.py", body)


def _sleepers(marks: list[str]) -> dict[str, int]:
    """Return {mark: pid} of the live `sleep MARK` processes (zombies are gone)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
            with open(f"/proc/{entry}/stat", "rb") as f:
                state = f.read().rpartition(b")")[2].split()[0]
        except OSError:
            continue
        if len(args) >= 2 and args[0].endswith(b"sleep") and state != b"Z":
            mark = args[1].decode(errors="replace")
            if mark in marks:
                found[mark] = int(entry)
    return found


def _wait_for(marks: list[str], present: bool, seconds: float) -> dict[str, int]:
    """Wait until every sleeper runs (``present``) or none does; return those running."""
    deadline = time.monotonic() + seconds
    while True:
        found = _sleepers(marks)
        if (len(found) == len(marks)) if present else not found:
            return found
        if time.monotonic() > deadline:
            return found
        time.sleep(0.05)


@contextlib.contextmanager
def _cleanup(marks: list[str]):
    """Kill whatever sleeper is left (by pid), whatever the test found."""
    try:
        yield
    finally:
        for pid in _sleepers(marks).values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _cli(scene: Path, out: Path, *flags: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(scene), "-o", str(out), "-q"]
    return subprocess.Popen(
        [*cmd, *flags], cwd=ROOT, stderr=subprocess.DEVNULL, start_new_session=True
    )


@pytest.mark.parametrize("end", ["finished", "SIGTERM", "SIGKILL"])
def test_daemons_a_scene_starts_end_with_puray_render(tmp_path, end):
    marks = _marks()
    scene = _scene(tmp_path, marks, endless=end != "finished")
    with _cleanup(marks):
        cli = _cli(scene, tmp_path / "o.png", "--processes", "2")
        try:
            if end == "finished":  # (the scene loads once its programs run)
                assert cli.wait(timeout=60) == 0
            else:
                assert len(_wait_for(marks, True, 30)) == 3, "the scene's programs never started"
                os.kill(cli.pid, getattr(signal, end))  # the command only
                cli.wait(timeout=10)
            left = _wait_for(marks, False, 10)
            assert not left, f"the scene's programs outlived the command ({end}): {left}"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(cli.pid, signal.SIGKILL)


def test_daemons_end_with_the_window_s_workers_killed_or_closed(tmp_path):
    """A killed worker's reaper ends them; a closed service's workers end theirs."""
    marks, again = _marks(), _marks()
    with _cleanup(marks + again), RenderService(processes=2, start_method="spawn") as service:
        assert service.wait_ready()
        stuck = SceneSource.from_path(_scene(tmp_path, marks, endless=True))
        service.submit(stuck, RenderSettings(block_timeout=600))
        assert len(_wait_for(marks, True, 30)) == 3
        service.cancel()
        for pid in service.worker_pids():  # as when the window replaces a stuck worker
            os.kill(pid, signal.SIGKILL)
        left = _wait_for(marks, False, 10)
        assert not left, f"the scene's programs outlived their killed worker: {left}"

        (tmp_path / "b").mkdir()
        fine = SceneSource.from_path(_scene(tmp_path / "b", again))
        frame, _events = collect(service, service.submit(fine, RenderSettings()))
        assert frame is not None
        assert len(_sleepers(again)) == 3  # the scene loaded once they ran; they still do
    left = _wait_for(again, False, 10)  # the window closed its workers
    assert not left, f"the scene's programs outlived the closed workers: {left}"


@pytest.mark.parametrize("end", ["finished", "SIGKILL"])
def test_daemons_end_with_a_dask_render(tmp_path, end):
    pytest.importorskip("distributed")
    marks = _marks()
    scene = _scene(tmp_path, marks, endless=end != "finished")
    with _cleanup(marks):
        cli = _cli(scene, tmp_path / "o.png", "--scheduler", "local:2", "--load-timeout", "60")
        try:
            if end == "finished":  # (the scene loads once its programs run)
                assert cli.wait(timeout=90) == 0
            else:
                assert len(_wait_for(marks, True, 60)) == 3, "the scene's programs never started"
                os.kill(cli.pid, signal.SIGKILL)  # the command only
                cli.wait(timeout=10)
            left = _wait_for(marks, False, 20)
            assert not left, f"the scene's programs outlived the command ({end}): {left}"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(cli.pid, signal.SIGKILL)
