"""The render session: the live preview of the current scene, rendered progressively into a frame.

Each new version (a save, new options, another frame or camera) cancels the running preview
and submits one job through the :class:`~puray_gui.service_link.ServiceLink`, which hands this
session the events of its current job only: an older render never paints over a newer one.
``frame_updated`` is emitted at most ~30 times a second while rows arrive (never per row),
and as soon as the frame is complete.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from tracer.errors import SceneError, WorkerDied
from tracer.kernel.made import slowest
from tracer.scene.frames import in_frame
from tracer.scene.source import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.service import JobFailed, JobFinished, JobStarted, RowsReady

from .framebuffer import FrameBuffer
from .options import RenderOptions
from .service_link import ServiceLink

COARSE = 8  # the first pass renders the frame at 1/8 size
PAINT_S = 0.033  # a frame being rendered is painted at most at ~30 Hz (and when it ends)
FAST_SCALE = 0.25  # camera mode's previews while it moves: this size, 1 sample, nothing kept
_QUICK = 0.5  # seconds: rows of a quicker frame are read as they come (the last show at once)


class RenderSession(QObject):
    """Render the current scene with the current options into :attr:`frame`.

    ``link`` submits the preview's jobs to the render service and hands back their events.
    ``lens`` changes the preview's settings before each submit: the camera override plugs in
    there (puray_gui/camera_override.py); by default it changes nothing.
    """

    render_started = Signal(int)  # job id: a new render was submitted
    frame_resized = Signal(int, int)  # the frame's new width, height
    frame_updated = Signal()  # new pixels in frame (at most ~30 Hz, and when it completes)
    render_finished = Signal(float)  # seconds the service took
    render_failed = Signal(object)  # SceneError or WorkerDied; the frame is kept, now stale
    render_stopped = Signal()  # the user stopped the render; the pixels so far stay
    stale_changed = Signal(bool)  # the frame shows an older scene than the one on disk
    scene_loaded = Signal(object)  # the JobStarted of a preview: what the scene's load said
    frames_known = Signal(int, float)  # the scene's FRAMES and FPS, from each load

    def __init__(
        self, link: ServiceLink, options: RenderOptions | None = None, parent=None
    ) -> None:
        super().__init__(parent)
        self.link = link
        self.options = options or RenderOptions()
        self.lens: Callable[[RenderSettings], RenderSettings] = lambda settings: settings
        self.frame = FrameBuffer()
        self.source: SceneSource | None = None
        self.shown_source: SceneSource | None = None  # the version whose pixels are on show
        self.settings: RenderSettings | None = None  # of the current (or last) preview job
        self.job: int | None = None
        self.running = False
        self.stopped = False  # the last render was stopped by the user
        self.fast = False  # the current render is a quick preview of a moving camera
        self._loaded = False  # the current job's scene has loaded (JobStarted arrived)
        self._retried = False
        self._updated = False  # the frame changed since it was last painted
        self._painted_at = 0.0  # when frame_updated was last emitted (perf_counter)
        self.stale = False
        self.error: Exception | None = None
        self.started_at = 0.0
        self.elapsed = 0.0  # seconds since the render was submitted (loading included)
        self.load_seconds = 0.0  # of which the scene code took this long to load
        self.path = ""  # how the workers made the frame: "traced", "re-lit", "re-shaded"
        self._scene_sizes: dict[str, tuple[int, int]] = {}  # the scenes' own, from renders
        self.frame_number = 0  # which frame of an animated scene the preview shows
        self.frames, self.fps = 1, 24.0  # the scene's FRAMES and FPS (from its last load)
        link.drained.connect(self._on_link_drained)
        link.service_replaced.connect(self._on_link_service_replaced)

    # -- public API -----------------------------------------------------------------------

    @property
    def display_size(self) -> tuple[int, int]:
        """Return the size the frame stands for (full size when the preview is scaled)."""
        full = self.options.full_settings()
        if full.width and full.height:
            return full.width, full.height
        return self.scene_size() or self.frame.size

    @property
    def loaded(self) -> bool:
        """Return whether the current (or last) render's scene finished loading."""
        return self._loaded

    @property
    def loading(self) -> bool:
        """Return whether the scene code of the current render is still running (no size yet)."""
        return self.running and not self._loaded

    @property
    def state(self) -> str:
        """Return 'idle', 'loading', 'rendering', 'done', 'failed' or 'stopped'."""
        if self.running:
            return "rendering" if self._loaded else "loading"
        if self.error is not None:
            return "failed"
        if self.stopped:
            return "stopped"
        return "done" if self.elapsed > 0 else "idle"

    def render(self, source: SceneSource) -> None:
        """Render a new version of the scene, cancelling the running render at once."""
        if self.source is not None and source.path != self.source.path:
            self.frame_number, self.frames, self.fps = 0, 1, 24.0  # another scene: its frame 0
            self.frames_known.emit(1, 24.0)
        self.source = source
        self._retried = False
        self.fast = False
        self._submit()

    def rerender(self, fast: bool = False) -> None:
        """Render the current scene again (F5); ``fast``: a quick small preview (camera moves)."""
        if self.source is not None:
            self._retried = False
            self.fast = fast
            self._submit()

    def render_frame(self, number: int) -> None:
        """Render frame ``number`` of an animated scene as the preview."""
        self.frame_number = number
        self.rerender()

    def show_frame(self, number: int, pixels) -> None:
        """Show frame ``number`` from ``pixels`` rendered earlier with the preview settings."""
        self.cancel()
        self.frame_number = number
        self.settings = self.options.preview_settings().with_(frame=number)
        self.stopped = False
        height, width = pixels.shape[:2]
        resized = (width, height) != self.frame.size
        self.frame.start(width, height)
        self.frame.put_rows(0, height, pixels.tobytes())
        if resized:
            self.frame_resized.emit(width, height)
        self.frame_updated.emit()

    def set_options(self, options: RenderOptions, rerender: bool = True) -> None:
        """Apply new options and re-render if they changed."""
        old, self.options = self.options, options
        if options != old and rerender:
            self.rerender()

    def fail(self, error: Exception) -> None:
        """Report a scene problem found outside the service (e.g. the file is gone)."""
        self.cancel()
        self._set_error(error)

    def cancel(self) -> None:
        """Cancel the preview render (quietly: the caller says why)."""
        if self.job is not None:
            self.link.cancel(self.job)
        self.job = None
        self.running = False

    def stop(self) -> None:
        """Stop the running render at the user's request; the pixels so far stay on show."""
        if not self.running:
            return
        self.elapsed = time.perf_counter() - self.started_at
        self.cancel()
        self.stopped = True
        self.render_stopped.emit()

    def close(self) -> None:
        """Cancel the preview (the composition root closes the service)."""
        self.cancel()

    def full_settings(self) -> RenderSettings:
        """Return the settings of the picture on show at full size (what an export renders)."""
        return self.lens(self.options.full_settings()).with_(frame=self.frame_number)

    # -- submitting -----------------------------------------------------------------------

    def scene_size(self) -> tuple[int, int] | None:
        """Return the scene's own WIDTH x HEIGHT if known (reported by its renders)."""
        if self.source is None:
            return None
        return self._scene_sizes.get(self.source.path)

    def _submit(self) -> None:
        assert self.source is not None
        if self.job is not None:
            self.link.cancel(self.job)
        settings = self.lens(self.options.preview_settings().with_(frame=self.frame_number))
        if self.fast:
            scale = min(settings.scale, FAST_SCALE)
            settings = settings.with_(scale=scale, samples=1, reshade_cache_mb=0)
        self.settings = settings
        coarse = 0 if self.fast else COARSE
        self.job = self.link.backend.submit(self.source, settings, coarse=coarse, ids=True)
        self.link.watch(self.job, self._on_event)
        self.running, self.stopped, self._loaded, self.path = True, False, False, ""
        self.started_at = time.perf_counter()
        self.elapsed = self.load_seconds = 0.0
        self.link.hurry()
        self.render_started.emit(self.job)

    # -- the preview job's events ---------------------------------------------------------

    def _on_event(self, event) -> None:
        if event.job == self.job:  # not a job of a service replaced since
            self._updated |= self._handle(event)

    def _on_link_drained(self) -> None:
        now = time.perf_counter()
        if self.running:
            self.elapsed = now - self.started_at
        if self.elapsed > _QUICK:
            self.link.relax()
        first = self._painted_at < self.started_at
        if self._updated and (first or not self.running or now - self._painted_at >= PAINT_S):
            self._updated = False
            self._painted_at = now
            self.frame_updated.emit()

    def _on_link_service_replaced(self) -> None:
        self.job = None  # it went with the old workers; set_options renders again

    def _handle(self, event) -> bool:
        """Apply one event of the current job; return whether the frame changed."""
        if isinstance(event, RowsReady):
            if event.coarse:
                self.frame.put_coarse(event.pixels, event.width, event.y1 - event.y0)
            else:
                self.frame.put_rows(event.y0, event.y1, event.pixels, event.ids)
                self.path = slowest(self.path, event.path or "traced")
            self.shown_source = self.source
            self._set_stale(False)
            return True
        if isinstance(event, JobStarted):
            self._on_job_started(event)
        elif isinstance(event, JobFinished):
            self.running = False
            self.elapsed = time.perf_counter() - self.started_at
            self.render_finished.emit(event.seconds)
            return True
        elif isinstance(event, JobFailed):
            self._on_job_failed(event)
        return False

    def _on_job_started(self, event: JobStarted) -> None:
        assert self.source is not None
        self._loaded = True
        self.load_seconds = time.perf_counter() - self.started_at
        if event.scene_width and event.scene_height:
            self._scene_sizes[self.source.path] = (event.scene_width, event.scene_height)
        resized = (event.width, event.height) != self.frame.size
        self.frame.start(event.width, event.height)
        self.frame.objects = event.objects
        if resized:
            self.frame_resized.emit(event.width, event.height)
        self.scene_loaded.emit(event)
        self.frames, self.fps = event.frames, event.fps
        self.frames_known.emit(event.frames, event.fps)

    def _on_job_failed(self, event: JobFailed) -> None:
        self.running = False
        self.job = None
        error = event.error
        if isinstance(error, WorkerDied) and not self._retried:
            self._retried = True  # a worker was killed from outside: try once more
            self._submit()
            return
        if self.frame_number and _past_the_end(error):
            self.frame_number = 0  # the saved scene has fewer frames: show its first
            self._submit()
            return
        if self.frame_number or self.frames > 1:
            error = in_frame(error, self.frame_number, self.frames)
        self._set_error(error)

    def _set_error(self, error: Exception) -> None:
        self.error = error
        self._set_stale(True)
        self.render_failed.emit(error)

    def _set_stale(self, stale: bool) -> None:
        if not stale:
            self.error = None
        if stale != self.stale:
            self.stale = stale
            self.stale_changed.emit(stale)


def _past_the_end(error: Exception) -> bool:
    """Tell whether ``error`` says the frame asked for is past the scene's last frame."""
    return isinstance(error, SceneError) and error.message.startswith("there is no frame ")
