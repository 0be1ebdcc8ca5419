"""Camera mode: orbit, pan and dolly the camera with mouse and keys in the viewport.

While the camera moves, renders are quick previews (session.FAST_SCALE of the size, one
sample), one at a time: a move during a preview waits for it and sends only the latest
camera. Releasing the mouse (or a pause after keys and wheel) renders at full quality.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QWheelEvent,
)

from tracer.camera.code import camera_line
from tracer.camera.view import check_view

from ..camera_override import CameraOverride
from ..camera_rig import CameraRig
from ..camera_write import CameraWriteBack
from ..document import SceneDocument
from ..session import RenderSession
from .qt_keys import Shortcut
from .qt_viewport import QtViewport

DEGREES_PER_PIXEL = 0.3
KEY_DEGREES = 5.0
WHEEL_DOLLY = 0.9  # distance factor per wheel notch towards the pivot
SETTLE_MS = 350  # after keys or the wheel stop, render at full quality
HINT = (
    "camera mode: drag orbit · shift/middle-drag pan · wheel or +/- dolly · arrows orbit · C leave"
)


class QtCameraMode(QObject):
    """Drive the camera override from the viewport's mouse and keys."""

    mode_changed = Signal(bool)
    camera_changed = Signal()  # the override was set, moved or cleared
    said = Signal(str)  # a status-bar message
    undo_changed = Signal(bool)  # whether Edit > Undo can put the scene file back

    def __init__(
        self,
        session: RenderSession,
        camera: CameraOverride,
        viewport: QtViewport,
        document: SceneDocument,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.camera = session, camera
        self.viewport, self.document = viewport, document
        self.active = False
        self.rig: CameraRig | None = None
        self._drag: tuple[str, QPointF] | None = None  # ('orbit' or 'pan', last position)
        self._pending = False  # a move waits for the running preview
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._render_full)
        viewport.installEventFilter(self)
        viewport.overlays.append(self._paint)
        session.render_finished.connect(self._on_render_done)
        session.render_failed.connect(self._on_render_done)
        self.write_back = CameraWriteBack()
        document.opened.connect(self.forget)
        document.source_changed.connect(self._on_source_changed)

    # -- state ----------------------------------------------------------------------------

    @property
    def overridden(self) -> bool:
        return self.camera.overridden

    def view(self) -> tuple | None:
        """Return the camera shown: the override, else the scene's (as a view), else None."""
        return self.camera.shown()

    def set_active(self, on: bool) -> None:
        if on and self.view() is None:
            self.said.emit("Camera mode needs a rendered scene first")
            on = False
        if on != self.active:
            self.active = on
            self._drag = None
            if on:
                self.viewport.setFocus()
            self.viewport.update()
            self.mode_changed.emit(on)

    def reset(self) -> None:
        """Drop the override: the scene's own camera, its exact picture."""
        self.rig = None
        self._pending = False
        self._settle.stop()
        if self.camera.view is not None:
            self.camera.set(None)
        self.camera_changed.emit()

    def forget(self) -> None:
        """Another scene was opened: no override, not in camera mode."""
        self.rig = None
        self.camera.set(None, render=False)
        self.set_active(False)
        self.write_back.forget()
        self.undo_changed.emit(False)
        self.camera_changed.emit()

    def code(self) -> str | None:
        view = self.view()
        return camera_line(view) if view is not None else None

    def copy_code(self) -> None:
        code = self.code()
        if code is not None:
            QGuiApplication.clipboard().setText(code)
            self.said.emit(f"Copied: {code}")

    def write_to_scene(self) -> tuple[bool, str]:
        """Write the override into the scene file; return whether it did and what happened."""
        path, view = self.document.path, self.camera.view
        if path is None or view is None:
            return False, "Nothing to write: the camera is the scene's own."
        ok, message = self.write_back.write(path, view)
        if ok:
            self.rig = None
            self.camera.set(None, render=False)  # the save renders the scene's camera now
            self.camera_changed.emit()
            self.undo_changed.emit(True)
        return ok, message

    def undo_write(self) -> tuple[bool, str]:
        """Put the scene file's bytes from before the last Write to Scene back."""
        ok, message = self.write_back.undo()
        self.undo_changed.emit(False)
        self.said.emit(message.replace("\n\n", " "))
        return ok, message

    def _on_source_changed(self, _source) -> None:
        if self.write_back.last is not None and not self.write_back.can_undo:
            self.write_back.forget()  # edited since: an undo would lose that edit
            self.undo_changed.emit(False)

    # -- moving ---------------------------------------------------------------------------

    def move(self, kind: str, a: float, b: float, fast: bool = True) -> None:
        """Apply 'orbit' (degrees right, up), 'pan' (view widths right, down) or 'dolly' (a)."""
        if self.rig is None:
            view = self.view()
            if view is None:
                return
            self.rig = CameraRig(view)
        if kind == "orbit":
            self.rig.orbit(a, b)
        elif kind == "pan":
            self.rig.pan(a, b)
        else:
            self.rig.dolly(a)
        self._send(fast)

    def _send(self, fast: bool) -> None:
        assert self.rig is not None
        view = self.rig.view()
        try:
            check_view(view)
        except ValueError:
            return
        if fast and self.session.running and self.session.fast:
            self._pending = True
            return
        self._pending = False
        self.camera.set(view, fast=fast)
        self.camera_changed.emit()

    def _render_full(self) -> None:
        if self.rig is not None:
            self._send(False)

    def _on_render_done(self, *_args) -> None:
        if self._pending and self.rig is not None:
            self._send(self._drag is not None or self._settle.isActive())

    # -- events ---------------------------------------------------------------------------

    def eventFilter(self, watched, event) -> bool:
        if not self.active or watched is not self.viewport:
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            return self._on_press(event)
        if kind == QEvent.Type.MouseMove and self._drag is not None:
            return self._on_drag(event)
        if kind == QEvent.Type.MouseButtonRelease and self._drag is not None:
            self._drag = None
            self.viewport.unsetCursor()
            if self.rig is not None:
                self._send(False)
            return True
        if kind == QEvent.Type.Wheel:
            steps = event.angleDelta().y() / 120 if isinstance(event, QWheelEvent) else 0
            if steps:
                self.move("dolly", WHEEL_DOLLY**steps, 0)
                self._settle.start()
            return True
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            return self._on_shortcut_override(event)
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._on_key(event)
        return False

    def _on_shortcut_override(self, event: QKeyEvent) -> bool:
        """Keep camera mode's keys from shortcuts (Left/Right step an animation's timeline)."""
        if _key_move(event) is None:
            return False
        event.accept()  # deliver it as a key press: the camera moves, the timeline stays
        return True

    def _on_press(self, event: QMouseEvent) -> bool:
        shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        if event.button() == Qt.MouseButton.MiddleButton or (
            event.button() == Qt.MouseButton.LeftButton and shift
        ):
            self._drag = ("pan", event.position())
        elif event.button() == Qt.MouseButton.LeftButton:
            self._drag = ("orbit", event.position())
        else:
            return False
        self.viewport.setCursor(Qt.CursorShape.SizeAllCursor)
        return True

    def _on_drag(self, event: QMouseEvent) -> bool:
        assert self._drag is not None
        kind, last = self._drag
        delta = event.position() - last
        self._drag = (kind, event.position())
        if kind == "orbit":
            self.move("orbit", -delta.x() * DEGREES_PER_PIXEL, delta.y() * DEGREES_PER_PIXEL)
        else:
            width = max(1.0, self.viewport.image_rect().width())
            self.move("pan", -delta.x() / width, -delta.y() / width)
        return True

    def _on_key(self, event: QKeyEvent) -> bool:
        move = _key_move(event)
        if move is None:
            return False
        self.move(*move)
        self._settle.start()
        return True

    # -- painting -------------------------------------------------------------------------

    def _paint(self, painter: QPainter, rect: QRectF) -> None:
        if not self.active:
            return
        centre = rect.center()
        painter.setPen(QPen(QColor(255, 210, 60, 220), 1.5))
        painter.drawEllipse(centre, 6, 6)
        painter.drawLine(QPointF(centre.x() - 14, centre.y()), QPointF(centre.x() + 14, centre.y()))
        painter.drawLine(QPointF(centre.x(), centre.y() - 14), QPointF(centre.x(), centre.y() + 14))
        metrics = painter.fontMetrics()
        label = f" {HINT} "
        width = metrics.horizontalAdvance(label) + 8
        box = QRectF(8, self.viewport.height() - 30, width, 22)
        painter.fillRect(box, QColor(160, 110, 0, 230))
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)


_K = Qt.Key
_CAMERA = "In the picture: camera mode"
#: Camera mode's keys and the moves they make.
KEY_MOVES = {
    _K.Key_Left.value: ("orbit", KEY_DEGREES, 0.0),
    _K.Key_Right.value: ("orbit", -KEY_DEGREES, 0.0),
    _K.Key_Up.value: ("orbit", 0.0, KEY_DEGREES),
    _K.Key_Down.value: ("orbit", 0.0, -KEY_DEGREES),
    _K.Key_Plus.value: ("dolly", WHEEL_DOLLY, 0.0),
    _K.Key_Equal.value: ("dolly", WHEEL_DOLLY, 0.0),
    _K.Key_Minus.value: ("dolly", 1 / WHEEL_DOLLY, 0.0),
}


#: What camera mode's keys do, for Help > Keyboard Shortcuts (from KEY_MOVES' moves).
KEYS = (
    Shortcut(_CAMERA, f"Orbit left / right by {KEY_DEGREES:g} degrees", "Left, Right"),
    Shortcut(_CAMERA, f"Orbit up / down by {KEY_DEGREES:g} degrees", "Up, Down"),
    Shortcut(_CAMERA, "Move in towards the pivot", "+, ="),
    Shortcut(_CAMERA, "Move out from the pivot", "-"),
)


def _key_move(event: QKeyEvent) -> tuple[str, float, float] | None:
    """Return the move a key makes in camera mode (None: not a camera key)."""
    return KEY_MOVES.get(int(event.key()))
