"""The filmstrip: the history's renders as thumbnails with their time and what changed."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..history import HistoryEntry, RenderHistory
from .qt_viewport import array_to_qimage

THUMB = QSize(128, 72)
_ENTRY = Qt.ItemDataRole.UserRole


def thumbnail(entry: HistoryEntry) -> QIcon:
    """Return a small picture of an entry (a copy: the icon does not keep the array)."""
    image = array_to_qimage(entry.pixels).copy()
    scaled = image.scaled(
        THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    return QIcon(QPixmap.fromImage(scaled.convertToFormat(QImage.Format.Format_RGB32)))


class QtHistoryPanel(QWidget):
    """Show a RenderHistory as a horizontal strip; select one entry to view, two to compare."""

    selection_changed = Signal(list)  # the selected HistoryEntry objects, oldest first
    copy_requested = Signal(object)  # the HistoryEntry whose source to copy

    def __init__(self, history: RenderHistory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.strip = QListWidget()
        self.strip.setViewMode(QListView.ViewMode.IconMode)
        self.strip.setFlow(QListView.Flow.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setMovement(QListView.Movement.Static)
        self.strip.setIconSize(THUMB)
        self.strip.setGridSize(QSize(THUMB.width() + 56, THUMB.height() + 44))
        self.strip.setWordWrap(True)
        self.strip.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.strip.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.strip.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.strip.setFixedHeight(THUMB.height() + 66)
        self.strip.setToolTip("Click: show a render. Ctrl+click a second one: compare the two.")
        self.strip.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy = QAction("Copy Source of This Version", self.strip)
        copy.triggered.connect(self._on_copy_triggered)
        self.strip.addAction(copy)
        self.live_button = QPushButton("Back to Live")
        self.compare_button = QPushButton("Compare Last Two")
        self.copy_button = QPushButton("Copy Source")
        self.copy_button.setToolTip("Copy the scene text of the selected version")
        self._arrange()
        self.strip.itemSelectionChanged.connect(self._on_item_selection_changed)
        self.live_button.clicked.connect(self.strip.clearSelection)
        self.compare_button.clicked.connect(self.select_last_two)
        self.copy_button.clicked.connect(self._on_copy_triggered)
        self._on_item_selection_changed()

    def _arrange(self) -> None:
        buttons = QVBoxLayout()
        for button in (self.live_button, self.compare_button, self.copy_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.strip, 1)
        layout.addLayout(buttons)

    def add(self, entry: HistoryEntry) -> None:
        """Append the history's newest entry; drop items the history no longer holds."""
        item = QListWidgetItem(thumbnail(entry), f"{entry.clock}  #{entry.number}\n{entry.summary}")
        item.setData(_ENTRY, entry)
        item.setToolTip(_tooltip(entry))
        item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        kept = {e.number for e in self.history.entries}
        for row in reversed(range(self.strip.count())):
            if self.entry(row).number not in kept:
                self.strip.takeItem(row)
        self.strip.addItem(item)
        self.strip.scrollToItem(item)
        self._update_buttons()

    def entry(self, row: int) -> HistoryEntry:
        return self.strip.item(row).data(_ENTRY)

    def selected(self) -> list[HistoryEntry]:
        """Return the selected entries, oldest first."""
        entries = [item.data(_ENTRY) for item in self.strip.selectedItems()]
        return sorted(entries, key=lambda e: e.number)

    def select(self, *rows: int) -> None:
        """Select the entries at ``rows`` (negative counts from the newest)."""
        self.strip.clearSelection()
        for row in rows:
            self.strip.item(row % self.strip.count()).setSelected(True)

    def select_last_two(self) -> None:
        if self.strip.count() >= 2:
            self.select(-2, -1)

    def clear(self) -> None:
        self.strip.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = len(self.strip.selectedItems())
        self.live_button.setEnabled(chosen > 0)
        self.compare_button.setEnabled(self.strip.count() >= 2)
        self.copy_button.setEnabled(chosen == 1)

    def _on_item_selection_changed(self) -> None:
        self._update_buttons()
        self.selection_changed.emit(self.selected())

    def _on_copy_triggered(self) -> None:
        item = self.strip.currentItem()
        chosen = self.selected()
        entry = chosen[-1] if chosen else (item.data(_ENTRY) if item else None)
        if entry is not None:
            self.copy_requested.emit(entry)


def _tooltip(entry: HistoryEntry) -> str:
    width, height = entry.size
    s = entry.settings
    camera = "interactive camera" if s.camera is not None else "scene camera"
    return (
        f"#{entry.number} at {entry.clock}: {entry.summary}\n"
        f"{width}x{height}, samples {s.samples}, depth {s.max_depth}, "
        f"shadows {'on' if s.shadows else 'off'}, {camera}, {entry.seconds:.2f} s"
    )
