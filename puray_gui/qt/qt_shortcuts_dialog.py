"""Help > Keyboard Shortcuts: every menu item and its keys, and the keys of the picture.

The list is made from the QActions the window built from the panels' declared actions each
time the dialog opens, so a new action or key shows up without a line here. Items of
submenus (Open Recent's files, the examples) are listed only when they have a key. Keys
that act inside the picture (the timeline, camera mode, compare, the pixel path) follow,
from the tables those widgets bind them from (qt_keys.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .qt_keys import Shortcut, picture_keys

__all__ = ["QtShortcutsDialog", "Shortcut", "menu_shortcuts"]


def menu_shortcuts(bar: QMenuBar) -> list[Shortcut]:
    """Return every item of the menu bar's menus with its keys, menu by menu."""
    found: list[Shortcut] = []
    for action in bar.actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            found += _walk(menu, [_title(action.text())], top=True)
    return found


def _walk(menu: QMenu, path: list[str], top: bool) -> Iterator[Shortcut]:
    for action in menu.actions():
        if action.isSeparator():
            continue
        sub = action.menu()
        if isinstance(sub, QMenu):
            yield from _walk(sub, [*path, _title(action.text())], top=False)
            continue
        keys = ", ".join(
            k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
        )
        if top or keys:
            yield Shortcut(" > ".join(path), _title(action.text()), keys)


def _title(text: str) -> str:
    """Return a menu text as shown: without its mnemonic ampersand."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


class QtShortcutsDialog(QDialog):
    """A searchable table of the menu items, the picture's keys and what they do."""

    def __init__(self, bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = bar
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard Shortcuts")
        self.resize(560, 520)
        self.filter = QLineEdit(placeholderText="Type to filter: an action, a key or a menu")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.set_filter)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Action", "Keys", "Menu"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        note = QLabel(
            "Keys listed 'In the picture' act while the picture (or that panel) has the focus."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        layout.addWidget(note)
        self.shortcuts: list[Shortcut] = []
        self.refresh()

    def refresh(self) -> None:
        """Read the menus again and show every item (then the filter)."""
        self.shortcuts = menu_shortcuts(self.bar) + picture_keys()
        self.table.setRowCount(len(self.shortcuts))
        for row, item in enumerate(self.shortcuts):
            for column, text in enumerate((item.title, item.keys, item.menu)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnToContents(1)
        self.set_filter(self.filter.text())

    def set_filter(self, text: str) -> None:
        """Show only the rows that contain ``text``."""
        for row, item in enumerate(self.shortcuts):
            self.table.setRowHidden(row, not item.matches(text))

    def visible_rows(self) -> list[Shortcut]:
        """Return the items the table shows now."""
        return [s for row, s in enumerate(self.shortcuts) if not self.table.isRowHidden(row)]
