"""The pick panel: the path of one pixel's ray, bounce by bounce, each line of it one click
away in the editor."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from tracer.cli.pick import light_text, miss_text, num, rgb, sum_lines, triple, where
from tracer.pick import Bounce, Made, Pick

from .qt_keys import Shortcut

_FILE_ROLE = Qt.ItemDataRole.UserRole
_LINE_ROLE = Qt.ItemDataRole.UserRole + 1
_LINK = QColor(90, 160, 255)
#: The panel's own key, for Help > Keyboard Shortcuts.
KEYS = (Shortcut("Pixel path panel", "Open the selected step's scene line", "Return, Enter"),)
#: Significant digits shown (the CLI's --json has them all).
DIGITS = 4
_HINT = "Ctrl+click a pixel (or use View > Pick Mode) to see where its colour comes from."


class _Basename:
    """Name files by their base name (the tooltip has the whole path)."""

    @staticmethod
    def path(path: str) -> str:
        return os.path.basename(path)


def _swatch(rgb) -> QIcon:
    """Return a small square of a colour (channels 0..1, clipped as the renderer clips)."""
    r, g, b = (max(0, min(255, round(c * 255))) for c in rgb)
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(r, g, b))
    return QIcon(pixmap)


class QtPickPanel(QTreeWidget):
    """Show a :class:`tracer.pick.Pick`; activating a line with a file:line opens it."""

    location_activated = Signal(str, int)  # file, line

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pickPanel")
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setExpandsOnDoubleClick(False)  # a double-click opens the editor
        self.setUniformRowHeights(True)
        # long lines scroll sideways rather than lose their middle
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(False)
        self.pick: Pick | None = None
        self.itemActivated.connect(self._on_item_activated)
        self.show_hint()

    @property
    def text(self) -> str:
        """Return every line shown, depth first (for tests and accessibility)."""
        lines: list[str] = []

        def walk(item: QTreeWidgetItem, depth: int) -> None:
            lines.append("  " * depth + item.text(0))
            for i in range(item.childCount()):
                child = item.child(i)
                if child is not None:
                    walk(child, depth + 1)

        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if top is not None:
                walk(top, 0)
        return "\n".join(lines)

    def show_hint(self) -> None:
        """Show no path, only how to pick one."""
        self.pick = None
        self._message(_HINT)

    def show_waiting(self, x: int, y: int) -> None:
        self.pick = None
        self._message(f"Tracing pixel ({x}, {y})...")

    def show_error(self, error: Exception) -> None:
        self.pick = None
        self._message(f"No path: {error}")

    def show_pick(self, pick: Pick) -> None:
        """Show the path: the pixel's RGB first, then every bounce, expanded."""
        self.pick = pick
        self.clear()
        r, g, b = pick.rgb
        top = self._add(
            None, f"Pixel ({pick.x}, {pick.y}): RGB {r}, {g}, {b}  #{r:02x}{g:02x}{b:02x}"
        )
        top.setIcon(0, _swatch((r / 255, g / 255, b / 255)))
        font = QFont(top.font(0))
        font.setBold(True)
        top.setFont(0, font)
        if pick.samples > 1:
            self._add(top, f"centre sample of {pick.samples}x{pick.samples} (AA averages them)")
        for index, bounce in enumerate(pick.bounces):
            self._add_bounce(pick, index, bounce)
        self.expandAll()
        self.setCurrentItem(top)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            self._on_item_activated(item)
            return
        super().keyPressEvent(event)

    # -- building -------------------------------------------------------------------------

    def _message(self, text: str) -> None:
        self.clear()
        item = self._add(None, text)
        item.setToolTip(0, text)

    def _add(self, parent, text: str, made: Made | None = None, swatch=None) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text])
        if made is not None and made.file is not None:
            item.setData(0, _FILE_ROLE, made.file)
            item.setData(0, _LINE_ROLE, made.line)
            item.setForeground(0, QBrush(_LINK))
            item.setToolTip(0, f"{made.file}:{made.line}: double-click or Enter opens it")
        else:
            item.setToolTip(0, text)
        if swatch is not None:
            item.setIcon(0, _swatch(swatch))
        if parent is None:
            self.addTopLevelItem(item)
        else:
            parent.addChild(item)
        return item

    def _add_bounce(self, pick: Pick, index: int, b: Bounce) -> None:
        names = _Basename()
        ray = (
            "camera ray"
            if b.parent is None
            else f"{b.kind} (x {num(b.weight, DIGITS)} into [{b.parent}])"
        )
        if b.object is None or b.material is None:
            text = f"[{index}] {ray}: {miss_text(b, names, DIGITS)}"
            self._add(None, text, b.background, swatch=b.color)
            return
        head = self._add(None, f"[{index}] {ray}: {where(b.object, names)}", b.object, b.color)
        m = b.material
        self._add(
            head,
            f"object {where(b.object, names)} (OBJECTS[{b.object.index}]), "
            f"distance {num(b.distance or 0.0, DIGITS)}",
            b.object,
        )
        self._add(
            head,
            f"material {where(m, names)}: ambient {num(m.ambient)}, diffuse {num(m.diffuse)}, "
            f"specular {num(m.specular)}, reflection {num(m.reflection)}",
            m,
        )
        point, normal = triple(b.point or (), DIGITS), triple(b.normal or (), DIGITS)
        self._add(head, f"point {point}, normal {normal}")
        surface = b.surface or (0.0, 0.0, 0.0)
        self._add(head, f"surface colour {rgb(surface, DIGITS)}", swatch=surface)
        self._add(head, f"ambient {rgb(b.ambient, DIGITS)}")
        for term in b.lights:
            line = self._add(head, light_text(term, names, DIGITS), term.light)
            if term.blocker is not None:
                self._add(line, f"shadowed by {where(term.blocker, names)}", term.blocker)
        for text, color in sum_lines(pick, index, DIGITS):
            self._add(head, text, swatch=color)

    def _on_item_activated(self, item: QTreeWidgetItem) -> None:
        file = item.data(0, _FILE_ROLE)
        if file:
            self.location_activated.emit(file, int(item.data(0, _LINE_ROLE) or 0))
