"""Show the session's frame as it renders: fit or 1:1, wheel zoom, drag to pan, HiDPI-sharp.

Ctrl+click (or a click in pick mode) asks for a pixel's path; hovering outlines the object
under the cursor (from the frame's id buffer).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..session import RenderSession
from .qt_labels import label_width, paint_label
from .qt_outline import outline_image

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 1 / 32, 64.0
BACKGROUND = QColor(38, 40, 46)  # neutral and dark: the picture, not the frame, stands out
#: Below this many device pixels per frame pixel the picture is drawn smoothly (downscaled, or
#: fit-to-window at 1.04x, where nearest neighbour doubles every 25th row: jagged edges);
#: from here up nearest neighbour shows the pixels as crisp blocks, as a pixel inspector should.
SMOOTH_BELOW = 2.0
#: A press and release this close (logical pixels) is a click, not a drag.
CLICK_SLOP = 4.0


def array_to_qimage(pixels: np.ndarray) -> QImage:
    """Wrap an (H, W, 3) uint8 array without copying; the caller keeps the array alive."""
    height, width = pixels.shape[:2]
    return QImage(pixels.data, width, height, pixels.strides[0], QImage.Format.Format_RGB888)


class QtViewport(QWidget):
    """Paint the frame; repaint once per ``frame_updated`` (the session drains at ~30 Hz)."""

    pixel_hovered = Signal(int, int, object)  # x, y in output pixels, (r, g, b) or None
    zoom_changed = Signal(float, bool)  # percent (device pixels per output pixel), fitting
    pick_requested = Signal(int, int)  # x, y in output pixels: a Ctrl+click or pick-mode click
    object_hovered = Signal(object)  # (index, class, file, line) or None
    painted = Signal()

    def __init__(self, session: RenderSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.fit = True
        self.zoom = 1.0  # device pixels per output pixel when not fitting
        self.pan = QPointF(0, 0)
        self._pixels: np.ndarray | None = None  # kept alive while _image wraps it
        self._image = QImage()
        self._drag_from: QPointF | None = None
        self._zoom_shown: tuple[float, bool] | None = None
        #: A picture shown instead of the live frame (a history entry), kept alive here.
        self._shown: np.ndarray | None = None
        #: Callables painting over the picture: overlay(painter, picture rect).
        self.overlays: list = []
        self.pick_mode = False
        self._press_at: QPointF | None = None
        self.hovered: int | None = None  # the object under the cursor (index in OBJECTS)
        self._outline: tuple | None = None  # (key, QImage, array kept alive)
        self._objects_known = True  # the frame's ids name the open scene's objects
        self.setMouseTracking(True)
        self.setMinimumSize(160, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        session.frame_updated.connect(self.update)  # new rows (the outline may grow too)
        session.frame_resized.connect(self._on_frame_resized)
        session.stale_changed.connect(self.update)
        session.scene_loaded.connect(self._on_scene_loaded)

    # -- zoom and pan ---------------------------------------------------------------------

    def scale(self) -> float:
        """Return logical widget pixels per output pixel."""
        width, height = self.session.display_size
        if self.fit:
            return min(self.width() / width, self.height() / height)
        return self.zoom / self.devicePixelRatioF()

    def image_rect(self) -> QRectF:
        """Return where the frame is drawn, in widget coordinates."""
        width, height = self.session.display_size
        s = self.scale()
        w, h = width * s, height * s
        pan = QPointF(0, 0) if self.fit else self.pan
        return QRectF((self.width() - w) / 2 + pan.x(), (self.height() - h) / 2 + pan.y(), w, h)

    def zoom_percent(self) -> float:
        """Return the zoom: device pixels per output pixel, in percent."""
        return 100 * self.scale() * self.devicePixelRatioF()

    def magnification(self) -> float:
        """Return device pixels per pixel of the frame (a scaled preview has fewer pixels)."""
        frame_width = max(1, self.session.frame.width)
        return self.image_rect().width() * self.devicePixelRatioF() / frame_width

    def smooth(self) -> bool:
        """Return whether the picture is drawn with smooth (not nearest) scaling."""
        return self.magnification() < SMOOTH_BELOW

    def badge_text(self) -> str:
        """Return the label shown over a preview rendered at reduced size ('' at 100 %)."""
        scale = self.session.options.preview_scale
        return f"preview at {scale} %" if scale < 100 else ""

    def fit_to_window(self) -> None:
        self.fit, self.pan = True, QPointF(0, 0)
        self.update()

    def actual_size(self) -> None:
        """Show one output pixel per device pixel (sharp on HiDPI screens)."""
        self.fit, self.zoom, self.pan = False, 1.0, QPointF(0, 0)
        self.update()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom keeping the output point under ``anchor`` (default: the centre) in place."""
        anchor = anchor if anchor is not None else QPointF(self.width() / 2, self.height() / 2)
        rect, s = self.image_rect(), self.scale()
        point = (anchor - rect.topLeft()) / s
        dpr = self.devicePixelRatioF()
        self.zoom = min(MAX_ZOOM, max(MIN_ZOOM, s * dpr * factor))
        self.fit = False
        new_s = self.zoom / dpr
        width, height = self.session.display_size
        centred = QPointF((self.width() - width * new_s) / 2, (self.height() - height * new_s) / 2)
        self.pan = anchor - point * new_s - centred
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP**steps, event.position())
        event.accept()

    def set_pick_mode(self, on: bool) -> None:
        """In pick mode a click picks (a drag still pans); the cursor is a crosshair."""
        self.pick_mode = on
        self._rest_cursor()

    def _rest_cursor(self) -> None:
        if self.pick_mode:
            self.setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.unsetCursor()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = self._press_at = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pressed, self._drag_from, self._press_at = self._press_at, None, None
        self._rest_cursor()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if pressed is None or not (ctrl or self.pick_mode):
            return
        moved = event.position() - pressed
        if abs(moved.x()) + abs(moved.y()) <= CLICK_SLOP:
            hit = self.pixel_at(event.position())
            if hit is not None:
                self.pick_requested.emit(hit[0], hit[1])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            if self.fit:
                self.zoom, self.fit = self.scale() * self.devicePixelRatioF(), False
            self.pan += event.position() - self._drag_from
            self._drag_from = event.position()
            self.update()
        self._report_pixel(event.position())

    def leaveEvent(self, event) -> None:
        self.pixel_hovered.emit(-1, -1, None)
        self._hover(None)

    def pixel_at(self, pos: QPointF) -> tuple[int, int, tuple[int, int, int]] | None:
        """Return the output pixel under a widget position and its colour in the frame."""
        rect, s = self.image_rect(), self.scale()
        width, height = self.session.display_size
        x, y = int((pos.x() - rect.left()) / s), int((pos.y() - rect.top()) / s)
        if not (0 <= x < width and 0 <= y < height) or pos.x() < rect.left():
            return None
        frame = self.session.frame
        fx, fy = x * frame.width // width, y * frame.height // height
        r, g, b = (int(c) for c in frame.pixels[fy, fx])
        return x, y, (r, g, b)

    def _report_pixel(self, pos: QPointF) -> None:
        hit = self.pixel_at(pos)
        if hit is None:
            self.pixel_hovered.emit(-1, -1, None)
            self._hover(None)
        else:
            self.pixel_hovered.emit(hit[0], hit[1], hit[2])
            if self._objects_known:
                self._hover(self.session.frame.object_at(*hit[:2], *self.session.display_size))

    def forget_objects(self) -> None:
        """Outline and name no object until the scene opened now loads (not the old picture's)."""
        self._objects_known = False
        self._hover(None)

    def _on_scene_loaded(self, event) -> None:
        self._objects_known = True

    def _hover(self, found: tuple | None) -> None:
        """Outline and announce the object under the cursor when it changes."""
        index = None if found is None else found[0]
        if index != self.hovered:
            self.hovered = index
            self.object_hovered.emit(found)
            self.update()

    def _on_frame_resized(self, width: int, height: int) -> None:
        self.update()

    # -- painting -------------------------------------------------------------------------

    def show_picture(self, pixels: np.ndarray | None) -> None:
        """Show ``pixels`` (H, W, 3 uint8) instead of the live frame; None: the live frame."""
        self._shown = None if pixels is None else np.ascontiguousarray(pixels)
        self.update()

    @property
    def showing_picture(self) -> bool:
        return self._shown is not None

    def _picture_rect(self, rect: QRectF) -> QRectF:
        """Fit a shown picture of another shape into ``rect``, keeping its aspect."""
        if self._shown is None:
            return rect
        h, w = self._shown.shape[:2]
        s = min(rect.width() / w, rect.height() / h)
        return QRectF(rect.center().x() - w * s / 2, rect.center().y() - h * s / 2, w * s, h * s)

    def _current_image(self) -> QImage:
        pixels = self.session.frame.pixels if self._shown is None else self._shown
        if pixels is not self._pixels:
            self._pixels = pixels
            self._image = array_to_qimage(pixels)
        return self._image

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        if not self.session.frame.blank or self._shown is not None:
            rect = self._picture_rect(self.image_rect())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.smooth())
            painter.drawImage(rect, self._current_image())
            if self.hovered is not None and self._shown is None:
                self._paint_outline(painter, rect)
            if self.session.stale and self._shown is None:
                self._paint_stale(painter, rect)
            if self.badge_text() and self._shown is None:
                self._paint_badge(painter, self.badge_text())
            for overlay in self.overlays:
                overlay(painter, rect)
        else:
            painter.setPen(QColor(170, 172, 180))
            hint = "No image: see the error below" if self.session.stale else "Rendering..."
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, hint)
        painter.end()
        self._report_zoom()
        self.painted.emit()

    def _report_zoom(self) -> None:
        shown = (round(self.zoom_percent(), 1), self.fit)
        if shown != self._zoom_shown:
            self._zoom_shown = shown
            self.zoom_changed.emit(*shown)

    def _paint_outline(self, painter: QPainter, rect: QRectF) -> None:
        """Draw the hovered object's outline, lines about two screen pixels wide."""
        frame = self.session.frame
        thickness = max(1, round(2 / max(self.magnification(), 1e-6)))
        key = (self.hovered, id(frame.ids), frame.ids_version, thickness)
        if self.hovered is None:
            return
        if self._outline is None or self._outline[0] != key:
            image, keep = outline_image(frame.ids, self.hovered, thickness)
            self._outline = (key, image, keep)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(rect, self._outline[1])

    def _paint_badge(self, painter: QPainter, text: str) -> None:
        """Label a scaled preview in the viewport's top-right corner."""
        at = QPointF(self.width() - label_width(painter, text) - 8, 8)
        paint_label(painter, at, text, QColor(30, 90, 170, 220))

    def _paint_stale(self, painter: QPainter, rect: QRectF) -> None:
        """Dim the last good image and label it, so nobody mistakes it for the current scene."""
        painter.fillRect(rect, QColor(0, 0, 0, 110))
        at = rect.topLeft() + QPointF(8, 8)
        paint_label(painter, at, "stale: last good image", QColor(180, 40, 40, 220))
