"""Render the frames of an animation on a render backend, in order (the command line's loop).

A :class:`~tracer.workers.scheduler.FrameScheduler` keeps a few frames in flight on a
:class:`~tracer.workers.service.RenderService` or a
:class:`~tracer.workers.cluster.ClusterService` (there its row blocks become Dask tasks); a
:class:`FrameRun` polls the backend's events and yields the finished frames in frame order.

What the animation is (FRAMES, FPS, the scene's size) is learnt from the load of its first
frame, which then goes on rendering: no run of the scene's code is spent on asking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from ..scene.frames import in_frame
from .events import Event, JobStarted
from .router import EventRouter
from .scheduler import FrameScheduler

if TYPE_CHECKING:
    from ..scene.source import SceneSource
    from ..settings import RenderSettings
    from .backend import RenderBackend


class FrameFailed(Exception):
    """A frame could not be rendered; ``error`` says why, and which frame ("frame 17 of 48")."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class FrameRun:
    """Frames of one scene on ``service``, starting with frame ``first``, which renders at once.

    :meth:`started` waits for the first frame's scene to load and returns its JobStarted (the
    scene's FRAMES, FPS and size); :meth:`frames` yields the frames of a range that begins
    with ``first``, in order. ``ahead`` frames are in flight at once (default: one more than
    the workers). Use it as a context manager: leaving cancels the frames still rendering.
    """

    def __init__(
        self,
        service: RenderBackend,
        source: SceneSource,
        settings: RenderSettings,
        first: int,
        ahead: int | None = None,
    ) -> None:
        self.first = first
        self.router = EventRouter(service)
        self._started: JobStarted | None = None
        self._run = FrameScheduler(
            self.router, source, settings, ahead or service.processes + 1, listener=self._heard
        )
        self._run.fill(iter([first]))

    def __enter__(self) -> FrameRun:
        return self

    def __exit__(self, *exc) -> None:
        self.cancel()

    def cancel(self) -> None:
        """Cancel the frames still rendering."""
        self._run.cancel()

    def use(self, settings: RenderSettings) -> None:
        """Render the frames not yet submitted with ``settings`` (say, the first one's SETTINGS)."""
        self._run.settings = settings

    def _heard(self, event: Event) -> None:
        if self._started is None and isinstance(event, JobStarted):
            self._started = event  # the first frame's: the only job until it has loaded

    def started(self) -> JobStarted:
        """Wait for the first frame's load; raise FrameFailed (its bare error) if it failed."""
        while self._started is None:
            self.router.wait(0.1)
            failed = self._run.failure
            if failed is not None:
                assert failed.error is not None
                raise FrameFailed(failed.error)
        return self._started

    def frames(
        self, frames: range, total: int, progress: Callable[[float, int], None] | None = None
    ) -> Iterator[tuple[int, np.ndarray]]:
        """Yield ``(frame number, (H, W, 3) uint8 pixels)`` for each of ``frames``, in order.

        ``frames`` starts with the first frame; ``total`` is the scene's FRAMES (for
        messages); ``progress(done, count)`` is called with the frames done so far, partly
        rendered ones counting in part. Raises :class:`FrameFailed`.
        """
        if not frames or frames.start != self.first:
            raise ValueError(f"the frames must start with frame {self.first}, got {frames}")
        run, numbers = self._run, iter(frames[1:])
        while True:
            run.fill(numbers)
            if not run.held:
                return
            frame = run.next_finished()
            if frame is not None:
                assert frame.pixels is not None
                yield frame.number, frame.pixels
            else:
                self.router.wait(0.1)
                failed = run.failure
                if failed is not None:
                    assert failed.error is not None
                    raise FrameFailed(in_frame(failed.error, failed.number, total))
            if progress is not None:
                progress(run.progress(), len(frames))


def render_frames(
    service: RenderBackend,
    source: SceneSource,
    settings: RenderSettings,
    frames: range,
    total: int,
    progress: Callable[[float, int], None] | None = None,
    ahead: int | None = None,
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(frame number, pixels)`` for each of ``frames`` in order (see FrameRun.frames)."""
    with FrameRun(service, source, settings, frames.start, ahead) as run:
        yield from run.frames(frames, total, progress)
