"""Place the main window so it fits the screen it opens on, whatever was saved."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

DEFAULT_SIZE = (1280, 800)
#: Leave a margin of the screen free when the default size does not fit (e.g. at 150 %).
SCREEN_SHARE = 0.9


def fit_rect(rect: QRect, available: QRect) -> QRect:
    """Return ``rect`` shrunk to at most ``available``'s size and moved inside it."""
    width = min(rect.width(), available.width())
    height = min(rect.height(), available.height())
    x = min(max(rect.x(), available.x()), available.right() + 1 - width)
    y = min(max(rect.y(), available.y()), available.bottom() + 1 - height)
    return QRect(x, y, width, height)


def place_window(window: QWidget, saved: QByteArray | None) -> None:
    """Restore ``saved`` geometry (else the default size), then make the window fit its screen."""
    available = _screen_of(window).availableGeometry()
    if saved is None or not window.restoreGeometry(saved):
        width = min(DEFAULT_SIZE[0], int(available.width() * SCREEN_SHARE))
        height = min(DEFAULT_SIZE[1], int(available.height() * SCREEN_SHARE))
        window.resize(width, height)
        window.move(
            available.x() + (available.width() - width) // 2,
            available.y() + (available.height() - height) // 2,
        )
    fit_window(window)


def fit_window(window: QWidget) -> None:
    """Shrink and move ``window`` so its frame lies on its screen's available area.

    Before the window is shown its frame (title bar, borders) is unknown: call this again
    once it is shown.
    """
    available = _screen_of(window).availableGeometry()
    frame, inner = window.frameGeometry(), window.geometry()
    extra_w, extra_h = frame.width() - inner.width(), frame.height() - inner.height()
    fitted = fit_rect(frame, available)
    if fitted == frame:
        return
    window.resize(max(1, fitted.width() - extra_w), max(1, fitted.height() - extra_h))
    window.move(fitted.topLeft())


def _screen_of(window: QWidget):
    return window.screen() or QGuiApplication.primaryScreen()
