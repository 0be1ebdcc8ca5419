"""Help > Scene API without a built site: tracer's docstrings as a searchable reference."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..reference import Entry, entries, entry_html, summary

_STYLE = "pre, code { font-family: monospace; } pre { background: palette(alternate-base); }"
_NO_MATCH = "<p>No name or docstring contains <b>{}</b>.</p>"


class QtReferenceDialog(QDialog):
    """The names of ``tracer.__all__`` on the left (typing filters them), one entry on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referenceDialog")
        self.setWindowTitle("Scene API")
        self.resize(900, 600)
        self.entries: list[Entry] = entries()
        self.filter = QLineEdit(placeholderText="Search names and docstrings")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.set_filter)
        self.names = QListWidget()
        for entry in self.entries:
            item = QListWidgetItem(entry.name)
            item.setToolTip(summary(entry.doc))
            self.names.addItem(item)
        self.names.currentRowChanged.connect(self._on_current_row_changed)
        self.page = QTextBrowser()
        self.page.setOpenLinks(False)
        self.page.document().setDefaultStyleSheet(_STYLE)
        self._build_layout()
        self.show_name(next((e.name for e in self.entries if e.name == "Sphere"), ""))

    def _build_layout(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.filter)
        column.addWidget(self.names)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.page)
        split.setStretchFactor(1, 3)
        note = QLabel(
            "Read from the docstrings of what scene files import from <code>tracer</code>. "
            "The documentation site (<code>mkdocs build</code>) has the guides too."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(note)

    def show_name(self, name: str) -> None:
        """Show the entry of ``name`` (and select it in the list)."""
        for row, entry in enumerate(self.entries):
            if entry.name == name:
                self.names.setCurrentRow(row)
                return

    def set_filter(self, text: str) -> None:
        """List only the names whose entry contains ``text``; show the first of them."""
        visible = []
        for row, entry in enumerate(self.entries):
            hidden = not entry.matches(text)
            self.names.item(row).setHidden(hidden)
            if not hidden:
                visible.append(row)
        if not visible:
            self.names.setCurrentRow(-1)
            self.page.setHtml(_NO_MATCH.format(html.escape(text.strip())))
        elif self.names.currentRow() not in visible:
            self.names.setCurrentRow(visible[0])

    def visible_names(self) -> list[str]:
        """Return the names the list shows now."""
        return [e.name for row, e in enumerate(self.entries) if not self.names.item(row).isHidden()]

    def _on_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.entries):
            self.page.setHtml(entry_html(self.entries[row]))
