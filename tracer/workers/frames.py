"""Render the frames of an animation on a render service, one job per frame, in order.

Every frame is a job of its own (``settings.with_(frame=k)``) on a
:class:`~tracer.workers.service.RenderService` or a
:class:`~tracer.workers.cluster.ClusterService` (there its row blocks become Dask tasks). A
few frames are in flight at once, so the workers never wait between frames; the service hands
out the oldest frame's blocks first, and finished frames come back in frame order.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from ..scene.frames import in_frame
from ..scene.source import SceneSource
from ..settings import RenderSettings
from .service import JobFailed, JobFinished, JobStarted, RowsReady


class FrameFailed(Exception):
    """A frame could not be rendered; ``error`` says why, and which frame ("frame 17 of 48")."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class Frame:
    """One frame of an animation as its job's events build it up."""

    number: int
    pixels: np.ndarray | None = None
    rows: int = 0
    done: bool = False

    def take(self, event) -> None:
        """Apply its job's JobStarted or (full-size) RowsReady; other events are the caller's."""
        if isinstance(event, JobStarted):
            self.pixels = np.zeros((event.height, event.width, 3), np.uint8)
        elif isinstance(event, RowsReady) and not event.coarse and self.pixels is not None:
            rows = np.frombuffer(event.pixels, np.uint8).reshape(event.y1 - event.y0, -1, 3)
            self.pixels[event.y0 : event.y1] = rows
            self.rows += event.y1 - event.y0

    @property
    def fraction(self) -> float:
        """Return how much of the frame has arrived, from 0 to 1."""
        if self.done:
            return 1.0
        return self.rows / len(self.pixels) if self.pixels is not None else 0.0


class _Run:
    """The frames of one render: which job is which frame, and the frames not yet handed on."""

    def __init__(self, service, source, settings, frames: range, total: int, ahead: int):
        self.service, self.source, self.settings = service, source, settings
        self.pending, self.total, self.ahead = iter(frames), total, ahead
        self.jobs: dict[int, Frame] = {}
        self.order: list[Frame] = []  # submitted, not yet handed on, in frame order
        self.handed = 0

    def submit_more(self) -> None:
        """Keep ``ahead`` frames in flight (or waiting to be handed on)."""
        while len(self.order) < self.ahead:
            number = next(self.pending, None)
            if number is None:
                return
            frame = Frame(number)
            job = self.service.submit(self.source, self.settings.with_(frame=number))
            self.jobs[job] = frame
            self.order.append(frame)

    def wait(self) -> None:
        """Take in the service's next event (or none within 0.1 s)."""
        try:
            event = self.service.events.get(timeout=0.1)
        except queue.Empty:
            return
        frame = self.jobs.get(event.job)
        if frame is None:
            return
        frame.take(event)
        if isinstance(event, JobFinished):
            frame.done = True
            del self.jobs[event.job]
        elif isinstance(event, JobFailed):
            raise FrameFailed(in_frame(event.error, frame.number, self.total))

    def done(self) -> float:
        """Return the frames done: those handed on plus the parts of those in flight."""
        return self.handed + sum(f.fraction for f in self.order)

    def cancel(self) -> None:
        for job in self.jobs:
            self.service.cancel(job)
        self.jobs.clear()


def render_frames(
    service,
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
    run = _Run(service, source, settings, frames, total, ahead or service.processes + 1)
    try:
        while True:
            run.submit_more()
            if not run.order:
                return
            if run.order[0].done:
                frame = run.order.pop(0)
                run.handed += 1
                assert frame.pixels is not None
                yield frame.number, frame.pixels
            else:
                run.wait()
            if progress is not None:
                progress(run.done(), len(frames))
    finally:
        run.cancel()
