"""The status bar: pixel and object under the cursor, zoom, render state, progress, time, speed.

Its texts never overlap: each has its own box and shortens with "…" when the box is narrow.
When the window narrows, the hover text (or a message) gives way first, down to its minimum;
then the render state and the progress bar shrink together to theirs; the zoom always shows.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QSizePolicy, QStatusBar, QWidget

from ..document import SceneMissing
from ..refinement import Refinement
from ..session import RenderSession

PROGRESS_WIDTH, MIN_PROGRESS_WIDTH = 160, 60
#: The narrowest the hover text (or a message) and the render state get, in characters.
MIN_HOVER_CHARS, MIN_TIME_CHARS = 24, 14
#: The widest text the time label shows: the label is this wide always, so nothing beside
#: it moves as its text changes.
WIDEST_TIME_TEXT = "rendering 9999x9999  9999.99 s  999.9 Mpix/s"


def speed(pixels_per_second: float) -> str:
    """Return a render speed in units that show it (8x8 anti-aliasing is ~0.03 Mpix/s)."""
    if pixels_per_second >= 100_000:
        return f"{pixels_per_second / 1e6:.1f} Mpix/s"
    return f"{pixels_per_second / 1e3:.1f} kpix/s"


class QtElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" to fit the width it is given.

    ``text()`` stays the whole text; ``widest`` (if given) is the text its size hint is made
    for, so that the label does not change size with its text.
    """

    def __init__(self, min_chars: int, widest: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.widest = widest
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * min_chars)

    def shown_text(self) -> str:
        """Return the text as painted: the whole text, or its start and "…"."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, width)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.widest:
            hint.setWidth(self.fontMetrics().horizontalAdvance(self.widest) + 12)
        return hint

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        flags = self.alignment() | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
        painter.drawText(self.contentsRect(), int(flags), self.shown_text())
        painter.end()


class QtProgress(QProgressBar):
    """The render's progress in per mille: 160 pixels wide, down to 60 when room is short."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 1000)
        self.setFormat("%p%")
        self.setMinimumWidth(MIN_PROGRESS_WIDTH)
        self.setMaximumWidth(PROGRESS_WIDTH)

    def sizeHint(self) -> QSize:
        return QSize(PROGRESS_WIDTH, super().sizeHint().height())

    def setValue(self, value: int) -> None:
        """Set the value; the bar is repainted with the window's next paint, not at once.

        QProgressBar repaints at once when its text changes, and that paint takes the whole
        window's pending paints with it (the picture's too) in the middle of handling an
        event: a save's rows reached the screen later (measured ~2-5 ms a save).
        """
        if value == self.value():
            return
        self.setUpdatesEnabled(False)
        super().setValue(value)
        self.setUpdatesEnabled(True)  # an ordinary update(), coalesced with the others


class QtStatusBar(QStatusBar):
    """Say truthfully what the session is doing; ticks at 5 Hz while it loads or renders."""

    def __init__(
        self,
        session: RenderSession,
        parent: QWidget | None = None,
        refinement: Refinement | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.refinement = session, refinement
        self.idle_text = ""  # shown when the cursor is not over the image
        self._pixel_text = ""
        self._object_text = ""
        # The hover text and the messages share the room left over; a message hides the
        # hover text while it lasts (as QStatusBar does, but shortened to fit, not cut).
        self.pixel_label = QtElidedLabel(MIN_HOVER_CHARS)
        self.message_label = QtElidedLabel(MIN_HOVER_CHARS)
        for label in (self.message_label, self.pixel_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.zoom_label = QLabel()
        self.zoom_label.setToolTip("Zoom: output pixels per screen pixel")
        self.zoom_label.setFixedWidth(self.fontMetrics().horizontalAdvance("Fit 9999 %") + 12)
        self.progress = QtProgress()
        self.time_label = QtElidedLabel(MIN_TIME_CHARS, WIDEST_TIME_TEXT)
        self._arrange()
        self._ticker = QTimer(self, interval=200)
        self._ticker.timeout.connect(self.refresh)
        self.messageChanged.connect(self._on_message_changed)
        session.render_started.connect(self._on_render_started)
        session.frame_updated.connect(self.refresh)
        session.render_finished.connect(self._on_render_ended)
        session.render_failed.connect(self._on_render_ended)
        session.render_stopped.connect(self._on_render_ended)
        if refinement is not None:
            refinement.progressed.connect(self.refresh)
        self.show_pixel(-1, -1, None)
        self.refresh()

    def _arrange(self) -> None:
        """Put every text in a box of its own (all permanent: QStatusBar paints no message)."""
        self.addPermanentWidget(self.message_label, 1)
        self.addPermanentWidget(self.pixel_label, 1)
        self.addPermanentWidget(self.zoom_label)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.time_label)
        self.message_label.hide()

    def _on_message_changed(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setToolTip(text)
        self.message_label.setVisible(bool(text))
        self.pixel_label.setVisible(not text)

    def show_scene(self, path: str) -> None:
        """Say which file is watched (while the cursor is not over the image)."""
        self.idle_text = f"Watching {path}"
        self.pixel_label.setText(self.idle_text)

    def show_pixel(self, x: int, y: int, rgb) -> None:
        if rgb is None:
            self._pixel_text = self._object_text = ""
        else:
            r, g, b = rgb
            self._pixel_text = f"x {x}, y {y}   RGB {r}, {g}, {b}  #{r:02x}{g:02x}{b:02x}"
        self._show_hover()

    def show_object(self, found) -> None:
        """Name the object under the cursor: (index, class, file, line), or None."""
        self._object_text = ""
        self.pixel_label.setToolTip("")
        if found is not None:
            index, kind, file, line = found
            where = f"{os.path.basename(file)}:{line}" if file else "made outside the scene"
            self._object_text = f"{kind} {where}  (OBJECTS[{index}])"
            self.pixel_label.setToolTip(f"{file}:{line}: Ctrl+click to see this pixel's path")
        self._show_hover()

    def _show_hover(self) -> None:
        text = "     ".join(t for t in (self._pixel_text, self._object_text) if t)
        self.pixel_label.setText(text or self.idle_text)

    def show_zoom(self, percent: float, fit: bool) -> None:
        """Show the viewport's zoom (output pixels per screen pixel) as a percentage."""
        text = f"{percent:.0f} %"
        self.zoom_label.setText(f"Fit {text}" if fit else text)

    def refresh(self) -> None:
        """Show the state of the current (or last) render; never the previous one's numbers."""
        state = self.session.state
        if state == "loading":
            self._show_loading()
            return
        self.progress.setRange(0, 1000)
        if state == "failed":
            self.progress.setValue(0)
            missing = isinstance(self.session.error, SceneMissing)
            self.time_label.setText(
                "failed: waiting for the scene file" if missing else "failed: see the error panel"
            )
        elif state == "stopped" and not self.session.loaded:
            self.progress.setValue(0)  # the frame still holds the previous render's rows
            self.time_label.setText("stopped while loading the scene")
        elif state == "idle":
            self.progress.setValue(0)
            self.time_label.setText("")
        else:
            self._show_rendering(state)

    def _show_loading(self) -> None:
        """Busy bar and the time the scene code has run against the load timeout."""
        session = self.session
        self.progress.setRange(0, 0)
        timeout = session.options.load_timeout
        self.time_label.setText(f"loading scene  {session.elapsed:.1f} s of {timeout:g} s")

    def _show_rendering(self, state: str) -> None:
        session, frame = self.session, self.session.frame
        self.progress.setValue(round(1000 * frame.progress))
        text = f"{state} {frame.width}x{frame.height}  {session.elapsed:.2f} s"
        rendering = session.elapsed - session.load_seconds  # the speed leaves loading out
        if frame.pixels_done and rendering > 0:
            text += f"  {speed(frame.pixels_done / rendering)}"
        self.time_label.setToolTip(
            f"Scene loaded in {session.load_seconds:.2f} s, rendered in {rendering:.2f} s"
        )
        self.time_label.setText(self._refined(state) or text)

    def _refined(self, state: str) -> str:
        """Return what a refinement after the first frame is at: samples per pixel and time."""
        r = self.refinement
        if r is None or state != "done" or r.settings is None or r.target <= 1:
            return ""
        if not r.running and r.samples < r.target:  # nothing to add: the frame has enough
            return ""
        verb = "refining" if r.running else "refined"
        self.progress.setValue(round(1000 * r.progress))  # of the pass adding samples
        return f"{verb} {r.samples}/{r.target} spp  {r.elapsed:.1f} s"

    def _on_render_started(self, job: int) -> None:
        self._ticker.start()
        self.refresh()

    def _on_render_ended(self, *args) -> None:
        self._ticker.stop()
        self.refresh()
