"""The pick panel's dock: the first pick opens it beside the picture, as tall as the window,
and later picks and sessions put it back where and as big as the user left it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QMoveEvent, QResizeEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow

from ..picker import Picker
from ..prefs import Prefs
from .qt_panel import VIEW, Action, Place
from .qt_pick_panel import QtPickPanel
from .qt_viewport import QtViewport

#: Rows a typical two-bounce path takes (the pixel, two rays and their terms, the sums).
PATH_ROWS = 22
#: Its first width: a third of the window, within these bounds (its lines are long).
MIN_WIDTH, MAX_WIDTH = 320, 520
_AREAS = {
    "left": Qt.DockWidgetArea.LeftDockWidgetArea,
    "right": Qt.DockWidgetArea.RightDockWidgetArea,
    "top": Qt.DockWidgetArea.TopDockWidgetArea,
    "bottom": Qt.DockWidgetArea.BottomDockWidgetArea,
}


class QtPickDock(QDockWidget):
    """The pick panel in a dock left of the picture, shown by a pick; View > Pick Mode.

    A Ctrl+click in the viewport (or a click in pick mode) asks ``picker`` for the pixel's path.
    Opening another scene clears the path shown.
    """

    def __init__(self, picker: Picker, viewport: QtViewport, prefs: Prefs) -> None:
        super().__init__("Pixel path")
        self.setObjectName("pickDock")
        self.viewport, self.prefs = viewport, prefs
        self.panel = QtPickPanel()
        self.setWidget(self.panel)
        self._placed = False  # put back where it was: from now on its size is the user's
        viewport.pick_requested.connect(picker.pick)
        picker.pick_started.connect(self._on_pick_started)
        picker.pixel_picked.connect(self.panel.show_pick)
        picker.pick_failed.connect(self.panel.show_error)
        picker.pick_cleared.connect(self.panel.show_hint)
        self.dockLocationChanged.connect(self._remember)
        self.topLevelChanged.connect(self._remember)

    def places(self) -> list[Place]:
        return [Place(self, "left", order=2, hidden=True)]

    def menu_actions(self) -> list[Action]:
        return [
            Action(
                "view.pick_mode",
                "&Pick Mode",
                VIEW,
                self.viewport.set_pick_mode,
                "P",
                group=1,
                order=5,
                checkable=True,
                tooltip="Click a pixel to see its path (Ctrl+click works anytime)",
            )
        ]

    def default_size(self, window: QMainWindow) -> tuple[int, int]:
        """Return the size it first opens at: a third of the window wide, a path's rows tall."""
        width = max(MIN_WIDTH, min(MAX_WIDTH, window.width() // 3))
        rows = PATH_ROWS * (self.panel.fontMetrics().height() + 4)
        return width, max(window.height() // 3, rows)

    def _on_pick_started(self, x: int, y: int) -> None:
        self.panel.show_waiting(x, y)
        if not self.isVisible():
            self._put_back()
        self.raise_()

    def _put_back(self) -> None:
        """Show the dock where it was last (else left of the picture), as big as it was."""
        window = self.parentWidget()
        if not isinstance(window, QMainWindow):
            self.show()
            return
        place = self.prefs.dock_place(self.objectName())
        self._placed = False
        if place.get("floating"):
            self.setFloating(True)
            self.setGeometry(place["x"], place["y"], place["width"], place["height"])
            self.show()
        else:
            width, height = self.default_size(window)
            area = _AREAS[place.get("area", "left")]
            if window.dockWidgetArea(self) != area or self.isFloating():
                self.setFloating(False)
                window.addDockWidget(area, self)
            self.show()
            height = place.get("height") or height
            window.resizeDocks([self], [place.get("width") or width], Qt.Orientation.Horizontal)
            window.resizeDocks([self], [height], Qt.Orientation.Vertical)
        self._placed = True

    def _remember(self, *_args) -> None:
        """Remember where the dock is and its size (once it is shown where it was put)."""
        window = self.parentWidget()
        if not self._placed or not self.isVisible() or not isinstance(window, QMainWindow):
            return
        area = next((k for k, v in _AREAS.items() if v == window.dockWidgetArea(self)), "left")
        box = self.geometry()
        place = {"area": area, "floating": self.isFloating(), "width": box.width()}
        place |= {"height": box.height(), "x": box.x(), "y": box.y()}
        self.prefs.set_dock_place(self.objectName(), place)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._remember()

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        if self.isFloating():
            self._remember()
