"""The link to the render service: each job's events reach its handler, and only them."""

from __future__ import annotations

import pytest

from puray_gui.service_link import ServiceLink
from tracer.errors import WorkerDied
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.service import JobFailed, JobFinished, JobStarted

from .fakes import FakeService, rows

SCENE = SceneSource("/tmp/scene.py", "WIDTH = 4\nHEIGHT = 4\n")


@pytest.fixture
def fake():
    return FakeService()


def _submit(link: ServiceLink, handler) -> int:
    """Submit a frame to the link's service and watch it, as the session does."""
    job = link.backend.submit(SCENE, RenderSettings())
    link.watch(job, handler)
    return job


def _pool(processes: int) -> FakeService:
    pool = FakeService()
    pool.processes = processes
    return pool


def test_each_job_s_events_reach_its_listener_until_it_ends(qtbot, fake):
    link = ServiceLink(fake)
    first: list = []
    second: list = []
    one = _submit(link, first.append)
    two = _submit(link, second.append)
    events = [JobStarted(one, 4, 4), rows(two, 0, 4, 9), JobFinished(one, 0.1), rows(one, 0, 1, 1)]
    for event in events:
        fake.events.put(event)
    with qtbot.waitSignal(link.drained, timeout=2000):
        pass
    assert first == [events[0], events[2]]  # nothing after the job's end
    assert second == [events[1]]
    link.close()
    assert fake.cancelled == [two]  # closing stops the jobs still running


def test_a_cancelled_job_s_queued_events_are_dropped(qtbot, fake):
    link = ServiceLink(fake)
    heard: list = []
    job = _submit(link, heard.append)
    fake.events.put(rows(job, 0, 1, 5))
    link.cancel(job)
    with qtbot.waitSignal(link.drained, timeout=2000):
        pass
    assert heard == []
    assert fake.cancelled == [job]
    link.close()


def test_a_new_worker_count_replaces_the_pool_and_fails_the_jobs_in_flight(qtbot):
    old = _pool(1)
    pools: list = []

    def start(processes: int) -> FakeService:
        pools.append(_pool(processes))
        return pools[-1]

    link = ServiceLink(old, start=start, owns_service=True)
    heard: list = []
    job = _submit(link, heard.append)
    link.use_processes(1)
    assert pools == []  # the same count: the same pool
    with qtbot.waitSignal(link.service_replaced, timeout=2000):
        link.use_processes(3)
    assert link.service is pools[0]
    assert pools[0].processes == 3
    assert [type(e) for e in heard] == [JobFailed]
    assert heard[0].job == job
    assert isinstance(heard[0].error, WorkerDied)
    link.close()  # joins the thread closing the old pool
    assert old.closed
    assert pools[0].closed


def test_a_shared_service_keeps_its_workers(qtbot, fake):
    link = ServiceLink(fake)
    assert not link.resizable
    link.use_processes(5)
    assert link.service is fake
    link.close()
    assert not fake.closed
