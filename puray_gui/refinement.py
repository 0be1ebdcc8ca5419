"""Progressive refinement: after the preview's first full frame, keep adding samples.

Each pass renders samples ``k0 <= k < k1`` of every pixel (a render job with a
``sample_range``, tracer/kernel/render.py: sample_sums) and adds their fixed-point sums to the
ones so far; the frame shows ``resolve(sums, k1)``, row by row as they arrive. Passes end at 4
samples and then every 8, up to the options' ``refine`` target: the picture after N samples
(a square) is the one ``puray render --samples sqrt(N)`` writes, bit for bit. Any new preview
(a save, an edit, another setting, frame or camera) cancels the refinement; its first frame
comes first again.
"""

from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from tracer.kernel.render import resolve
from tracer.settings import RenderSettings
from tracer.workers.events import JobFailed, JobFinished, RowsReady

from .session import RenderSession

#: Milliseconds refinement waits after a frame before its first pass: a save that follows
#: within this time (live editing) finds the workers free, not inside a pass's block.
PAUSE_MS = 250
#: Sample counts where passes end: 4, then every 8 (a pass of a heavy scene stays short;
#: 4, 16 and 64 are the counts where the sequence is stratified and --samples S exists).
PASS_ENDS = (4, 8, 16, 24, 32, 40, 48, 56, 64)


def passes(first: int, target: int) -> list[tuple[int, int]]:
    """Return the sample ranges that refine a frame of ``first`` samples to ``target``.

    The first pass starts at sample 0 again: the first frame's pixels are rounded, the sums
    are not (one frame's samples are rendered twice).
    """
    ends = [n for n in PASS_ENDS if first < n < target] + ([target] if target > first else [])
    return list(zip([0, *ends][: len(ends)], ends, strict=True))


class Refinement(QObject):
    """Refine the session's finished preview to ``session.options.refine`` samples per pixel."""

    progressed = Signal()  # samples per pixel or the time changed
    finished = Signal()  # the target is reached

    def __init__(self, session: RenderSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job: int | None = None
        self.settings: RenderSettings | None = None  # the preview's (samples: its first frame's)
        self.target = 0
        self.samples = 0  # samples every pixel on show has (0: not refining this frame)
        self.started_at = 0.0
        self.elapsed = 0.0
        self._todo: list[tuple[int, int]] = []
        self._pass: tuple[int, int] = (0, 0)
        self._sums = np.zeros((0, 0, 3), np.int64)
        self._rows = np.zeros(0, bool)  # rows of the running pass that arrived
        self._updated = False
        self._pause = QTimer(self, singleShot=True, interval=PAUSE_MS)
        self._pause.timeout.connect(self._on_pause_timeout)
        self._scene: dict = {}  # the scene's SETTINGS
        self._puray = False  # the scene looks through Puray's camera
        session.scene_loaded.connect(self._on_scene_loaded)
        session.render_started.connect(self._on_render_started)
        session.render_finished.connect(self._on_render_finished)
        session.render_failed.connect(self._on_render_started)
        session.link.drained.connect(self._on_link_drained)

    @property
    def running(self) -> bool:
        return self.job is not None

    @property
    def converged(self) -> bool:
        """Return whether the frame on show holds the target's samples, refined here."""
        return self.samples > 0 and self.samples == self.target and not self.running

    @property
    def progress(self) -> float:
        """Return the fraction of the running pass's rows that arrived (0..1)."""
        return float(self._rows.mean()) if self.running and self._rows.size else 1.0

    def settings_reached(self) -> RenderSettings | None:
        """Return the settings whose one-shot render is the frame on show (None: none yet)."""
        if self.settings is None or self.samples == 0:
            return None
        if self.samples <= self.settings.under_scene(self._scene).samples ** 2:
            return self.settings  # not refined: the first frame is the picture
        may_set = self.settings.scene_may_set - {"samples"}  # refined past the scene's samples
        return self.settings.with_(samples=math.isqrt(self.samples), scene_may_set=may_set)

    def cancel(self) -> None:
        """Stop adding samples; the frame keeps what it has."""
        self._pause.stop()
        if self.job is not None:
            self.session.link.cancel(self.job)
        self.job = None
        self._todo = []

    def stop(self) -> None:
        """Stop at the user's request: the frame keeps the samples it has, the status says so."""
        self.cancel()
        self.target = self.samples
        self.progressed.emit()

    # -- passes ---------------------------------------------------------------------------

    def target_for(self, settings: RenderSettings) -> int:
        """Return the samples per pixel a frame of ``settings`` refines to.

        Puray's picture (Puray's camera at one sample per pixel) stays Puray's, exact and
        unrefined, unless the sidebar or the scene's SETTINGS ask for anti-aliasing.
        """
        own = settings.under_scene(self._scene).samples ** 2
        if self._puray and own == 1:
            return own
        return max(own, self.session.options.refine)

    def _on_scene_loaded(self, event) -> None:
        self._scene = dict(event.settings)
        self._puray = event.camera is not None and event.camera[0] == "PurayCamera"

    def _on_render_started(self, *args) -> None:
        self.cancel()
        self.samples, self.settings = 0, None
        self.progressed.emit()

    def _on_render_finished(self, seconds: float) -> None:
        session = self.session
        settings = session.settings
        if session.fast or settings is None or session.source is None:
            return
        self.settings, self.target = settings, self.target_for(settings)
        self.samples = settings.under_scene(self._scene).samples ** 2  # the first frame's
        self._todo = passes(self.samples, self.target)
        if not self._todo:
            return
        width, height = session.frame.size
        self._sums = np.zeros((height, width, 3), np.int64)
        self._pause.start()  # then the first pass, unless another save comes first

    def _on_pause_timeout(self) -> None:
        if self._todo and self.job is None and self.session.settings is self.settings:
            self.started_at, self.elapsed = time.perf_counter(), 0.0
            self._next()

    def _next(self) -> None:
        session = self.session
        assert self.settings is not None
        assert session.source is not None
        if not self._todo:
            self.job = None
            self.elapsed = time.perf_counter() - self.started_at
            self.progressed.emit()
            self.finished.emit()
            return
        self._pass = self._todo.pop(0)
        self._rows = np.zeros(self._sums.shape[0], bool)
        settings = self.settings.with_(sample_range=self._pass)
        self.job = session.link.backend.submit(session.source, settings)
        session.link.watch(self.job, self._on_event)

    def _on_event(self, event) -> None:
        if event.job != self.job:
            return
        if self.session.settings is not self.settings:  # a cached frame is on show now
            self.cancel()
        elif isinstance(event, RowsReady):
            self._add(event.y0, event.y1, event.pixels)
        elif isinstance(event, JobFinished):
            self.samples = self._pass[1]
            self._next()
        elif isinstance(event, JobFailed):  # the preview's own render succeeded: rare
            self.job = None

    def _add(self, y0: int, y1: int, data: bytes) -> None:
        frame = self.session.frame
        sums = self._sums[y0:y1]
        sums += np.frombuffer(data, np.uint32).reshape(sums.shape)
        frame.pixels[y0:y1] = resolve(sums, self._pass[1])
        self._rows[y0:y1] = True
        self._updated = True

    def _on_link_drained(self) -> None:
        if self.job is not None:
            self.elapsed = time.perf_counter() - self.started_at
        if self._updated:
            self._updated = False
            self.session.frame_updated.emit()
        if self.job is not None or self._updated:
            self.progressed.emit()
