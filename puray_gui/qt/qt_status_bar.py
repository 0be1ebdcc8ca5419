"""The status bar: pixel under the cursor, render progress, elapsed time and speed."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from ..session import RenderSession


class QtStatusBar(QStatusBar):
    """Show what the session is doing; ticks at 5 Hz while a render runs (also while loading)."""

    def __init__(self, session: RenderSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.idle_text = ""  # shown when the cursor is not over the image
        self.pixel_label = QLabel()
        self.pixel_label.setMinimumWidth(230)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFormat("%p%")
        self.progress.setMaximumWidth(160)
        self.time_label = QLabel()
        self.time_label.setMinimumWidth(190)
        self.addWidget(self.pixel_label)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.time_label)
        self._ticker = QTimer(self, interval=200)
        self._ticker.timeout.connect(self.refresh)
        session.render_started.connect(self._on_render_started)
        session.frame_updated.connect(self.refresh)
        session.render_finished.connect(self._on_render_finished)
        session.render_failed.connect(self._on_render_failed)
        self.show_pixel(-1, -1, None)
        self.refresh()

    def show_scene(self, path: str) -> None:
        """Say which file is watched (while the cursor is not over the image)."""
        self.idle_text = f"Watching {path}"
        self.pixel_label.setText(self.idle_text)

    def show_pixel(self, x: int, y: int, rgb) -> None:
        if rgb is None:
            self.pixel_label.setText(self.idle_text)
        else:
            r, g, b = rgb
            self.pixel_label.setText(f"x {x}, y {y}   RGB {r}, {g}, {b}  #{r:02x}{g:02x}{b:02x}")

    def refresh(self) -> None:
        """Show the progress, elapsed time and speed of the current (or last) render."""
        session = self.session
        frame = session.frame
        self.progress.setValue(round(1000 * frame.progress))
        elapsed = session.elapsed
        if elapsed <= 0:
            self.time_label.setText("")
            return
        mpix = frame.pixels_done / elapsed / 1e6
        size = f"{frame.width}x{frame.height}"
        state = "rendering" if session.running else "done"
        self.time_label.setText(f"{state} {size}  {elapsed:.2f} s  {mpix:.1f} Mpix/s")

    def _on_render_started(self, job: int) -> None:
        self._ticker.start()
        self.refresh()

    def _on_render_finished(self, seconds: float) -> None:
        self._ticker.stop()
        self.refresh()

    def _on_render_failed(self, error) -> None:
        self._ticker.stop()
        self.progress.setValue(0)
        self.time_label.setText("failed: see the error panel")
