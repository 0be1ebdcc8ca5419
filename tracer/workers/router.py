"""Hand a backend's events to the handler of each job: the one loop that drains an event queue."""

from __future__ import annotations

import queue
import time
from typing import TYPE_CHECKING

from .events import ENDS, Event, JobFailed

if TYPE_CHECKING:
    from .backend import Handler, JobEvents, RenderBackend


class EventRouter:
    """Read ``backend.events`` (as its one consumer) and route each event by its job id.

    A :class:`~tracer.workers.backend.JobEvents`: the command line polls one (:meth:`wait`),
    the window drains one with a timer (:meth:`drain`).

    Events of jobs nobody watches are dropped (a cancelled job's late rows, say). A handler
    is let go before it is called with its job's last event, so it may watch new jobs or
    cancel others while it runs.
    """

    def __init__(self, backend: RenderBackend) -> None:
        self.backend = backend
        self._handlers: dict[int, Handler] = {}

    @property
    def watching(self) -> bool:
        """Tell whether any job's events are still awaited."""
        return bool(self._handlers)

    def watch(self, job: int, handler: Handler) -> None:
        """Give ``handler`` the events of ``job`` from now on, up to its last."""
        self._handlers[job] = handler

    def forget(self, job: int) -> None:
        """Drop ``job``'s handler (its events, if any more come, are dropped)."""
        self._handlers.pop(job, None)

    def cancel(self, job: int) -> None:
        """Cancel ``job`` on the backend and drop its handler."""
        self.forget(job)
        self.backend.cancel(job)

    def cancel_watched(self) -> None:
        """Cancel every watched job on the backend and drop its handler."""
        for job in list(self._handlers):
            self.cancel(job)

    def fail_watched(self, error: Exception) -> None:
        """End every watched job with JobFailed(error): its backend is gone (a new pool)."""
        handlers, self._handlers = self._handlers, {}
        for job, handler in handlers.items():
            handler(JobFailed(job, error))

    def route(self, event: Event) -> None:
        """Hand ``event`` to its job's handler, if the job is watched."""
        handler = self._handlers.get(event.job)
        if handler is None:
            return
        if isinstance(event, ENDS):
            del self._handlers[event.job]
        handler(event)

    def wait(self, timeout: float) -> bool:
        """Route the next event, waiting up to ``timeout`` seconds; False if none came."""
        try:
            event = self.backend.events.get(timeout=timeout)
        except queue.Empty:
            return False
        self.route(event)
        return True

    def drain(self, seconds: float | None = None) -> None:
        """Route every event queued now; with ``seconds``, stop after that long (a GUI tick)."""
        deadline = None if seconds is None else time.perf_counter() + seconds
        events = self.backend.events
        while deadline is None or time.perf_counter() < deadline:
            try:
                event = events.get_nowait()
            except queue.Empty:
                return
            self.route(event)


if TYPE_CHECKING:  # mypy checks that it implements the interface
    _jobs: type[JobEvents] = EventRouter
