"""The play head of an animated scene: seek, play, and frames rendered ahead into a cache.

The frame under the play head is the session's preview (a coarse pass, then rows). The frames
after it render as side jobs on the same service (a FrameScheduler that hands each on as it
ends), at most :data:`AHEAD_JOBS` at a time and only while the preview is idle: the service
serves the oldest job first, so these jobs are cancelled whenever the preview starts a render
(a scrub to an uncached frame, a save, new settings) and start again once it has finished. A
cached frame shows at once, with no job.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from tracer.workers.events import Event, JobFailed, JobFinished
from tracer.workers.scheduler import FrameScheduler

from .frame_cache import FrameCache
from .session import RenderSession

#: Frames rendering ahead of the play head at once (each is one load of the scene).
AHEAD_JOBS = 2


class Timeline(QObject):
    """Move through the frames of the session's scene and keep them cached per version."""

    changed = Signal(int, float)  # FRAMES, FPS of the open scene (1 frame: a still)
    frame_changed = Signal(int)  # the play head moved to this frame
    playing_changed = Signal(bool)
    cached_changed = Signal()  # frames entered or left the cache

    def __init__(
        self, session: RenderSession, cache: FrameCache | None = None, parent=None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.cache = cache if cache is not None else FrameCache()
        self.frames, self.fps = 1, 24.0
        self.playing = False
        self._due = False  # playing, and the next frame is late: show it when it arrives
        self._ahead: FrameScheduler | None = None  # frames rendering ahead, of one version
        self._ahead_version: tuple | None = None
        self._failed: set[int] = set()  # frames of this version that failed ahead
        self._timer = QTimer(self, singleShot=True, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_play_timeout)
        self._next_at = 0.0  # when the next frame is due (perf_counter seconds)
        session.frames_known.connect(self._on_frames_known)
        session.render_started.connect(self._on_render_started)
        session.render_finished.connect(self._on_render_finished)
        session.render_failed.connect(self._on_render_failed)
        session.render_stopped.connect(self._on_render_stopped)

    # -- public API -----------------------------------------------------------------------

    @property
    def current(self) -> int:
        """Return the frame under the play head."""
        return self.session.frame_number

    @property
    def animated(self) -> bool:
        return self.frames > 1

    @property
    def rendering_ahead(self) -> list[int]:
        """Return the frames rendering ahead of the play head now."""
        return sorted(self._ahead.in_flight) if self._ahead is not None else []

    def seek(self, number: int) -> None:
        """Show frame ``number``: from the cache at once, else render it as the preview."""
        if self.session.source is None:
            return
        number = max(0, min(self.frames - 1, number))
        pixels = self.cache.get(number)
        if pixels is not None:
            if number != self.current or self.session.running:
                self.session.show_frame(number, pixels)
            self._prefetch()
        elif number != self.current or not (self.session.running or self.session.frame.complete):
            self._cancel_ahead()  # the preview's job must be the oldest on the service
            self.session.render_frame(number)
        self.frame_changed.emit(number)

    def step(self, delta: int) -> None:
        """Pause and move ``delta`` frames (stopping at the first and the last)."""
        self.pause()
        self.seek(self.current + delta)

    def play(self) -> None:
        """Play in a loop at FPS, or as fast as frames arrive when rendering is slower."""
        if not self.animated or self.playing:
            return
        self.playing = True
        self._schedule(restart=True)
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if not self.playing:
            return
        self.playing, self._due = False, False
        self._timer.stop()
        self.playing_changed.emit(False)

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def close(self) -> None:
        self.pause()
        self._cancel_ahead()

    # -- playing --------------------------------------------------------------------------

    def _schedule(self, restart: bool = False) -> None:
        """Time the next frame 1/FPS after this one was due (no drift), or after now."""
        now, period = time.perf_counter(), 1 / self.fps
        if restart or self._next_at < now - period:  # late (or starting): from now on
            self._next_at = now
        self._next_at += period
        self._timer.start(max(0, round(1000 * (self._next_at - now))))

    def _on_play_timeout(self) -> None:
        following = (self.current + 1) % self.frames
        if following in self.cache:
            self._due = False
            self.seek(following)
            self._schedule()
        elif following in self._failed:
            self.pause()
            self.seek(following)  # the preview renders it and shows its error
        else:
            self._due = True  # late: shown the moment it arrives
            self._prefetch()

    def _show_if_due(self) -> None:
        following = (self.current + 1) % self.frames
        if self.playing and self._due and following in self.cache:
            self._due = False
            self.seek(following)
            self._schedule(restart=True)  # the next one no sooner than 1/FPS

    # -- the session ----------------------------------------------------------------------

    def _version(self) -> tuple | None:
        source = self.session.source
        if source is None:
            return None
        return (source.path, source.digest, self.session.options.preview_settings())

    def _on_frames_known(self, frames: int, fps: float) -> None:
        if (frames, fps) != (self.frames, self.fps):
            self.frames, self.fps = frames, fps
            if not self.animated:
                self.pause()
                self._cancel_ahead()
            self.changed.emit(frames, fps)
        self.frame_changed.emit(self.current)

    def _on_render_started(self, job: int) -> None:
        self._cancel_ahead()  # never let frames ahead delay the preview
        self._failed.clear()  # a new render: frames that failed ahead may be tried again
        version = self._version()
        if version is not None and self.cache.use(version):
            self.cached_changed.emit()

    def _on_render_finished(self, seconds: float) -> None:
        session = self.session
        settings = session.settings
        if settings is not None and settings.frame == self.current and session.frame.complete:
            self._keep(self.current, session.frame.pixels.copy(), self._version())
        self._show_if_due()
        self._prefetch()

    def _on_render_failed(self, error: Exception) -> None:
        self.pause()
        self._cancel_ahead()

    def _on_render_stopped(self) -> None:
        """Esc stops everything: playing and the frames rendering ahead."""
        self.pause()
        self._cancel_ahead()
        self.cached_changed.emit()

    # -- rendering ahead ------------------------------------------------------------------

    def _keep(self, number: int, pixels: np.ndarray, version: tuple | None) -> None:
        if version is not None and version == self.cache.version and self.animated:
            self.cache.put(number, pixels, self.current, self.frames)
            self.cached_changed.emit()

    def _prefetch(self) -> None:
        """Render the next uncached frames after the play head, while the preview is idle."""
        session, version = self.session, self._version()
        if not self.animated or session.running or session.stopped or session.stale:
            return
        if version is None or version != self.cache.version:
            return
        if self._ahead is None or version != self._ahead_version:
            assert session.source is not None
            # Frames ahead keep no G-buffers: the workers' memory is the preview frame's.
            settings = session.options.preview_settings().with_(reshade_cache_mb=0)
            self._ahead = FrameScheduler(
                session.link, session.source, settings, AHEAD_JOBS, False, self._on_ahead_event
            )
            self._ahead_version = version
        self._ahead.fill(self._wanted(self._ahead, session.frame.pixels.nbytes))

    def _wanted(self, ahead: FrameScheduler, nbytes: int) -> Iterator[int]:
        """Yield the frames to render next, while memory has room for them."""
        busy = set(ahead.in_flight) | self._failed
        for number in self.cache.next_missing(self.current, self.frames, busy):
            needed = nbytes * (1 + len(ahead.in_flight))  # the frames in flight come nearer
            if not self.cache.fits(number, needed, self.current, self.frames):
                return  # memory is full of frames nearer the play head
            yield number

    def _cancel_ahead(self) -> None:
        if self._ahead is not None:
            self._ahead.cancel()

    def _on_ahead_event(self, event: Event) -> None:
        ahead = self._ahead
        if ahead is None or not isinstance(event, (JobFinished, JobFailed)):
            return
        while (frame := ahead.next_finished()) is not None:
            if frame.error is not None:
                self._failed.add(frame.number)
            elif frame.pixels is not None:
                self._keep(frame.number, frame.pixels, self._ahead_version)
        self._show_if_due()
        self._prefetch()
