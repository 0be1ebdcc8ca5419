"""The window fits its screen: a long error never widens it, restored geometry is clamped."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication

from puray_gui.qt.qt_geometry import fit_rect
from tracer.errors import SceneError

from .conftest import WAIT_MS


def _available() -> QRect:
    return QGuiApplication.primaryScreen().availableGeometry()


def _inside(rect: QRect, available: QRect) -> bool:
    return available.contains(rect.topLeft()) and available.contains(rect.bottomRight())


def test_a_long_unbroken_word_wraps_and_never_widens_the_window(qtbot, make_live, scene):
    live = make_live(scene)
    window = live.window
    window.resize(700, 500)
    qtbot.waitUntil(lambda: window.width() == 700, timeout=WAIT_MS)
    word = "x" * 3000
    live.error_panel.show_error(SceneError(f"ValueError: {word}", str(scene), 3))
    qtbot.wait(100)
    panel = live.error_panel
    assert window.width() == 700
    assert window.minimumSizeHint().width() < 700
    assert panel.width() <= window.width()
    assert panel.title.height() > 5 * panel.title.fontMetrics().height()  # wrapped, not cut
    assert word in panel.text.replace("\u200b", "")  # the whole message is still there
    assert live.preview.viewport.height() > 150  # the message is cut short: the picture keeps room
    window.close()
    assert live.prefs.geometry() is not None
    assert window.width() == 700  # what is remembered is the user's size


def test_saved_geometry_wider_than_the_screen_is_fitted(qtbot, prefs, service):
    from puray_gui.qt.qt_app import LiveApp

    first = LiveApp(prefs, service=service)
    qtbot.addWidget(first.window)
    available = _available()
    first.window.setGeometry(-200, -100, available.width() * 4, available.height() + 900)
    prefs.set_geometry(first.window.saveGeometry())
    first.close()
    live = LiveApp(prefs, service=service)
    qtbot.addWidget(live.window)
    live.window.show()
    qtbot.waitExposed(live.window)
    assert _inside(live.window.frameGeometry(), _available())
    live.close()


def test_the_default_size_fits_a_small_or_scaled_screen(qtbot, prefs, service):
    from puray_gui.qt.qt_app import LiveApp

    live = LiveApp(prefs, service=service)  # nothing saved: 1280x800 would not fit 800x600
    qtbot.addWidget(live.window)
    live.window.show()
    qtbot.waitExposed(live.window)
    assert _inside(live.window.frameGeometry(), _available())
    live.close()


def test_fit_rect_shrinks_and_moves_inside():
    # 1920x1080 at a 1.5 scale factor is 1280x720 logical pixels
    screen = QRect(0, 0, 1280, 720)
    assert fit_rect(QRect(100, 50, 1280, 800), screen) == QRect(0, 0, 1280, 720)
    assert fit_rect(QRect(900, 600, 640, 400), screen) == QRect(640, 320, 640, 400)
    assert fit_rect(QRect(-50, -20, 300, 200), QRect(1280, 0, 1920, 1080)) == QRect(
        1280, 0, 300, 200
    )
