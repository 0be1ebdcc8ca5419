"""Keep a few frames in flight on a backend and hand them on in frame order (Qt-free).

Every frame is a job of its own (``settings.with_(frame=k)``) on a
:class:`~tracer.workers.backend.RenderBackend`. A few are in flight at once, so the workers never
wait between frames; the backend hands out the oldest job's blocks first. The scheduler is
driven by its jobs' events, which reach it through a
:class:`~tracer.workers.backend.JobEvents` (an EventRouter the command line polls, or the
window's timer), and it hands the finished frames on in order. The command line's animations,
the window's animation export and its timeline all render their frames with one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..scene.frames import literal_frames, might_animate
from .events import Event, JobFailed, JobFinished, JobStarted, RowsReady

if TYPE_CHECKING:
    from ..scene.source import SceneSource
    from ..settings import RenderSettings
    from .backend import JobEvents


@dataclass(eq=False)
class Frame:
    """One frame of an animation as its job's events build it up."""

    number: int
    pixels: np.ndarray | None = None
    rows: int = 0
    done: bool = False
    error: Exception | None = None  # why its job failed

    def take(self, event: Event) -> None:
        """Apply its job's JobStarted or (full-size) RowsReady; other events are the caller's."""
        if isinstance(event, JobStarted):
            self.pixels = np.zeros((event.height, event.width, 3), np.uint8)
        elif isinstance(event, RowsReady) and not event.coarse and self.pixels is not None:
            rows = np.frombuffer(event.pixels, np.uint8).reshape(event.y1 - event.y0, -1, 3)
            self.pixels[event.y0 : event.y1] = rows
            self.rows += event.y1 - event.y0

    @property
    def ended(self) -> bool:
        """Tell whether its job is over (finished or failed)."""
        return self.done or self.error is not None

    @property
    def fraction(self) -> float:
        """Return how much of the frame has arrived, from 0 to 1."""
        if self.done:
            return 1.0
        return self.rows / len(self.pixels) if self.pixels is not None else 0.0


class FrameScheduler:
    """Render frames as jobs, holding at most ``ahead`` at once, and hand them on.

    :meth:`fill` submits the next frames of an iterator while there is room (a frame is held
    from its submission until it is handed on). :meth:`next_finished` hands on the finished
    frame at the front, in submission order; unless ``ordered`` is False, when any frame that
    ended (finished or failed) is handed on at once (the timeline's cache wants every frame as
    soon as it is there). ``ahead`` may be a function, asked at each submission (a Dask
    cluster's workers come and go). ``listener`` is called after each event of the jobs.
    """

    def __init__(
        self,
        jobs: JobEvents,
        source: SceneSource,
        settings: RenderSettings,
        ahead: int | Callable[[], int],
        ordered: bool = True,
        listener: Callable[[Event], None] | None = None,
    ) -> None:
        self.jobs, self.source, self.settings = jobs, source, settings
        self.ahead, self.ordered, self.listener = ahead, ordered, listener
        self.held: list[Frame] = []  # submitted, not handed on yet, in submission order
        self.handed = 0
        self._frames: dict[int, Frame] = {}  # job id -> frame, until the job ends
        # FRAMES is known without a load: a literal in the text, or a still's 1
        self._literal = literal_frames(source) is not None or not might_animate(source)

    @property
    def in_flight(self) -> list[int]:
        """Return the numbers of the frames rendering now."""
        return [frame.number for frame in self._frames.values()]

    @property
    def failure(self) -> Frame | None:
        """Return the first held frame whose job failed, if any."""
        return next((frame for frame in self.held if frame.error is not None), None)

    def progress(self) -> float:
        """Return the frames done: those handed on plus the parts of those held."""
        return self.handed + sum(frame.fraction for frame in self.held)

    def fill(self, numbers: Iterator[int]) -> None:
        """Submit the next frames of ``numbers`` while fewer than ``ahead`` are held.

        While the first frame's scene loads and FRAMES is not yet known (the scene computes
        it), that frame is the only one: the others load once told its FRAMES, instead of each
        running frame 0 first to learn it (call again once a frame has started).
        """
        while len(self.held) < (self.ahead() if callable(self.ahead) else self.ahead):
            if self.held and self.source.told_frames is None and not self._literal:
                return
            number = next(numbers, None)
            if number is None:
                return
            frame = Frame(number)
            job = self.jobs.backend.submit(self.source, self.settings.with_(frame=number))
            self._frames[job] = frame
            self.held.append(frame)
            self.jobs.watch(job, self._on_event)

    def next_finished(self) -> Frame | None:
        """Hand on the next frame (see the class), or None if it is not there yet."""
        if self.ordered:
            index = 0 if self.held and self.held[0].done else None
        else:
            index = next((i for i, frame in enumerate(self.held) if frame.ended), None)
        if index is None:
            return None
        self.handed += 1
        return self.held.pop(index)

    def cancel(self) -> None:
        """Cancel the frames rendering; forget those held."""
        for job in list(self._frames):
            self.jobs.cancel(job)
        self._frames.clear()
        self.held.clear()

    def _on_event(self, event: Event) -> None:
        frame = self._frames.get(event.job)
        if frame is None:
            return
        frame.take(event)
        if isinstance(event, JobStarted) and self.source.told_frames is None:
            # the frames still to come load knowing FRAMES: none runs frame 0 to learn it
            self.source = self.source.knowing_frames(self.settings.seed, event.frames)
        if isinstance(event, JobFinished):
            frame.done = True
            del self._frames[event.job]
        elif isinstance(event, JobFailed):
            frame.error = event.error
            del self._frames[event.job]
        if self.listener is not None:
            self.listener(event)
