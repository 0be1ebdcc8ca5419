"""Export every frame of the animated scene to GIF/APNG/WebP/MP4 at full size, never blocking.

The frames render as side jobs of the session's service, or on the Dask scheduler chosen for
exports, with the FrameScheduler ``puray render`` uses (a few in flight, handed to the writer
in frame order), and go to the writers of :mod:`tracer.output.writers`: nothing is written
unless every frame rendered, and the file appears in one step. The final encoding (a GIF's
palette, say) runs on a thread.
"""

from __future__ import annotations

import os
import threading
import time

from PySide6.QtCore import QObject, Signal

from tracer.output.atomic import write_message
from tracer.output.metadata import export_metadata, render_time
from tracer.output.video import MissingEncoder
from tracer.output.writer import Writer
from tracer.output.writers import open_writer
from tracer.scene.frames import in_frame
from tracer.scene.source import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.events import Event, JobFinished, JobStarted
from tracer.workers.scheduler import FrameScheduler

from .cluster_link import ClusterLink
from .export_route import ExportRoute
from .session import RenderSession

#: File types the window exports, as (name filter, suffix).
FORMATS = (
    ("GIF (*.gif)", ".gif"),
    ("Animated PNG (*.png *.apng)", ".png"),
    ("WebP (*.webp)", ".webp"),
    ("MP4 video (*.mp4)", ".mp4"),
)


class AnimationExporter(QObject):
    """Render frames 0 to FRAMES-1 of the session's scene into one animation file."""

    progressed = Signal(float, int)  # frames done (in part), the frame being rendered
    writing = Signal()  # every frame rendered; the file is being encoded
    finished = Signal(str)  # path written
    failed = Signal(str)  # why nothing was written (naming the frame)
    cancelled = Signal()
    noticed = Signal(str)  # where the frames render, when not on the local workers

    def __init__(
        self,
        session: RenderSession,
        parent: QObject | None = None,
        cluster: ClusterLink | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.cluster = cluster if cluster is not None else ClusterLink(self)
        self.route = ExportRoute(session, self.cluster, self)
        self.route.ready.connect(self._submit_more)
        self.route.noticed.connect(self.noticed)
        self.path = ""
        self.total = 0
        self._writer: Writer | None = None
        self._source: SceneSource | None = None
        self._settings = RenderSettings()
        self._frames: FrameScheduler | None = None  # once the route is ready
        self._numbers = iter(range(0))  # the frames not submitted yet
        self._started = 0.0
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        encoding = self._thread is not None and self._thread.is_alive()
        return self._writer is not None or encoding

    def export(self, path: str, force: bool = False) -> None:
        """Start exporting the scene's frames to ``path``; ``finished`` or ``failed`` follows.

        ``force``: the user agreed to replace ``path`` even if it is read-only.
        """
        session = self.session
        if session.source is None or session.frames < 2:
            self.failed.emit("the open scene is not animated (it sets no FRAMES above 1)")
            return
        self.path, self.total = os.path.abspath(path), session.frames
        self._source, self._settings = session.source, session.options.full_settings()
        try:
            writer = open_writer(self.path, session.fps, force=force)
            writer.begin(range(self.total), self.total, self._metadata())
        except (ValueError, MissingEncoder) as exc:
            self.failed.emit(str(exc))
            return
        self._writer, self._frames = writer, None
        self._numbers = iter(range(self.total))
        self._started = time.perf_counter()
        self.route.open()  # -> _submit_more

    def cancel(self) -> None:
        """Stop rendering; nothing is written (an encoding already under way completes)."""
        if self._writer is None:
            return
        self._stop()
        self.cancelled.emit()

    def close(self) -> None:
        """Cancel, and wait for a file being encoded."""
        self.cancel()
        self.wait()

    def wait(self, timeout: float = 60.0) -> None:
        """Join the encoding thread (for shutdown and tests)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _metadata(self) -> dict[str, object]:
        assert self._source is not None
        return export_metadata(
            self._source,
            self._settings,
            self.session.display_size,
            frames=range(self.total),
            fps=self.session.fps,
            total=self.total,
        )

    def _ahead(self) -> int:
        try:
            return int(self.route.jobs.backend.processes) + 1
        except (AttributeError, TypeError, ValueError):
            return 2

    def _submit_more(self) -> None:
        if self._writer is None or self._source is None:
            return  # cancelled while the route was being prepared
        if self._frames is None:
            jobs, source, settings = self.route.jobs, self._source, self._settings
            self._frames = FrameScheduler(
                jobs, source, settings, self._ahead, listener=self._on_event
            )
        self._frames.fill(self._numbers)

    def _stop(self) -> None:
        self.route.close()
        if self._frames is not None:
            self._frames.cancel()
        if self._writer is not None:
            self._writer.abort()
            self._writer = None

    def _on_event(self, event: Event) -> None:
        frames = self._frames
        if frames is None or self._writer is None:
            return
        failed = frames.failure
        if failed is not None:
            assert failed.error is not None
            self._stop()
            self.failed.emit(str(in_frame(failed.error, failed.number, self.total)))
            return
        if isinstance(event, JobFinished):
            self._hand_on(frames)
        elif isinstance(event, JobStarted):
            self._submit_more()  # a first frame that told FRAMES lets the others start
        self._report()

    def _hand_on(self, frames: FrameScheduler) -> None:
        """Give the writer every finished frame at the front; finish when all are written."""
        assert self._writer is not None
        try:
            while (frame := frames.next_finished()) is not None:
                assert frame.pixels is not None
                self._writer.add(frame.number, frame.pixels)
        except Exception as exc:  # a failed write, a frame of another size: never in a slot
            self._stop()
            self.failed.emit(write_message(exc, self.path))
            return
        self._submit_more()
        if frames.handed == self.total:
            self._encode()

    def _report(self) -> None:
        if self._writer is None or self._frames is None:
            return
        held = self._frames.held
        current = held[0].number if held else self.total - 1
        self.progressed.emit(self._frames.progress(), current)

    def _encode(self) -> None:
        writer, self._writer = self._writer, None
        assert writer is not None
        seconds = time.perf_counter() - self._started
        self.writing.emit()
        self._thread = threading.Thread(
            target=self._commit, args=(writer, seconds), name="puray-export-animation"
        )
        self._thread.start()

    def _commit(self, writer: Writer, seconds: float) -> None:
        """Encode and put the file in place (on a thread; signals reach the GUI thread)."""
        try:
            writer.commit(render_time(seconds))
        except Exception as exc:  # any failure: say it, leave nothing behind
            writer.abort()
            self.failed.emit(write_message(exc, self.path))
            return
        self.finished.emit(self.path)
