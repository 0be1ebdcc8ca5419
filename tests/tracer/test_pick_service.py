"""Picks and id buffers on the render service: traced by workers, on the frame's own load."""

from __future__ import annotations

import contextlib
import os
import signal
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from tests.tracer.helpers import PURAY_HEADER, collect, pink_in_blue, write_scene
from tracer.errors import SceneError
from tracer.kernel.render import read_ids, render_image
from tracer.pick import Pick
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.service import JobFailed, JobStarted, PixelPicked, RenderService, RowsReady

ROOT = Path(__file__).resolve().parents[2]
TWOBALLS_PATH = ROOT / "scenes" / "twoballs.py"
TWOBALLS = SceneSource.from_path(TWOBALLS_PATH)
SMALL = RenderSettings(width=160, height=90)

#: Different in every run of its code: only a pick on the frame's own load can match it.
CLOCK_SCENE = PURAY_HEADER + textwrap.dedent(
    """
    import time

    WIDTH, HEIGHT = 80, 45
    CAMERA = Vector(0, 0, -1)
    x = (time.perf_counter_ns() % 1000) / 2000 - 0.25
    OBJECTS = [Sphere(Point(x, 0, 2), 0.5, Material(Color.from_hex("#30a0ff")))]
    LIGHTS = [Light(Point(1.5, -0.5, -10), Color.from_hex("#FFFFFF"))]
    """
)


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=2) as svc:
        assert svc.wait_ready()
        yield svc


def answer(service: RenderService, job: int, timeout: float = 30.0):
    """Return the PixelPicked or JobFailed event of a pick job."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = service.events.get(timeout=max(0.01, deadline - time.monotonic()))
        if event.job == job:
            assert isinstance(event, (PixelPicked, JobFailed)), event
            return event
    raise TimeoutError(f"pick {job} did not answer within {timeout} s")


def test_a_worker_picks_a_scene_it_never_loaded(service):
    x, y = pink_in_blue(160, 90)
    event = answer(service, service.pick(TWOBALLS, SMALL, x, y))
    assert isinstance(event, PixelPicked)
    p = event.pick
    assert isinstance(p, Pick)
    assert p.rgb == tuple(int(v) for v in render_image(TWOBALLS, SMALL)[y, x])
    assert [b.object.index for b in p.bounces[:2]] == [1, 2]  # blue ball, then the pink one


def test_a_pick_uses_the_load_the_frame_was_rendered_from(service, tmp_path):
    source = SceneSource.from_path(write_scene(tmp_path, "clock.py", CLOCK_SCENE))
    settings = RenderSettings()
    frame, _ = collect(service, service.submit(source, settings))
    edge = [x for x in range(1, 80) if frame[22, x - 1].any() != frame[22, x].any()]
    assert edge, "the ball should be in the frame"
    for x in (edge[0] - 1, edge[0], edge[0] + 1, 40):  # pixels right at the ball's edge
        event = answer(service, service.pick(source, settings, x, 22))
        assert isinstance(event, PixelPicked)
        assert event.pick.rgb == tuple(int(v) for v in frame[22, x])


def test_a_pick_off_the_frame_or_in_a_failing_material_fails_with_the_line(service, tmp_path):
    event = answer(service, service.pick(TWOBALLS, SMALL, 160, 10))
    assert isinstance(event, JobFailed)
    assert "pixel (160, 10) is outside the 160x90 frame" in str(event.error)
    body = PURAY_HEADER + textwrap.dedent(
        """
        class Broken(Material):
            def color_at(self, position):
                return 1 / 0

        WIDTH, HEIGHT = 32, 18
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 2), 0.9, Broken())]
        LIGHTS = [Light(Point(1.5, -0.5, -10))]
        """
    )
    path = write_scene(tmp_path, "broken.py", body)
    event = answer(service, service.pick(SceneSource.from_path(path), RenderSettings(), 16, 9))
    assert isinstance(event, JobFailed)
    assert isinstance(event.error, SceneError)
    assert (event.error.filename, event.error.lineno) == (str(path), 10)
    assert "ZeroDivisionError" in str(event.error)


def test_rows_carry_the_id_buffer_when_asked_and_the_start_names_the_objects(service):
    job = service.submit(TWOBALLS, SMALL, coarse=8, ids=True)
    frame, events = collect(service, job)
    started = next(e for e in events if isinstance(e, JobStarted))
    lines = TWOBALLS_PATH.read_text().splitlines()
    assert [(kind, line) for kind, _file, line in started.objects] == [
        ("Sphere", lines.index("    # Ground plane: a huge sphere") + 2),
        ("Sphere", lines.index("    # Blue ball") + 2),
        ("Sphere", lines.index("    # Pink ball") + 2),
    ]
    ids = np.full((90, 160), -2, np.int32)
    for event in events:
        if isinstance(event, RowsReady):
            assert (event.ids is None) == event.coarse
            if event.ids is not None:
                assert len(event.ids) == (event.y1 - event.y0) * 160  # 1 byte: 3 objects
                ids[event.y0 : event.y1] = read_ids(event.ids, event.y1 - event.y0, 160)
    assert set(np.unique(ids)) == {-1, 0, 1, 2}
    x, y = pink_in_blue(160, 90)
    assert ids[y, x] == 1  # the blue ball (the pink one is only its reflection)
    plain = collect(service, service.submit(TWOBALLS, SMALL))[1]
    assert all(e.ids is None for e in plain if isinstance(e, RowsReady))
    assert np.array_equal(frame, collect(service, service.submit(TWOBALLS, SMALL))[0])


def test_a_worker_killed_while_picking_is_replaced_and_said_so(service, tmp_path):
    body = PURAY_HEADER + textwrap.dedent(
        """
        import os

        class Fatal(Material):
            def color_at(self, position):
                os._exit(3)

        WIDTH, HEIGHT = 32, 18
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 2), 0.9, Fatal())]
        LIGHTS = [Light(Point(1.5, -0.5, -10))]
        """
    )
    source = SceneSource.from_path(write_scene(tmp_path, "fatal.py", body))
    event = answer(service, service.pick(source, RenderSettings(), 16, 9))
    assert isinstance(event, JobFailed)
    assert "died (exit code 3) while picking pixel (16, 9) of fatal.py" in str(event.error)
    again = answer(service, service.pick(TWOBALLS, SMALL, 3, 80))
    assert isinstance(again, PixelPicked)


def test_workers_stopped_while_loading_a_pick_are_replaced_and_it_is_answered(tmp_path):
    body = PURAY_HEADER + textwrap.dedent(
        """
        import time

        time.sleep(0.6)  # a slow load: the workers are stopped in the middle of it
        WIDTH, HEIGHT = 32, 18
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 2), 0.9, Material(Color.from_hex("#30a0ff")))]
        LIGHTS = [Light(Point(1.5, -0.5, -10))]
        """
    )
    source = SceneSource.from_path(write_scene(tmp_path, "slow.py", body))
    with RenderService(processes=2) as service:
        assert service.wait_ready()
        victims = service.worker_pids()
        job = service.pick(source, RenderSettings(), 16, 9)
        time.sleep(0.2)
        try:
            for pid in victims:
                os.kill(pid, signal.SIGSTOP)
            event = answer(service, job)
        finally:
            for pid in victims:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)
        assert isinstance(event, PixelPicked), event
        assert event.pick.bounces[0].object.index == 0
        assert not set(victims) & set(service.worker_pids())
