"""Compare two history entries: swipe, flip (hold Space) or a difference heat map, with the
source diff of the two versions beside the pictures."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QSyntaxHighlighter,
    QTextCharFormat,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..compare import Difference, SizeMismatch, difference, heat_ramp
from ..history import HistoryEntry, source_diff
from .qt_keys import Shortcut
from .qt_viewport import BACKGROUND, array_to_qimage

MODES = ("swipe", "flip", "difference")
_LEGEND_H = 14
#: The compare view's key (flip mode), for Help > Keyboard Shortcuts.
KEYS = (Shortcut("In the picture: compare (flip)", "Hold to show the other entry", "Space"),)
#: Diff lines by their first characters: background colours (removed, added, hunk, header).
_DIFF_COLOURS = (
    ("---", "#e8e8ee"),
    ("+++", "#e8e8ee"),
    ("-", "#ffd7d5"),
    ("+", "#d4f5d4"),
    ("@@", "#dde8ff"),
)


class DiffHighlighter(QSyntaxHighlighter):
    """Colour a unified diff: removed lines red, added green, hunk headers blue."""

    def highlightBlock(self, text: str) -> None:
        for start, colour in _DIFF_COLOURS:
            if text.startswith(start):
                form = QTextCharFormat()
                form.setBackground(QColor(colour))
                self.setFormat(0, len(text), form)
                return


class QtCompareCanvas(QWidget):
    """Paint entry A against B in one of :data:`MODES`; drag the swipe line, hold Space to flip."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = "swipe"
        self.swipe = 0.5  # where the line is, as a fraction of the picture's width
        self.flipped = False  # Space held: flip mode shows B
        self.problem = ""  # why the two cannot be compared ('' when they can)
        self.diff: Difference | None = None
        self._arrays: list[np.ndarray] = []  # kept alive while the QImages wrap them
        self._images: list[QImage] = []
        self._labels = ("A", "B")
        self.setMinimumSize(240, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)

    def set_pictures(self, a: np.ndarray, b: np.ndarray, labels: tuple[str, str]) -> None:
        """Show two pictures; different sizes give a message instead of pixels."""
        self._labels = labels
        try:
            self.diff = difference(a, b)
            self.problem = ""
        except SizeMismatch as exc:
            self.diff, self.problem = None, f"Cannot compare: {exc}."
        heat = self.diff.heat if self.diff is not None else np.zeros((1, 1, 3), np.uint8)
        self._arrays = [np.ascontiguousarray(x) for x in (a, b, heat)]
        self._images = [array_to_qimage(x) for x in self._arrays]
        self.update()
        self.changed.emit()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.update()
        self.changed.emit()

    def picture_rect(self) -> QRectF:
        """Return where the pictures are drawn (fitted, aspect kept, room for the legend)."""
        if not self._images:
            return QRectF()
        h, w = self._arrays[0].shape[:2]
        room_h = self.height() - (_LEGEND_H + 24 if self.mode == "difference" else 0)
        s = min(self.width() / w, max(1, room_h) / h)
        return QRectF((self.width() - w * s) / 2, (room_h - h * s) / 2, w * s, h * s)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        painter.setPen(QColor(220, 220, 225))
        if self.problem or not self._images:
            text = self.problem or "Select two renders in the history to compare them."
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(self.rect().adjusted(20, 20, -20, -20), flags, text)
            painter.end()
            return
        rect = self.picture_rect()
        smooth = rect.width() < self._arrays[0].shape[1] * 2
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
        getattr(self, f"_paint_{self.mode}")(painter, rect)
        painter.end()

    def _paint_flip(self, painter: QPainter, rect: QRectF) -> None:
        index = 1 if self.flipped else 0
        painter.drawImage(rect, self._images[index])
        other = self._labels[1 - index]
        self._tag(painter, rect.topLeft(), f"{self._labels[index]}  (hold Space for {other})")

    def _paint_swipe(self, painter: QPainter, rect: QRectF) -> None:
        a, b = self._images[:2]
        x = rect.left() + rect.width() * self.swipe
        split = round(a.width() * self.swipe)
        painter.drawImage(
            QRectF(rect.left(), rect.top(), x - rect.left(), rect.height()),
            a,
            QRectF(0, 0, split, a.height()),
        )
        painter.drawImage(
            QRectF(x, rect.top(), rect.right() - x, rect.height()),
            b,
            QRectF(split, 0, b.width() - split, b.height()),
        )
        painter.setPen(QPen(QColor(255, 255, 255), 2))
        painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        handle = QRectF(x - 7, rect.center().y() - 18, 14, 36)
        painter.fillRect(handle, QColor(255, 255, 255))
        painter.setPen(QColor(40, 40, 40))
        painter.drawText(handle, Qt.AlignmentFlag.AlignCenter, "||")
        self._tag(painter, rect.topLeft(), f"◀ {self._labels[0]}")
        self._tag(painter, QPointF(rect.right(), rect.top()), f"{self._labels[1]} ▶", right=True)

    def _paint_difference(self, painter: QPainter, rect: QRectF) -> None:
        painter.drawImage(rect, self._images[2])
        assert self.diff is not None
        d = self.diff
        top = d.max_error
        legend = QRectF(rect.left(), rect.bottom() + 8, min(rect.width(), 320), _LEGEND_H)
        ramp = heat_ramp(256)
        for i in range(int(legend.width())):
            c = ramp[int(i * 255 / max(1, legend.width() - 1))]
            painter.fillRect(
                QRectF(legend.left() + i, legend.top(), 1, legend.height()), QColor(*c.tolist())
            )
        painter.setPen(QColor(220, 220, 225))
        painter.drawText(
            QPointF(legend.left(), legend.bottom() + 14),
            f"1 ... {top} (abs. error per pixel, largest of R, G, B, 0-255); black: equal",
        )
        self._tag(painter, rect.topLeft(), f"|{self._labels[1]} - {self._labels[0]}|")

    def _tag(self, painter: QPainter, at: QPointF, text: str, right: bool = False) -> None:
        metrics = painter.fontMetrics()
        width = metrics.horizontalAdvance(text) + 12
        box = QRectF(at.x() - width - 6 if right else at.x() + 6, at.y() + 6, width, 22)
        painter.fillRect(box, QColor(20, 20, 24, 200))
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def move_swipe(self, x: float) -> None:
        rect = self.picture_rect()
        if rect.width() > 0:
            self.swipe = min(1.0, max(0.0, (x - rect.left()) / rect.width()))
            self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.mode == "swipe" and event.button() == Qt.MouseButton.LeftButton:
            self.move_swipe(event.position().x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.mode == "swipe" and event.buttons() & Qt.MouseButton.LeftButton:
            self.move_swipe(event.position().x())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.flipped = True
            self.update()
        elif event.key() != Qt.Key.Key_Space:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.flipped = False
            self.update()
        elif event.key() != Qt.Key.Key_Space:
            super().keyReleaseEvent(event)


class QtCompareView(QWidget):
    """Two entries side by side in time: the picture comparison and the source diff."""

    live_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: tuple[HistoryEntry, HistoryEntry] | None = None
        self._sized = False
        self.canvas = QtCompareCanvas()
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.stats = QLabel()
        self.diff_view = QPlainTextEdit()
        self.diff_view.setReadOnly(True)
        self.diff_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.diff_view.setFont(QFont(mono))
        self.diff_view.setMinimumWidth(200)
        self._highlighter = DiffHighlighter(self.diff_view.document())
        self.buttons = QButtonGroup(self)
        self.mode_buttons = {}
        for i, mode in enumerate(MODES):
            button = QPushButton({"flip": "Flip (Space)"}.get(mode, mode.capitalize()))
            button.setCheckable(True)
            self.buttons.addButton(button, i)
            self.mode_buttons[mode] = button
        self.mode_buttons["swipe"].setChecked(True)
        self.live_button = QPushButton("Back to Live")
        self._arrange()
        self.buttons.idClicked.connect(self._on_mode_clicked)
        self.live_button.clicked.connect(self.live_requested)

    def _arrange(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        for button in self.mode_buttons.values():
            bar.addWidget(button)
        bar.addWidget(self.live_button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.canvas, 1)
        column.addWidget(self.stats)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.diff_view)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

    def set_entries(self, a: HistoryEntry, b: HistoryEntry) -> None:
        """Compare entry ``a`` (the older) with ``b``."""
        self.entries = (a, b)
        labels = (f"A {a.clock}", f"B {b.clock}")
        self.canvas.set_pictures(a.pixels, b.pixels, labels)
        self.title.setText(
            f"A: #{a.number} {a.clock} ({a.summary})   B: #{b.number} {b.clock} ({b.summary})"
        )
        self.diff_view.setPlainText(source_diff(a, b))
        if not self._sized:  # the diff's lines are long: give it about 40 % at first
            self._sized = True
            total = max(600, self.splitter.width())
            self.splitter.setSizes([total * 3 // 5, total * 2 // 5])
        self._show_stats()
        self.canvas.setFocus()

    def set_mode(self, mode: str) -> None:
        self.mode_buttons[mode].setChecked(True)
        self.canvas.set_mode(mode)

    def _on_mode_clicked(self, index: int) -> None:
        self.canvas.set_mode(MODES[index])
        self.canvas.setFocus()

    def _show_stats(self) -> None:
        d = self.canvas.diff
        if d is None:
            self.stats.setText(self.canvas.problem)
        elif d.changed == 0:
            self.stats.setText("The two renders are identical: 0 pixels changed.")
        else:
            self.stats.setText(
                f"{d.changed} of {d.error.size} pixels changed ({100 * d.fraction:.2f} %), "
                f"largest error {d.max_error} of 255"
            )
