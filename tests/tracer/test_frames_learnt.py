"""An animation whose FRAMES is computed runs each frame's code once, on any number of workers.

The first frame's load tells FRAMES; every later frame's load is told it, so no worker runs
frame 0 again just to learn it (issue 17: "load once broken").
"""

from __future__ import annotations

import textwrap
import time

import pytest

from tests.tracer.helpers import PURAY_HEADER, write_scene
from tracer.cli.main import main
from tracer.errors import SceneError
from tracer.scene.load import SceneSource, load_scene
from tracer.settings import RenderSettings
from tracer.workers.events import Event, JobFinished, JobStarted
from tracer.workers.router import EventRouter
from tracer.workers.scheduler import FrameScheduler
from tracer.workers.service import RenderService

#: FRAMES computed, not a literal; every run of the scene's code logs "PID FRAME" and takes a
#: moment (so that the frames in flight load side by side, on every worker).
COMPUTED = PURAY_HEADER + textwrap.dedent(
    """
    import os
    import time
    time.sleep(0.2)
    with open(os.path.join(os.path.dirname(__file__), "loads.log"), "a") as log:
        log.write(f"{{os.getpid()}} {{FRAME}}\\n")
    def frame_count():
        return {frames}
    FRAMES = frame_count()
    WIDTH, HEIGHT = 32, 18
    CAMERA = Vector(0, 0, -1)
    OBJECTS = [Sphere(Point(-0.5 + T, 0, 2), 0.5, Material(Color(1, 0, 0)))]
    LIGHTS = [Light(Point(0, -5, -5))]
    """
)


def _runs(folder) -> list[tuple[int, int]]:
    """Return the (pid, FRAME) of every run of the scene's code, in order."""
    lines = (folder / "loads.log").read_text().split("\n")
    return [(int(pid), int(frame)) for pid, frame in (line.split() for line in lines if line)]


def _frames_run(folder) -> list[int]:
    return sorted(frame for _pid, frame in _runs(folder))


@pytest.mark.parametrize("processes", [2, 3])
@pytest.mark.parametrize(
    ("output", "flags", "runs"),
    [
        ("m.gif", [], [0, 1, 2, 3, 4, 5]),
        ("m.png", [], [0, 1, 2, 3, 4, 5]),  # an animated PNG
        # frame 0 runs once to tell FRAMES (T = FRAME / FRAMES), in one worker, not in each
        ("m.gif", ["--frames", "2:5"], [0, 2, 3, 4]),
    ],
)
def test_each_frame_runs_once_whatever_the_workers(tmp_path, processes, output, flags, runs):
    path = write_scene(tmp_path, "computed.py", COMPUTED.format(frames="2 * 3"))
    out = tmp_path / output
    args = ["render", str(path), "-o", str(out), "-q", "--processes", str(processes), *flags]
    assert main(args) == 0
    assert out.exists()
    assert _frames_run(tmp_path) == runs


def test_each_frame_runs_once_on_a_dask_cluster(tmp_path):
    pytest.importorskip("distributed")
    path = write_scene(tmp_path, "computed.py", COMPUTED.format(frames="2 * 3"))
    out = tmp_path / "m.gif"
    assert main(["render", str(path), "-o", str(out), "-q", "--scheduler", "local:2"]) == 0
    assert out.exists()
    assert _frames_run(tmp_path) == [0, 1, 2, 3, 4, 5]


def test_frames_told_by_another_load_is_checked(tmp_path):
    """A FRAMES that differs from the one another load told is refused at its line."""
    path = write_scene(tmp_path, "computed.py", COMPUTED.format(frames="2 * 3"))
    told = SceneSource.from_path(path).knowing_frames(seed=0, frames=4)
    with pytest.raises(SceneError) as caught:
        load_scene(told, frame=2)
    error = caught.value
    line = path.read_text().splitlines().index("FRAMES = frame_count()") + 1
    assert (error.filename, error.lineno) == (str(path), line)
    assert "FRAMES" in error.message
    assert "4" in error.message
    assert "6" in error.message


def test_frames_told_for_another_seed_is_not_used(tmp_path):
    path = write_scene(tmp_path, "computed.py", COMPUTED.format(frames="2 * 3"))
    told = SceneSource.from_path(path).knowing_frames(seed=7, frames=4)
    scene = load_scene(told, seed=0, frame=3)
    assert scene.frames == 6
    assert _frames_run(tmp_path) == [0, 3]  # frame 0 told FRAMES instead


def test_frames_in_flight_at_once_run_each_frame_once(tmp_path):
    """The window's export: a FrameScheduler asked for more frames than workers at once."""
    path = write_scene(tmp_path, "computed.py", COMPUTED.format(frames="2 * 3"))
    with RenderService(processes=2) as service:
        router = EventRouter(service)
        numbers, done = iter(range(6)), []

        def heard(event: Event) -> None:  # as the export does: more frames once one started
            if isinstance(event, (JobStarted, JobFinished)):
                run.fill(numbers)

        run = FrameScheduler(router, SceneSource.from_path(path), RenderSettings(), 3, True, heard)
        run.fill(numbers)
        deadline = time.monotonic() + 120
        while len(done) < 6 and time.monotonic() < deadline:
            router.wait(0.1)
            assert run.failure is None
            while (frame := run.next_finished()) is not None:
                done.append(frame.number)
    assert done == [0, 1, 2, 3, 4, 5]
    assert _frames_run(tmp_path) == [0, 1, 2, 3, 4, 5]
    assert len({pid for pid, _frame in _runs(tmp_path)}) == 2  # both workers loaded frames


def test_a_literal_frames_keeps_every_frame_in_flight_from_the_start(tmp_path):
    path = write_scene(tmp_path, "literal.py", COMPUTED.format(frames=6))
    text = path.read_text().replace("FRAMES = frame_count()", "FRAMES = 6")
    path.write_text(text)
    with RenderService(processes=2) as service:
        run = FrameScheduler(EventRouter(service), SceneSource.from_path(path), RenderSettings(), 3)
        run.fill(iter(range(6)))
        assert len(run.in_flight) == 3  # no need to wait for the first load: FRAMES is 6
        run.cancel()
