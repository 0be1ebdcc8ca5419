"""The job core: the worker protocol's records, the backend interface, the router, the scheduler."""

from __future__ import annotations

import inspect
import multiprocessing as mp
import os
from pathlib import Path

import numpy as np
import pytest

from tests.gui.fakes import FakeService, rows
from tracer.errors import SceneError
from tracer.kernel.render import render_image, restore
from tracer.scene.source import SceneSource
from tracer.settings import RenderSettings
from tracer.workers import worker
from tracer.workers.backend import RenderBackend
from tracer.workers.cluster import ClusterService
from tracer.workers.events import JobFailed, JobFinished, JobStarted, PixelPicked, RowsReady
from tracer.workers.protocol import (
    Failed,
    Load,
    Loaded,
    Missing,
    Ready,
    RenderRows,
    RowsRendered,
    Share,
    Shared,
    Stop,
)
from tracer.workers.router import EventRouter
from tracer.workers.scheduler import FrameScheduler
from tracer.workers.service import RenderService

ROOT = Path(__file__).resolve().parents[2]
TWOBALLS = SceneSource.from_path(ROOT / "scenes" / "twoballs.py")
SMALL = RenderSettings(width=40, height=24)


# -- the backend interface ------------------------------------------------------------------


@pytest.mark.parametrize("backend", [RenderService, ClusterService, FakeService])
@pytest.mark.parametrize("method", ["submit", "pick", "cancel", "close"])
def test_every_backend_takes_the_interface_s_arguments(backend, method):
    def arguments(function) -> list[tuple[str, object]]:
        params = list(inspect.signature(function).parameters.values())[1:]  # after self
        return [(p.name, p.default) for p in params]

    assert arguments(getattr(backend, method)) == arguments(getattr(RenderBackend, method))


def test_the_fake_has_the_interface_s_attributes():
    fake = FakeService()
    assert isinstance(fake.processes, int)
    assert fake.events.empty()


# -- the worker protocol --------------------------------------------------------------------


def test_a_worker_answers_each_request_with_its_record():
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=worker.main, args=(child, os.getpid()), daemon=True)
    process.start()
    child.close()
    try:
        assert isinstance(parent.recv(), Ready)
        parent.send(Load(1, TWOBALLS, SMALL, share=True))
        loaded = parent.recv()
        assert isinstance(loaded, Loaded)
        assert (loaded.info.width, loaded.info.height) == (40, 24)
        assert (loaded.info.scene_width, loaded.info.scene_height) == (960, 540)
        assert loaded.snapshot is not None  # asked to share it, and twoballs can travel
        parent.send(RenderRows(1, loaded.key, SMALL, 10, 14, ids=False))
        block = parent.recv()
        assert isinstance(block, RowsRendered)
        expected = render_image(TWOBALLS, SMALL)[10:14]
        assert np.frombuffer(block.pixels, np.uint8).reshape(4, 40, 3).tolist() == (
            expected.tolist()
        )
        parent.send(Share(1, loaded.key))
        shared = parent.recv()
        assert isinstance(shared, Shared)
        assert restore(shared.snapshot).fingerprint() == loaded.fingerprint
        parent.send(RenderRows(2, ("another", 0, 0), SMALL, 0, 1, ids=False))
        missing = parent.recv()
        assert isinstance(missing, Missing)
        assert (missing.job, missing.key) == (2, ("another", 0, 0))
        parent.send(Share(2, ("another", 0, 0)))
        assert isinstance(parent.recv(), Missing)
        parent.send(Load(3, SceneSource("/nowhere/broken.py", "WIDTH = 1 / 0\n"), SMALL, False))
        failed = parent.recv()
        assert isinstance(failed, Failed)
        assert isinstance(failed.error, SceneError)
        parent.send(Stop())
        process.join(timeout=10)
        assert process.exitcode == 0
    finally:
        if process.is_alive():
            process.kill()
        parent.close()


# -- the router -----------------------------------------------------------------------------


def test_the_router_hands_each_job_its_events_and_drops_the_rest():
    fake = FakeService()
    router = EventRouter(fake)
    got: dict[int, list] = {1: [], 2: []}
    router.watch(1, got[1].append)
    router.watch(2, got[2].append)
    for event in (JobStarted(1, 4, 1), JobStarted(3, 4, 1), rows(2, 0, 1, 9), JobFinished(1, 0.5)):
        fake.events.put(event)
    router.drain()
    assert [type(e) for e in got[1]] == [JobStarted, JobFinished]
    assert [type(e) for e in got[2]] == [RowsReady]
    assert router.watching  # job 2 has not ended
    fake.events.put(JobStarted(1, 4, 1))  # after its last event: nobody listens any more
    router.drain()
    assert len(got[1]) == 2
    router.cancel(2)
    assert fake.cancelled == [2]
    assert not router.watching


def test_the_router_waits_for_one_event_at_a_time():
    fake = FakeService()
    router = EventRouter(fake)
    answers: list = []
    router.watch(7, answers.append)
    assert not router.wait(0.01)
    fake.events.put(PixelPicked(7, "a pick"))
    fake.events.put(PixelPicked(8, "another"))
    assert router.wait(0.01)
    assert answers == [PixelPicked(7, "a pick")]
    assert not router.watching


# -- the scheduler --------------------------------------------------------------------------


def _finish(fake: FakeService, job: int, value: int) -> None:
    """Put the events of a 4x1 frame of ``value`` that job ``job`` rendered."""
    for event in (JobStarted(job, 4, 1), rows(job, 0, 1, value), JobFinished(job, 0.1)):
        fake.events.put(event)


def test_frames_are_handed_on_in_order_whatever_order_they_finish():
    fake = FakeService()
    router = EventRouter(fake)
    frames = FrameScheduler(router, TWOBALLS, SMALL, ahead=3)
    numbers = iter(range(5))
    frames.fill(numbers)
    assert [s.frame for _source, s, _coarse in fake.submitted] == [0, 1, 2]  # jobs 1, 2, 3
    _finish(fake, 3, 30)
    _finish(fake, 1, 10)
    router.drain()
    first = frames.next_finished()
    assert first is not None
    assert first.number == 0
    assert first.pixels.max() == 10
    assert frames.next_finished() is None  # frame 2 is done, but frame 1 is not
    assert frames.in_flight == [1]
    frames.fill(numbers)
    assert [s.frame for _source, s, _coarse in fake.submitted] == [0, 1, 2, 3]  # 3 held
    _finish(fake, 2, 20)
    router.drain()
    handed = [frames.next_finished(), frames.next_finished(), frames.next_finished()]
    assert [f.number if f else None for f in handed] == [1, 2, None]
    assert frames.progress() == 3  # frames 0 to 2 handed on, frame 3 not started


def test_without_order_each_frame_is_handed_on_as_it_ends_failed_ones_too():
    fake = FakeService()
    router = EventRouter(fake)
    seen: list = []
    frames = FrameScheduler(router, TWOBALLS, SMALL, 2, ordered=False, listener=seen.append)
    frames.fill(iter(range(4)))
    fake.events.put(JobFailed(2, SceneError("no frame 1")))
    router.drain()
    failed = frames.next_finished()
    assert failed is not None
    assert failed.number == 1
    assert failed.error is not None
    assert frames.failure is None  # handed on: no longer held
    frames.fill(iter([2]))
    _finish(fake, 1, 5)
    router.drain()
    done = frames.next_finished()
    assert done is not None
    assert done.number == 0
    assert done.done
    assert frames.in_flight == [2]
    assert len(seen) == 4  # the listener heard every event


def test_an_ordered_failure_is_reported_at_once_and_cancel_stops_the_rest():
    fake = FakeService()
    router = EventRouter(fake)
    frames = FrameScheduler(router, TWOBALLS, SMALL, ahead=lambda: 3)
    frames.fill(iter(range(10)))
    fake.events.put(JobFailed(3, SceneError("no frame 2")))
    router.drain()
    failed = frames.failure
    assert failed is not None
    assert failed.number == 2
    frames.cancel()
    assert sorted(fake.cancelled) == [1, 2]
    assert not router.watching
    assert frames.held == []
