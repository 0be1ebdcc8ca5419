"""Pick a pixel: ask the render workers for the path of its ray (scene code stays there)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from tracer.workers.service import JobFailed, PixelPicked

from .service_link import ServiceLink
from .session import RenderSession


class Picker(QObject):
    """Trace one pixel of the session's picture on show, at full size, with the full settings.

    The version of the scene whose pixels are on show is picked (while an edit fails to load,
    the last good picture stays, and so does what a pick explains). A newer pick replaces one
    not answered yet.
    """

    pick_started = Signal(int, int)  # x, y in full-size pixels
    pixel_picked = Signal(object)  # a tracer.pick.Pick
    pick_failed = Signal(object)  # an exception: why there is no path
    pick_cleared = Signal()  # another scene was opened: the last pick explains nothing now

    def __init__(
        self, session: RenderSession, link: ServiceLink, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.link = session, link
        self.job: int | None = None

    def pick(self, x: int, y: int) -> None:
        """Ask for the path of full-size pixel (x, y)."""
        session = self.session
        source = session.shown_source or session.source
        if source is None:
            self.pick_failed.emit(RuntimeError("no scene is open"))
            return
        if self.job is not None:
            self.link.cancel(self.job)
        settings = session.options.full_settings()
        self.job = self.link.backend.pick(source, settings, x, y)
        self.link.watch(self.job, self._on_event)
        self.pick_started.emit(x, y)

    def forget(self, path: str = "") -> None:
        """Drop the last pick and one not answered yet (another scene, ``path``, was opened)."""
        if self.job is not None:
            self.link.cancel(self.job)
            self.job = None
        self.pick_cleared.emit()

    def _on_event(self, event) -> None:
        if event.job != self.job:
            return
        if isinstance(event, PixelPicked):
            self.job = None
            self.pixel_picked.emit(event.pick)
        elif isinstance(event, JobFailed):
            self.job = None
            self.pick_failed.emit(event.error)
