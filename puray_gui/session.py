"""The render session: submit the scene to a render service and collect its rows into a frame.

The service's workers run the scene code; this object only passes sources and settings to it
and reads its event queue with a ~30 Hz timer on the GUI thread. Every event carries its job
id: events of jobs that are no longer current are dropped, so an older render never paints
over a newer one. ``frame_updated`` is emitted once per drain, never per row.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from tracer.errors import SceneError, WorkerDied
from tracer.scene.frames import in_frame
from tracer.scene.source import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.service import JobFailed, JobFinished, JobStarted, PixelPicked, RowsReady

from .framebuffer import FrameBuffer
from .options import RenderOptions

DRAIN_MS = 33  # ~30 Hz
#: Until a new render's first pixels land, poll faster: they show ~30 ms sooner after a save.
FIRST_PIXELS_POLL_MS = 4
COARSE = 8  # the first pass renders the frame at 1/8 size
#: Camera mode's previews while the camera moves: this fraction of the size, 1 sample.
FAST_SCALE = 0.25
_DRAIN_BUDGET = 0.025  # seconds of event handling per tick, so the window stays responsive


class RenderSession(QObject):
    """Render the current scene with the current options into :attr:`frame`.

    ``service`` is anything with RenderService's ``submit``/``cancel``/``events``/``close``
    (a cluster backend can stand in). ``service_factory(processes)`` lets the worker count
    change; without one the worker count is fixed. The session closes the service only if
    ``owns_service``.
    """

    render_started = Signal(int)  # job id: a new render was submitted
    frame_resized = Signal(int, int)  # the frame's new width, height
    frame_updated = Signal()  # new pixels in frame (at most once per drain)
    render_finished = Signal(float)  # seconds the service took
    render_failed = Signal(object)  # SceneError or WorkerDied; the frame is kept, now stale
    render_stopped = Signal()  # the user stopped the render; the pixels so far stay
    stale_changed = Signal(bool)  # the frame shows an older scene than the one on disk
    data_files_read = Signal(tuple)  # data files (OBJ, images) the scene read while loading
    frames_known = Signal(int, float)  # the scene's FRAMES and FPS, from each load

    def __init__(
        self,
        service,
        options: RenderOptions | None = None,
        parent: QObject | None = None,
        service_factory: Callable[[int], object] | None = None,
        owns_service: bool = False,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.options = options or RenderOptions()
        self.service_factory = service_factory
        self.owns_service = owns_service
        self.frame = FrameBuffer()
        self.source: SceneSource | None = None
        self.settings: RenderSettings | None = None  # of the current (or last) preview job
        self.job: int | None = None
        self.running = False
        self.stopped = False  # the last render was stopped by the user
        self._loaded = False  # the current job's scene has loaded (JobStarted arrived)
        self.stale = False
        self.error: Exception | None = None
        self.started_at = 0.0
        self.elapsed = 0.0  # seconds since the render was submitted (loading included)
        self.load_seconds = 0.0  # of which the scene code took this long to load
        self._side: dict[int, Callable[[object], None]] = {}  # other jobs (exports) by id
        self._retried = False
        self._closers: list[threading.Thread] = []
        self._scene_sizes: dict[str, tuple[int, int]] = {}  # the scenes' own, from renders
        #: Camera mode: a camera override ((x, y, z), (x, y, z), fov), None for the scene's;
        #: the scene's own camera as JobStarted reported it: (class name, view) or None.
        self.camera: tuple | None = None
        self.scene_camera: tuple | None = None
        self.fast = False  # the current render is a quick preview of a moving camera
        self.objects: tuple = ()  # (class, file, line) of each object: what frame.ids mean
        self.shown_source: SceneSource | None = None  # the version whose pixels are on show
        self.frame_number = 0  # which frame of an animated scene the preview shows
        self.frames, self.fps = 1, 24.0  # the scene's FRAMES and FPS (from its last load)
        self._timer = QTimer(self, interval=DRAIN_MS)
        self._timer.timeout.connect(self._on_drain_timeout)

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

    def rerender(self) -> None:
        """Render the current scene again (F5)."""
        if self.source is not None:
            self._retried = False
            self.fast = False
            self._submit()

    def set_camera(self, view: tuple | None, fast: bool = False, render: bool = True) -> None:
        """Use a camera override (None: the scene's camera); ``fast``: a quick small preview."""
        self.camera = view
        if render and self.source is not None:
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
        """Apply new options and re-render (a new worker pool if the worker count changed)."""
        old, self.options = self.options, options
        if options.worker_count != old.worker_count and self.service_factory is not None:
            self._replace_service(self.service_factory(options.worker_count))
        if options != old and rerender:
            self.rerender()

    def fail(self, error: Exception) -> None:
        """Report a scene problem found outside the service (e.g. the file is gone)."""
        self.cancel()
        self._set_error(error)

    def cancel(self) -> None:
        """Cancel the preview render (quietly: the caller says why)."""
        if self.job is not None:
            self.service.cancel(self.job)
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

    def submit_side_job(
        self, source: SceneSource, settings: RenderSettings, listener: Callable[[object], None]
    ) -> int:
        """Run another job (an export) on the same service; ``listener`` gets its events."""
        job = self.service.submit(source, settings, coarse=0)
        self.watch_side_job(job, listener)
        return job

    def watch_side_job(self, job: int, listener: Callable[[object], None]) -> None:
        """Give ``listener`` the events of a job started on the service (an export, a pick)."""
        self._side[job] = listener
        if not self._timer.isActive():
            self._timer.start(DRAIN_MS)

    def object_at(self, x: int, y: int) -> tuple[int, str, str | None, int] | None:
        """Return (index, class, file, line) of the object on show at full-size pixel (x, y)."""
        width, height = self.display_size
        frame = self.frame
        if not (0 <= x < width and 0 <= y < height):
            return None
        index = int(frame.ids[y * frame.height // height, x * frame.width // width])
        if not 0 <= index < len(self.objects):
            return None
        kind, file, line = self.objects[index]
        return index, kind, file, line

    def cancel_side_job(self, job: int) -> None:
        self._side.pop(job, None)
        self.service.cancel(job)

    def close(self) -> None:
        """Cancel everything and stop; close the service if this session owns it."""
        self._timer.stop()
        self.cancel()
        for job in list(self._side):
            self.cancel_side_job(job)
        if self.owns_service:
            self.service.close()
        for thread in self._closers:
            thread.join(timeout=10)

    # -- submitting -----------------------------------------------------------------------

    def scene_size(self) -> tuple[int, int] | None:
        """Return the scene's own WIDTH x HEIGHT if known (reported by its renders)."""
        if self.source is None:
            return None
        return self._scene_sizes.get(self.source.path)

    def _submit(self) -> None:
        assert self.source is not None
        if self.job is not None:
            self.service.cancel(self.job)
        self.settings = self.options.preview_settings().with_(frame=self.frame_number)
        if self.camera is not None:
            self.settings = self.settings.with_(camera=self.camera)
        if self.fast:
            self.settings = self.settings.with_(
                scale=min(self.settings.scale, FAST_SCALE), samples=1
            )
        coarse = 0 if self.fast else COARSE
        self.job = self.service.submit(self.source, self.settings, coarse=coarse, ids=True)
        self.running = True
        self.stopped = False
        self._loaded = False
        self.started_at = time.perf_counter()
        self.elapsed = 0.0
        self.load_seconds = 0.0
        self._timer.start(FIRST_PIXELS_POLL_MS)
        self.render_started.emit(self.job)

    def _replace_service(self, service) -> None:
        old, self.service = self.service, service
        for job, listener in list(self._side.items()):
            listener(JobFailed(job, WorkerDied("the render workers were restarted")))
        self._side.clear()
        self.job = None
        if self.owns_service:  # closing joins processes: keep the window responsive
            thread = threading.Thread(target=old.close, name="puray-close-service")
            thread.start()
            self._closers.append(thread)
        self.owns_service = True

    # -- draining -------------------------------------------------------------------------

    def _on_drain_timeout(self) -> None:
        updated = False
        deadline = time.perf_counter() + _DRAIN_BUDGET
        events = self.service.events
        while time.perf_counter() < deadline:
            try:
                event = events.get_nowait()
            except queue.Empty:
                break
            if event.job == self.job:
                updated |= self._handle(event)
            elif event.job in self._side:
                self._side[event.job](event)
                if isinstance(event, (JobFinished, JobFailed, PixelPicked)):
                    del self._side[event.job]
        if self.running:
            self.elapsed = time.perf_counter() - self.started_at
        if updated or self.elapsed > 0.2:  # pixels shown, or a slow load: back to ~30 Hz
            self._timer.setInterval(DRAIN_MS)
        if updated:
            self.frame_updated.emit()
        if not self.running and not self._side and events.empty():
            self._timer.stop()

    def _handle(self, event) -> bool:
        """Apply one event of the current job; return whether the frame changed."""
        if isinstance(event, RowsReady):
            if event.coarse:
                self.frame.put_coarse(event.pixels, event.width, event.y1 - event.y0)
            else:
                self.frame.put_rows(event.y0, event.y1, event.pixels, event.ids)
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
        assert self.settings is not None
        assert self.source is not None
        self._loaded = True
        self.load_seconds = time.perf_counter() - self.started_at
        if event.scene_width and event.scene_height:
            self._scene_sizes[self.source.path] = (event.scene_width, event.scene_height)
        resized = (event.width, event.height) != self.frame.size
        self.frame.start(event.width, event.height)
        self.objects = event.objects
        if resized:
            self.frame_resized.emit(event.width, event.height)
        if event.files:
            self.data_files_read.emit(tuple(event.files))
        if event.camera is not None:
            self.scene_camera = event.camera
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
