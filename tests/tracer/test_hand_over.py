"""A worker that holds a scene version is sent nothing of it; one that lacks it gets a snapshot
only when it waits for one."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from tests.tracer.helpers import PURAY_HEADER, collect, write_scene
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings
from tracer.workers import dispatch, service
from tracer.workers.jobs import Job, WorkerSlot
from tracer.workers.protocol import (
    Adopt,
    FrameInfo,
    Load,
    Loaded,
    RenderRows,
    Share,
    Shared,
    TakeScene,
)
from tracer.workers.service import RenderService

SCENE = PURAY_HEADER + "WIDTH, HEIGHT = 64, 256\nCAMERA = Vector(0, 0, -1)\nLIGHTS = []\n"
SCENE += "OBJECTS = [Sphere(Point(0, 0, 3), 1.0, Material(Color(1, 0, 0)))]\n"


def _source(tmp_path, name="s.py", text=SCENE) -> SceneSource:
    return SceneSource.from_path(write_scene(tmp_path, name, text))


def _workers(count: int) -> list[WorkerSlot]:
    workers = [WorkerSlot(i, None, None) for i in range(count)]
    for w in workers:
        w.ready = True
    return workers


def _plan(workers, jobs) -> dict[int, object]:
    """Plan once; the planned workers take their requests (as the service's send does)."""
    held = lambda key: any(w.holds(key) for w in workers)  # noqa: E731
    given = dispatch.plan(workers, jobs, held)
    for w, msg in given:
        w.task = msg
    return {w.index: msg for w, msg in given}


def _reply(w: WorkerSlot, job: Job, reply) -> None:
    """Answer ``w``'s request as its process would (the service's bookkeeping)."""
    task, w.task = w.task, None
    if hasattr(reply, "key") and not isinstance(reply, Shared):
        w.used(reply.key)
    job.answer(reply, task)


def _loaded(job: Job, snapshot: bytes | None) -> Loaded:
    info = FrameInfo(64, 256, 64, 256, 1, 24.0, None)
    return Loaded(job.id, job.version, info, snapshot, "print", {}, ())


def test_a_first_load_answers_a_snapshot_for_the_worker_left_waiting(tmp_path):
    a, _b = workers = _workers(2)
    job = Job(1, _source(tmp_path), RenderSettings(samples=4), 0)
    given = _plan(workers, [job])
    assert isinstance(given[0], Load)
    assert given[0].share  # b waits for this version
    assert 1 not in given
    _reply(a, job, _loaded(job, b"scene"))
    given = _plan(workers, [job])
    assert isinstance(given[0], RenderRows)
    assert isinstance(given[1], TakeScene)
    assert given[1].snapshot == b"scene"


def test_a_version_every_worker_holds_is_copied_to_none(tmp_path):
    a, _b = workers = _workers(2)
    source = _source(tmp_path)
    first = Job(1, source, RenderSettings(), 0)
    for w in workers:
        w.used(first.version)  # both rendered it before
    again = Job(2, source, RenderSettings(samples=4), 0)  # new settings, the same version
    given = _plan(workers, [again])
    assert isinstance(given[0], Load)
    assert not given[0].share
    _reply(a, again, _loaded(again, None))
    given = _plan(workers, [again])
    assert all(isinstance(msg, RenderRows) for msg in given.values())
    assert set(given) == {0, 1}


def test_the_worker_holding_a_version_loads_it_from_its_cache(tmp_path):
    _a, b = workers = _workers(2)
    job = Job(1, _source(tmp_path), RenderSettings(), 0)
    b.used(job.version)
    given = _plan(workers, [job])
    assert isinstance(given[1], Load)  # answered from its cache at once
    assert given[1].share  # a lacks the version and waits for it
    assert 0 not in given


def test_frames_each_worker_loads_itself_copy_nothing(tmp_path):
    workers = _workers(2)
    frames = [
        Job(k, _source(tmp_path, f"f{k}.py", SCENE + f"# {k}\n"), RenderSettings(), 0)
        for k in (1, 2)
    ]
    given = _plan(workers, frames)
    assert [type(msg) for msg in given.values()] == [Load, Load]
    assert not any(msg.share for msg in given.values())


def test_a_worker_that_comes_to_lack_a_version_gets_it_from_a_free_holder(tmp_path):
    a, b = workers = _workers(2)
    job = Job(1, _source(tmp_path), RenderSettings(samples=4), 0)
    b.task = RenderRows(9, ("other", 0, 0), RenderSettings(), 0, 1, False)  # b is busy
    given = _plan(workers, [job])
    assert isinstance(given[0], Load)
    assert not given[0].share  # nobody waits for it
    _reply(a, job, _loaded(job, None))
    assert isinstance(_plan(workers, [job])[0], RenderRows)
    b.task = None  # b is free: it waits for a snapshot; the holder is busy
    assert _plan(workers, [job]) == {}
    assert job.wanted
    a.task = None  # the holder's block came back: it copies the scene first
    given = _plan(workers, [job])
    assert isinstance(given[0], Share)
    _reply(a, job, Shared(job.id, job.version, b"scene"))
    given = _plan(workers, [job])
    assert isinstance(given[0], RenderRows)
    assert isinstance(given[1], TakeScene)


def test_a_scene_that_cannot_be_copied_is_loaded_and_compared(tmp_path):
    a, _b = workers = _workers(2)
    job = Job(1, _source(tmp_path), RenderSettings(samples=4), 0)
    given = _plan(workers, [job])
    assert given[0].share
    _reply(a, job, _loaded(job, None))  # asked, and it cannot travel
    given = _plan(workers, [job])
    assert isinstance(given[1], Adopt)
    assert given[1].fingerprint == "print"


# -- with worker processes ------------------------------------------------------------------

#: A wall of one colour drawn from unseeded randomness; every load appends to a log file.
UNSEEDED = PURAY_HEADER + textwrap.dedent(
    """
    import os
    import random
    from tracer import Plane

    with open(os.path.join(os.path.dirname(__file__), "loads.log"), "a") as log:
        log.write(f"{os.getpid()}\\n")
    rng = random.Random(os.urandom(16))
    WIDTH, HEIGHT = 64, 256
    CAMERA = Vector(0, 0, -1)
    wall = Material(Color(rng.random(), rng.random(), rng.random()), ambient=0.0, specular=0.0,
                    reflection=0.0)
    OBJECTS = [Plane(Point(0, 0, 5), Vector(0, 0, -1), wall)]
    LIGHTS = [Light(Point(0, 0, -1e9))]
    """
)


@pytest.fixture
def sent(monkeypatch):
    """Record every request the service sends its workers."""
    requests = []

    def recording(*args):
        given = dispatch.plan(*args)
        requests.extend(msg for _w, msg in given)
        return given

    monkeypatch.setattr(service, "plan", recording)
    return requests


def test_re_renders_send_the_workers_no_copy_of_the_scene(tmp_path, sent):
    path = write_scene(tmp_path, "unseeded.py", UNSEEDED)
    source = SceneSource.from_path(path)
    with RenderService(processes=2) as svc:
        assert svc.wait_ready()
        first, _events = collect(svc, svc.submit(source, RenderSettings(samples=4)))
        copies = [msg for msg in sent if isinstance(msg, (TakeScene, Share))]
        assert len(copies) == 1  # the worker that did not load it got it once
        assert isinstance(copies[0], TakeScene)
        sent.clear()
        for samples in (1, 2, 3):
            frame, _ = collect(svc, svc.submit(source, RenderSettings(samples=samples)))
            assert np.array_equal(frame[0, 0], first[0, 0])  # the same run of the scene
        assert not [msg for msg in sent if isinstance(msg, (TakeScene, Share, Adopt))]
        loads = [msg for msg in sent if isinstance(msg, Load)]
        assert len(loads) == 3
        assert not any(msg.share for msg in loads)
        rows = {type(msg) for msg in sent} - {Load}
        assert rows == {RenderRows}
    assert len((tmp_path / "loads.log").read_text().split()) == 1  # the scene ran once
    assert len(np.unique(first.reshape(-1, 3), axis=0)) == 1
