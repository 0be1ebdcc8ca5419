"""The status bar never lies: loading, rendering, done, failed, stopped; it never jumps."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QWidget

from puray_gui.options import RenderOptions
from puray_gui.qt.qt_status_bar import QtStatusBar, speed
from puray_gui.service_link import ServiceLink
from puray_gui.session import RenderSession
from tracer.errors import SceneError
from tracer.scene.load import SceneSource
from tracer.workers.service import JobFailed, JobFinished, JobStarted

from .conftest import WAIT_MS
from .fakes import FakeService, rows

SCENE = SceneSource("/tmp/scene.py", "WIDTH = 4\nHEIGHT = 4\n")


@pytest.fixture
def fake():
    return FakeService()


@pytest.fixture
def bar(qtbot, fake):
    """A status bar in a window, showing a session on the fake service."""
    session = RenderSession(ServiceLink(fake), RenderOptions(load_timeout=7.0))
    window = QMainWindow()
    status = QtStatusBar(session)
    window.setStatusBar(status)
    window.resize(1000, 300)
    qtbot.addWidget(window)
    window.show()
    yield status
    session.close()


def _finish_one_render(qtbot, status, fake, job=1):
    status.session.render(SCENE)
    for event in (JobStarted(job, 4, 4), rows(job, 0, 4, 77), JobFinished(job, 0.5)):
        fake.events.put(event)
    with qtbot.waitSignal(status.session.render_finished, timeout=WAIT_MS):
        pass


def test_loading_shows_a_busy_bar_and_the_time_against_the_timeout(qtbot, bar, fake):
    _finish_one_render(qtbot, bar, fake)
    assert bar.progress.value() == bar.progress.maximum()
    bar.session.render(SceneSource("/tmp/scene.py", "WIDTH = 4\nHEIGHT = 4\n# slow\n"))
    assert bar.session.loading
    qtbot.waitUntil(lambda: "0.0 s" not in bar.time_label.text(), timeout=WAIT_MS)
    assert bar.progress.maximum() == 0  # busy: no percentage at all, least of all "100 %"
    assert bar.time_label.text().startswith("loading scene")
    assert bar.time_label.text().endswith("of 7 s")
    assert "pix/s" not in bar.time_label.text()
    fake.events.put(JobStarted(2, 4, 4))
    qtbot.waitUntil(lambda: not bar.session.loading, timeout=WAIT_MS)
    bar.refresh()
    assert bar.progress.maximum() == 1000
    assert bar.progress.value() == 0  # the new render's own progress, not the last one's
    assert bar.time_label.text().startswith("rendering 4x4")
    assert "pix/s" not in bar.time_label.text()  # no "0.0 Mpix/s" before the first row


def test_a_render_time_error_says_failed_not_done(qtbot, bar, fake):
    bar.session.render(SCENE)
    fake.events.put(JobStarted(1, 4, 4))
    fake.events.put(rows(1, 0, 1, 50))
    qtbot.waitUntil(lambda: bar.session.elapsed > 0.05, timeout=WAIT_MS)
    error = SceneError("ValueError: bad colour", "/tmp/scene.py", 3)
    with qtbot.waitSignal(bar.session.render_failed, timeout=WAIT_MS):
        for event in (rows(1, 1, 2, 50), JobFailed(1, error)):
            fake.events.put(event)  # rows, then the failure, in one drain
    qtbot.wait(300)  # the repaint after the drain and the ticker must not overwrite it
    assert bar.time_label.text() == "failed: see the error panel"
    assert bar.progress.value() == 0
    assert bar.session.state == "failed"


def test_the_progress_bar_keeps_its_place_whatever_the_text(qtbot, bar, fake):
    places = set()
    bar.session.render(SCENE)
    places.add(bar.progress.geometry().x())
    fake.events.put(JobStarted(1, 3840, 2160))
    fake.events.put(rows(1, 0, 1000, 9, width=3840))
    qtbot.waitUntil(lambda: bar.session.frame.progress > 0, timeout=WAIT_MS)
    bar.session.elapsed = 1234.5  # the longest texts: big frames, long renders
    bar.refresh()
    qtbot.wait(50)
    places.add(bar.progress.geometry().x())
    bar.session.cancel()
    bar.refresh()
    qtbot.wait(50)
    places.add(bar.progress.geometry().x())
    bar.session.fail(SceneError("boom", "/tmp/scene.py", 1))
    qtbot.wait(50)
    places.add(bar.progress.geometry().x())
    assert len(places) == 1


def test_stop_keeps_the_pixels_and_says_stopped(qtbot, fake, prefs, scene):
    from puray_gui.qt.qt_app import LiveApp

    live = LiveApp(prefs, service=fake, options=RenderOptions())
    qtbot.addWidget(live.window)
    live.window.show()
    live.open(str(scene))
    fake.events.put(JobStarted(1, 4, 4))
    fake.events.put(rows(1, 0, 2, 200))
    qtbot.waitUntil(lambda: live.session.frame.rows_done.any(), timeout=WAIT_MS)
    before = live.session.frame.pixels.copy()
    stop = live.window.action("render.stop")
    assert [s.toString() for s in stop.shortcuts()] == ["Esc"]
    with qtbot.waitSignal(live.session.render_stopped, timeout=WAIT_MS):
        stop.trigger()
    assert fake.cancelled == [1]  # the service was told: its workers stop
    fake.events.put(rows(1, 2, 4, 10))  # late rows of the stopped job are not painted
    fake.events.put(JobFinished(1, 1.0))
    qtbot.wait(200)
    np.testing.assert_array_equal(live.session.frame.pixels, before)
    status = live.preview.status
    assert status.time_label.text().startswith("stopped 4x4")
    assert status.progress.value() == 500  # the half that was rendered
    assert "stopped" in status.currentMessage()
    live.close()


def test_esc_stops_a_slow_anti_aliased_render(qtbot, make_live, scene):
    live = make_live(scene)
    slow = live.session.options.with_(samples=8, width=1920, height=1080)
    live.session.set_options(slow)
    assert live.preview.status.progress.maximum() == 0  # loading: not the last render's 100 %
    live.preview.viewport.setFocus()
    qtbot.keyClick(live.preview.viewport, Qt.Key.Key_Escape)  # stopped while loading
    assert live.preview.status.time_label.text() == "stopped while loading the scene"
    assert live.preview.status.progress.value() == 0
    live.session.rerender()
    qtbot.waitUntil(
        lambda: live.session.loaded and live.session.frame.progress > 0, timeout=WAIT_MS
    )
    live.preview.viewport.setFocus()
    with qtbot.waitSignal(live.session.render_stopped, timeout=WAIT_MS):
        qtbot.keyClick(live.preview.viewport, Qt.Key.Key_Escape)
    kept = live.session.frame.pixels.copy()
    done = live.session.frame.progress
    assert 0 < done < 1
    qtbot.wait(1000)
    np.testing.assert_array_equal(live.session.frame.pixels, kept)  # the pixels so far stay
    assert live.preview.status.time_label.text().startswith("stopped 1920x1080")
    assert not live.session.running
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.session.set_options(slow.with_(samples=1))  # the workers are free again


def test_slow_speeds_are_not_shown_as_zero():
    assert speed(2_500_000) == "2.5 Mpix/s"
    assert speed(32_400) == "32.4 kpix/s"  # 8x8 anti-aliasing: not "0.0 Mpix/s"


LONG_MESSAGE = "Render stopped: the pixels rendered so far stay; F5 renders again"


def _boxes(status) -> list:
    """Return the geometries of the status bar's visible parts (texts, progress, size grip)."""
    parts = [w for w in status.findChildren(QWidget) if w.parent() is status and w.isVisible()]
    assert {status.pixel_label, status.zoom_label, status.progress, status.time_label} <= {
        *parts,
        status.pixel_label if status.currentMessage() else None,
    }
    return [w.geometry() for w in parts]


def _assert_laid_out(status) -> None:
    """Every part inside the bar, no two overlapping, every text whole or shortened with …."""
    boxes = _boxes(status)
    for i, box in enumerate(boxes):
        assert status.rect().contains(box), (box, status.rect())
        assert not any(box.intersects(other) for other in boxes[i + 1 :]), boxes
    for label in (status.message_label, status.pixel_label, status.time_label):
        if label.isVisible():
            shown = label.shown_text()
            assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
            assert shown == label.text() or (
                shown.endswith("…") and label.text().startswith(shown[:-1])
            )


def test_a_narrow_window_shortens_the_texts_and_never_overlaps_them(qtbot, bar, fake):
    _finish_one_render(qtbot, bar, fake)
    window = bar.window()
    window.resize(420, 300)  # narrower than every text at full length
    qtbot.waitUntil(lambda: window.width() == 420, timeout=WAIT_MS)
    bar.show_scene("/a/long/folder/name/of/the/scene/being/watched/scene.py")
    bar.show_pixel(123, 45, (10, 20, 30))
    qtbot.wait(50)
    _assert_laid_out(bar)
    assert bar.pixel_label.shown_text().startswith("x 123, y 45")  # the hover text shows
    assert bar.time_label.shown_text().startswith("done 4x4")
    bar.showMessage(LONG_MESSAGE)
    qtbot.wait(50)
    _assert_laid_out(bar)
    shown = bar.message_label.shown_text()
    assert shown.startswith("Render stopped")
    assert shown.endswith("…")
    assert not bar.pixel_label.isVisible()
    bar.clearMessage()
    assert bar.pixel_label.isVisible()
    assert not bar.message_label.isVisible()


def test_at_the_windows_minimum_width_the_status_texts_show_side_by_side(qtbot, make_live, scene):
    live = make_live(scene)
    window, status = live.window, live.preview.status
    narrowest = window.minimumSizeHint().width()
    assert status.minimumSizeHint().width() < narrowest  # the bar does not widen the window
    window.resize(narrowest, 700)
    qtbot.waitUntil(lambda: window.width() == narrowest, timeout=WAIT_MS)
    qtbot.wait(50)
    _assert_laid_out(status)
    assert status.pixel_label.shown_text().startswith("Watching ")
    assert status.time_label.shown_text().startswith("done 160x90")
    live.window.say(LONG_MESSAGE)
    qtbot.wait(50)
    _assert_laid_out(status)
    assert status.message_label.shown_text().startswith("Render stopped")
