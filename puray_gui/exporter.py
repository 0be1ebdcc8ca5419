"""Export the scene as a PNG at full resolution, beside the live preview, never blocking."""

from __future__ import annotations

import math
import os
import threading

from PySide6.QtCore import QObject, Signal

from tracer.errors import SceneError
from tracer.output.atomic import write_message
from tracer.output.image import write_image
from tracer.output.metadata import export_metadata
from tracer.scene.source import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.events import Event, JobFailed, JobFinished, JobStarted, RowsReady

from .cluster_link import ClusterLink
from .export_route import ExportRoute
from .framebuffer import FrameBuffer
from .refinement import Refinement
from .session import RenderSession


class Exporter(QObject):
    """Write the current scene to a PNG with the session's options at full size.

    With refinement on, the export has the refinement's target samples (the picture the preview
    converges to). If the preview already holds that finished full-size frame it is written as
    is; otherwise a full-size job runs on the session's service beside the preview. The PNG is
    written on a thread, atomically, with the scene, settings and render time as text metadata.
    """

    progressed = Signal(float)  # 0..1 of the export render
    finished = Signal(str)  # path written
    failed = Signal(str)  # why nothing was written
    cancelled = Signal()
    noticed = Signal(str)  # something the user should know (e.g. a fallback to local workers)
    fell_back = Signal(str, str)  # scheduler, why it is unreachable: the local workers render

    def __init__(
        self,
        session: RenderSession,
        parent: QObject | None = None,
        cluster: ClusterLink | None = None,
        refinement: Refinement | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.refinement = session, refinement
        self._owns_cluster = cluster is None
        self.cluster = cluster if cluster is not None else ClusterLink(self)
        self.route = ExportRoute(session, self.cluster, self)
        self.route.ready.connect(self._on_route_ready)
        self.route.noticed.connect(self.noticed)
        self.route.fell_back.connect(self.fell_back)
        self.job: int | None = None
        self.path = ""
        self.force = False  # the user agreed to replace a read-only file
        self._frame = FrameBuffer()
        self._source: SceneSource | None = None
        self._settings: RenderSettings | None = None
        self._writer: threading.Thread | None = None
        self._scene_settings: dict = {}  # the scene's SETTINGS (what renders, for metadata)
        session.scene_loaded.connect(self._on_scene_loaded)

    @property
    def busy(self) -> bool:
        writing = self._writer is not None and self._writer.is_alive()
        return self.job is not None or self.route.waiting or writing

    def export(self, path: str, force: bool = False) -> None:
        """Start exporting to ``path``; the outcome comes as ``finished`` or ``failed``.

        ``force``: the user agreed to replace ``path`` even if it is read-only.
        """
        session = self.session
        if session.source is None:
            self.failed.emit("there is no scene to export")
            return
        self.path, self.force = os.path.abspath(path), force
        self._source = session.source
        self._settings = self._target_settings(session.full_settings())
        if self._preview_is_final():
            pixels = session.frame.pixels.copy()
            self._write(pixels, session.elapsed)
            return
        self._frame = FrameBuffer()
        self.route.open()  # -> _on_route_ready

    def export_picture(
        self,
        path: str,
        pixels,
        source: SceneSource,
        settings: RenderSettings,
        *,
        seconds: float = 0.0,
        force: bool = False,
    ) -> None:
        """Write ``pixels`` as they are (a history entry on show), with their own metadata."""
        self.path, self.force = os.path.abspath(path), force
        self._source, self._settings = source, settings
        self._write(pixels.copy(), seconds)

    def cancel(self) -> None:
        """Stop an export render; nothing is written."""
        if self.job is None and not self.route.waiting:
            return
        if self.job is not None:
            self.route.jobs.cancel(self.job)
        self.job = None
        self.route.close()
        self.cancelled.emit()

    def close(self) -> None:
        """Cancel, wait for the file being written and let go of a cluster link of its own."""
        self.cancel()
        self.wait()
        if self._owns_cluster:
            self.cluster.close()

    def _on_route_ready(self) -> None:
        assert self._source is not None
        assert self._settings is not None
        jobs = self.route.jobs
        self.job = jobs.backend.submit(self._source, self._settings)
        jobs.watch(self.job, self._on_event)

    def wait(self, timeout: float = 10.0) -> None:
        """Join the PNG writing thread (for shutdown and tests)."""
        if self._writer is not None:
            self._writer.join(timeout)

    def _target_settings(self, full: RenderSettings) -> RenderSettings:
        """Return ``full`` with the samples the preview refines to, when that is more."""
        if self.refinement is None:
            return full
        target = self.refinement.target_for(full)
        if target <= full.under_scene(self._scene_settings).samples ** 2:
            return full
        may_set = full.scene_may_set - {"samples"}  # the target, not the scene's, decides
        return full.with_(samples=math.isqrt(target), scene_may_set=may_set)

    def _preview_is_final(self) -> bool:
        s, r = self.session, self.refinement
        shown = s.settings
        if r is not None and r.settings is s.settings and r.samples > 0:
            shown = r.settings_reached() if r.converged else None
        return (
            shown == self._settings
            and not s.running
            and not s.stale
            and s.frame.complete
            and s.source is not None
            and self._source is not None
            and s.source.digest == self._source.digest
        )

    def _on_scene_loaded(self, event: JobStarted) -> None:
        self._scene_settings = dict(event.settings)  # the preview's: an export may reuse it

    def _on_event(self, event: Event) -> None:
        if isinstance(event, JobStarted):
            self._scene_settings = dict(event.settings)
            self._frame.start(event.width, event.height)
        elif isinstance(event, RowsReady) and not event.coarse:
            self._frame.put_rows(event.y0, event.y1, event.pixels)
            self.progressed.emit(self._frame.progress)
        elif isinstance(event, JobFinished):
            self.job = None
            self._write(self._frame.pixels, event.seconds)
        elif isinstance(event, JobFailed):
            self.job = None
            error = event.error
            self.failed.emit(str(error) if isinstance(error, SceneError) else f"{error}")

    def _write(self, pixels, seconds: float) -> None:
        assert self._source is not None
        assert self._settings is not None
        height, width = pixels.shape[:2]
        used = self._settings.under_scene(self._scene_settings)  # as rendered: with SETTINGS
        metadata = export_metadata(self._source, used, (width, height), seconds=seconds)
        self.progressed.emit(1.0)
        self._writer = threading.Thread(
            target=self._write_file, args=(self.path, pixels, metadata), name="puray-export"
        )
        self._writer.start()

    def _write_file(self, path: str, pixels, metadata: dict) -> None:
        """Write on a thread; the signals are delivered on the GUI thread."""
        try:
            write_image(path, pixels, metadata, force=self.force)
        except (OSError, ValueError) as exc:
            self.failed.emit(write_message(exc, path))
            return
        self.finished.emit(path)
