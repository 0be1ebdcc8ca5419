"""Record finished previews in the history and show what the filmstrip selects: the History
dock, the compare view in the viewport's place, View > Back to Live."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPainter
from PySide6.QtWidgets import QWidget

from ..document import SceneDocument
from ..history import HistoryEntry, RenderHistory
from ..session import RenderSession
from .qt_compare_view import QtCompareView
from .qt_history_panel import QtHistoryPanel
from .qt_panel import VIEW, Action, Place, dock
from .qt_viewport import QtViewport

#: The filmstrip shows a finished preview once the viewport has painted it, or after this long.
STRIP_AFTER_MS = 100


class QtHistoryFlow(QObject):
    """Add each finished preview to the history; one selected entry shows in the viewport,
    two open the compare view in the viewport's place; none is the live picture."""

    said = Signal(str)  # a status-bar message

    def __init__(
        self,
        session: RenderSession,
        history: RenderHistory,
        viewport: QtViewport,
        document: SceneDocument,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self.session, self.history, self.viewport = session, history, viewport
        self.panel = QtHistoryPanel(history)
        self.compare_view = QtCompareView()
        self.dock = dock("History", "historyDock", self.panel, fixed=True)
        self.compare_view.hide()
        viewport.overlays.append(self._paint_viewing)
        self._unshown: list[HistoryEntry] = []  # kept, not yet in the filmstrip
        self._strip_timer = QTimer(self, singleShot=True)
        self._strip_timer.timeout.connect(self._show_entries)
        viewport.painted.connect(self._on_viewport_painted)
        session.render_finished.connect(self._on_render_finished)
        self.panel.selection_changed.connect(self._on_selection_changed)
        self.panel.copy_requested.connect(self.copy_source)
        self.compare_view.live_requested.connect(self.back_to_live)
        document.opened.connect(self.clear)

    def places(self) -> list[Place]:
        return [
            Place(self.compare_view, "central", order=1, stretch=1),  # the viewport's place
            Place(self.dock, "bottom", order=1),
        ]

    def menu_actions(self) -> list[Action]:
        return [Action("view.live", "Back to &Live", VIEW, self.back_to_live, "Ctrl+L", 1, order=4)]

    @property
    def viewing(self) -> HistoryEntry | None:
        """Return the entry shown instead of the live picture (what Export writes)."""
        return self.history.viewing

    def back_to_live(self) -> None:
        self.panel.strip.clearSelection()

    def clear(self) -> None:
        """Forget the history (another scene was opened)."""
        self.back_to_live()
        self.history.clear()
        self.panel.clear()

    def copy_source(self, entry: HistoryEntry) -> None:
        """Put an entry's scene text on the clipboard."""
        QGuiApplication.clipboard().setText(entry.text)
        self.said.emit(f"Copied the scene source of #{entry.number} ({entry.clock})")

    def _on_render_finished(self, seconds: float) -> None:
        s = self.session
        if s.fast or s.source is None or s.settings is None:
            return  # a camera-mode preview while moving: not a version worth keeping
        entry = self.history.add(s.frame.pixels, s.source, s.settings, seconds, made=s.path)
        if entry is not None:  # None: the newest entry rendered again
            # The filmstrip's thumbnail waits until the finished frame is painted: it sat
            # between a save's last rows and the screen (measured ~4 ms a save).
            self._unshown.append(entry)
            self._strip_timer.start(STRIP_AFTER_MS)

    def _on_viewport_painted(self) -> None:
        if self._unshown:
            self._strip_timer.start(0)  # once this paint is over

    def _show_entries(self) -> None:
        entries, self._unshown = self._unshown, []
        for entry in entries:
            if entry in self.history.entries:  # not forgotten since (another scene opened)
                self.panel.add(entry)

    def _on_selection_changed(self, entries: list) -> None:
        comparing = len(entries) >= 2
        viewing = self.history.viewing = entries[0] if len(entries) == 1 else None
        self.viewport.show_picture(viewing.pixels if viewing else None)
        if comparing:
            self.compare_view.set_entries(entries[0], entries[-1])
        self._show(self.compare_view if comparing else self.viewport)

    def _show(self, widget: QWidget) -> None:
        other = self.viewport if widget is self.compare_view else self.compare_view
        other.hide()
        widget.show()

    def _paint_viewing(self, painter: QPainter, rect: QRectF) -> None:
        entry = self.viewing
        if entry is None:
            return
        text = f" viewing history entry {entry.clock} (#{entry.number}): {entry.summary} "
        hint = " Back to Live: Ctrl+L "
        metrics = painter.fontMetrics()
        width = max(metrics.horizontalAdvance(text), metrics.horizontalAdvance(hint)) + 12
        box = QRectF(8, 8, width, 42)
        painter.fillRect(box, QColor(150, 95, 10, 230))
        painter.setPen(QColor("white"))
        painter.drawText(box.adjusted(6, 2, 0, 0), Qt.AlignmentFlag.AlignLeft, text + "\n" + hint)
