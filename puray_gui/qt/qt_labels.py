"""Labels painted over the picture: white text on a coloured box (stale, preview, history)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter


def paint_label(painter: QPainter, at: QPointF, text: str, colour: QColor) -> None:
    """Paint ``text`` in white on a box of ``colour`` whose top left is ``at``."""
    label = f" {text} "
    box = QRectF(at.x(), at.y(), label_width(painter, text), 22)
    painter.fillRect(box, colour)
    painter.setPen(QColor("white"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)


def label_width(painter: QPainter, text: str) -> float:
    """Return the width of the box :func:`paint_label` paints for ``text``."""
    return painter.fontMetrics().horizontalAdvance(f" {text} ") + 8
