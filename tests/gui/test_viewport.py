"""The viewport: fit by default, 1:1, zoom and pan, and the pixel under the cursor."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from .conftest import WAIT_MS


@pytest.fixture
def live(make_live, scene, qtbot):
    live = make_live(scene)
    live.window.resize(900, 600)
    qtbot.waitUntil(lambda: live.window.viewport.width() > 400, timeout=WAIT_MS)
    return live


def test_fits_the_window_by_default(live):
    viewport = live.window.viewport
    rect = viewport.image_rect()
    assert viewport.fit
    assert rect.width() == pytest.approx(viewport.width()) or rect.height() == pytest.approx(
        viewport.height()
    )
    assert rect.width() / rect.height() == pytest.approx(160 / 90)


def test_actual_size_and_zoom_keep_the_point_under_the_cursor(live):
    viewport = live.window.viewport
    viewport.actual_size()
    assert viewport.image_rect().width() == pytest.approx(160 / viewport.devicePixelRatioF())
    anchor = QPointF(viewport.width() / 2 + 20, viewport.height() / 2 + 10)
    before = viewport.pixel_at(anchor)
    viewport.zoom_by(2.0, anchor)
    assert viewport.image_rect().width() == pytest.approx(320 / viewport.devicePixelRatioF())
    assert viewport.pixel_at(anchor)[:2] == before[:2]


def test_wheel_zooms_and_drag_pans(live, qtbot):
    viewport = live.window.viewport
    width = viewport.image_rect().width()
    for action in live.window.menuBar().actions()[1].menu().actions():
        if action.text() == "Zoom &In":
            action.trigger()
    assert viewport.image_rect().width() == pytest.approx(width * 1.25)
    left = viewport.image_rect().left()
    centre = viewport.rect().center()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseMove(viewport, centre + QPoint(40, 0))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=centre + QPoint(40, 0))
    assert viewport.image_rect().left() == pytest.approx(left + 40)


def test_status_bar_shows_pixel_progress_and_speed(live, qtbot):
    viewport = live.window.viewport
    rect = viewport.image_rect()
    pos = QPoint(int(rect.left() + rect.width() * 0.25), int(rect.top() + rect.height() * 0.9))
    x, y, rgb = viewport.pixel_at(QPointF(pos))
    assert tuple(live.session.frame.pixels[y, x]) == rgb
    qtbot.mouseMove(viewport, pos)
    status = live.window.status
    qtbot.waitUntil(lambda: f"x {x}, y {y}" in status.pixel_label.text(), timeout=WAIT_MS)
    assert f"RGB {rgb[0]}, {rgb[1]}, {rgb[2]}" in status.pixel_label.text()
    assert status.progress.value() == status.progress.maximum()
    assert "Mpix/s" in status.time_label.text()
    assert "160x90" in status.time_label.text()
