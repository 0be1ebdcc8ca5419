"""The viewport: fit by default, 1:1, zoom and pan, and the pixel under the cursor."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage

from puray_gui.qt.qt_viewport import QtViewport

from .conftest import WAIT_MS


@pytest.fixture
def live(make_live, scene, qtbot):
    live = make_live(scene)
    live.window.resize(900, 600)
    qtbot.waitUntil(lambda: live.preview.viewport.width() > 400, timeout=WAIT_MS)
    return live


def test_fits_the_window_by_default(live):
    viewport = live.preview.viewport
    rect = viewport.image_rect()
    assert viewport.fit
    assert rect.width() == pytest.approx(viewport.width()) or rect.height() == pytest.approx(
        viewport.height()
    )
    assert rect.width() / rect.height() == pytest.approx(160 / 90)


def test_actual_size_and_zoom_keep_the_point_under_the_cursor(live):
    viewport = live.preview.viewport
    viewport.actual_size()
    assert viewport.image_rect().width() == pytest.approx(160 / viewport.devicePixelRatioF())
    anchor = QPointF(viewport.width() / 2 + 20, viewport.height() / 2 + 10)
    before = viewport.pixel_at(anchor)
    viewport.zoom_by(2.0, anchor)
    assert viewport.image_rect().width() == pytest.approx(320 / viewport.devicePixelRatioF())
    assert viewport.pixel_at(anchor)[:2] == before[:2]


def test_wheel_zooms_and_drag_pans(live, qtbot):
    viewport = live.preview.viewport
    width = viewport.image_rect().width()
    view = next(m for m in live.window.menuBar().actions() if m.text() == "&View")
    for action in view.menu().actions():
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
    viewport = live.preview.viewport
    rect = viewport.image_rect()
    pos = QPoint(int(rect.left() + rect.width() * 0.25), int(rect.top() + rect.height() * 0.9))
    x, y, rgb = viewport.pixel_at(QPointF(pos))
    assert tuple(live.session.frame.pixels[y, x]) == rgb
    qtbot.mouseMove(viewport, pos)
    status = live.preview.status
    qtbot.waitUntil(lambda: f"x {x}, y {y}" in status.pixel_label.text(), timeout=WAIT_MS)
    assert f"RGB {rgb[0]}, {rgb[1]}, {rgb[2]}" in status.pixel_label.text()
    assert status.progress.value() == status.progress.maximum()
    assert "pix/s" in status.time_label.text()
    assert "160x90" in status.time_label.text()


def test_fit_to_window_scales_smoothly_below_2x_and_crisply_above(live, qtbot):
    viewport = QtViewport(live.session)  # a view of the same session, sized at will
    qtbot.addWidget(viewport)
    viewport.resize(167, 94)  # the 160x90 frame fits at ~1.04x: nearest would be jagged
    viewport.show()
    assert viewport.magnification() == pytest.approx(1.04, abs=0.01)
    assert viewport.smooth()
    assert _new_colours(viewport) > 100  # blended edges, not duplicated rows and columns
    viewport.actual_size()
    viewport.zoom_by(4.0)
    assert viewport.magnification() == pytest.approx(4.0)
    assert not viewport.smooth()  # zoomed in to inspect pixels: crisp blocks
    assert _new_colours(viewport) == 0


def _new_colours(viewport) -> int:
    """Count colours painted inside the picture that the frame does not contain."""
    image = viewport.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    painted = (
        np.frombuffer(image.constBits(), np.uint8)
        .reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3]
        .reshape(image.height(), image.width(), 3)
    )
    rect = viewport.image_rect().toAlignedRect().intersected(viewport.rect()).adjusted(1, 1, -1, -1)
    inside = painted[rect.top() : rect.bottom(), rect.left() : rect.right()].reshape(-1, 3)
    frame = viewport.session.frame.pixels.reshape(-1, 3)
    known = {tuple(c) for c in frame}
    return len({tuple(c) for c in inside} - known)


def test_zoom_percentage_is_shown(live, qtbot):
    viewport, status = live.preview.viewport, live.preview.status
    viewport.actual_size()
    qtbot.waitUntil(lambda: status.zoom_label.text() == "100 %", timeout=WAIT_MS)
    viewport.zoom_by(2.0)
    qtbot.waitUntil(lambda: status.zoom_label.text() == "200 %", timeout=WAIT_MS)
    viewport.fit_to_window()
    percent = round(viewport.zoom_percent())
    qtbot.waitUntil(lambda: status.zoom_label.text() == f"Fit {percent} %", timeout=WAIT_MS)


def test_a_scaled_preview_wears_a_badge(live, qtbot):
    viewport = live.preview.viewport
    before = viewport.grab().toImage()
    corner = QPoint(viewport.width() - 20, 18)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.settings_panel.scale.setCurrentIndex(0)  # 25 %
    assert viewport.badge_text() == "preview at 25 %"
    after = viewport.grab().toImage()
    assert after.pixelColor(corner) != before.pixelColor(corner)  # painted, top right
    assert viewport.magnification() > 3  # a quarter of the pixels, blown up: nearest
    assert not viewport.smooth()
