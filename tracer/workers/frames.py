"""Render the frames of an animation on a render backend, in order (the command line's loop).

A :class:`~tracer.workers.scheduler.FrameScheduler` keeps a few frames in flight on a
:class:`~tracer.workers.service.RenderService` or a
:class:`~tracer.workers.cluster.ClusterService` (there its row blocks become Dask tasks); this
loop polls the backend's events and yields the finished frames in frame order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from ..scene.frames import in_frame
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


def render_frames(
    service: RenderBackend,
    source: SceneSource,
    settings: RenderSettings,
    frames: range,
    total: int,
    progress: Callable[[float, int], None] | None = None,
    ahead: int | None = None,
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(frame number, (H, W, 3) uint8 pixels)`` for each of ``frames``, in order.

    ``total`` is the scene's FRAMES (for messages); ``progress(done, count)`` is called with
    the frames done so far, partly rendered ones counting in part; ``ahead`` frames are in
    flight at once (default: one more than the workers). Raises :class:`FrameFailed`.
    """
    router = EventRouter(service)
    run = FrameScheduler(router, source, settings, ahead or service.processes + 1)
    numbers = iter(frames)
    try:
        while True:
            run.fill(numbers)
            if not run.held:
                return
            frame = run.next_finished()
            if frame is not None:
                assert frame.pixels is not None
                yield frame.number, frame.pixels
            else:
                router.wait(0.1)
                failed = run.failure
                if failed is not None:
                    assert failed.error is not None
                    raise FrameFailed(in_frame(failed.error, failed.number, total))
            if progress is not None:
                progress(run.progress(), len(frames))
    finally:
        run.cancel()
