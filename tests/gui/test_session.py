"""The session with a stand-in service (the dependency-injection seam): job ids rule."""

from __future__ import annotations

import pytest

from puray_gui.options import RenderOptions
from puray_gui.service_link import ServiceLink
from puray_gui.session import RenderSession
from tracer.errors import SceneError
from tracer.scene.load import SceneSource
from tracer.workers.service import JobFailed, JobFinished, JobStarted

from .fakes import FakeService, rows


@pytest.fixture
def fake():
    return FakeService()


@pytest.fixture
def session(qtbot, fake):
    s = RenderSession(ServiceLink(fake), RenderOptions())
    yield s
    s.close()


def source(text="WIDTH = 4\nHEIGHT = 4\n"):
    return SceneSource("/tmp/scene.py", text)


def test_rows_of_an_older_job_never_paint_over_a_newer_one(qtbot, session, fake):
    session.render(source())
    session.render(source("WIDTH = 4\nHEIGHT = 4\n# v2\n"))
    assert fake.cancelled == [1]
    for event in (JobStarted(2, 4, 4), rows(2, 0, 4, 200), rows(1, 0, 4, 50), JobFinished(1, 0)):
        fake.events.put(event)
    with qtbot.waitSignal(session.frame_updated, timeout=2000):
        pass
    qtbot.wait(100)
    assert (session.frame.pixels == 200).all()
    assert session.running  # job 1 finishing does not finish job 2


def test_coarse_pass_first_then_final_rows(qtbot, session, fake):
    session.render(source())
    for event in (JobStarted(1, 4, 4), rows(1, 0, 2, 90), rows(1, 0, 1, 10, width=1, coarse=True)):
        fake.events.put(event)
    with qtbot.waitSignal(session.frame_updated, timeout=2000):
        pass
    assert (session.frame.pixels[:2] == 90).all()
    assert (session.frame.pixels[2:] == 10).all()  # upscaled preview where rows are missing
    with qtbot.waitSignal(session.render_finished, timeout=2000):
        fake.events.put(rows(1, 2, 4, 91))
        fake.events.put(JobFinished(1, 0.5))
    assert session.frame.complete
    assert not session.running


def test_one_repaint_per_drain_not_per_row(qtbot, session, fake):
    updates = []
    session.frame_updated.connect(lambda: updates.append(1))
    session.render(source("WIDTH = 4\nHEIGHT = 64\n"))
    fake.events.put(JobStarted(1, 4, 64))
    for y in range(64):
        fake.events.put(rows(1, y, y + 1, y))
    fake.events.put(JobFinished(1, 0.1))
    with qtbot.waitSignal(session.render_finished, timeout=2000):
        pass
    assert len(updates) == 1


def test_failure_keeps_the_frame_and_marks_it_stale(qtbot, session, fake):
    session.render(source())
    fake.events.put(JobStarted(1, 4, 4))
    fake.events.put(rows(1, 0, 4, 123))
    fake.events.put(JobFinished(1, 0.1))
    with qtbot.waitSignal(session.render_finished, timeout=2000):
        pass
    session.render(source("oops"))
    error = SceneError("NameError: name 'oops' is not defined", "/tmp/scene.py", 1)
    with qtbot.waitSignal(session.render_failed, timeout=2000) as blocker:
        fake.events.put(JobFailed(2, error))
    assert blocker.args == [error]
    assert session.stale
    assert (session.frame.pixels == 123).all()


def test_preview_scale_asks_for_a_smaller_frame_that_stands_for_the_scene(session, fake, qtbot):
    session.set_options(RenderOptions(preview_scale=25))
    session.render(source("WIDTH = 400\nHEIGHT = 200\n"))
    job, settings = len(fake.submitted), fake.submitted[-1][1]
    assert settings.scale == 0.25
    fake.events.put(JobStarted(job, 100, 50, 400, 200))
    qtbot.waitUntil(lambda: session.frame.size == (100, 50), timeout=2000)
    assert session.display_size == (400, 200)  # the preview stands for the full frame
    assert len(fake.submitted) == job  # no second submission once the size is known


def test_the_link_closes_only_a_service_it_owns(qtbot, fake):
    ServiceLink(fake).close()
    assert not fake.closed
    ServiceLink(fake, owns_service=True).close()
    assert fake.closed
