"""The window's link to its local render service: submit jobs, hand their events on, replace it.

The service's workers run the scene code; the link only passes requests on and reads the
service's event queue with a timer on the GUI thread (~30 Hz; faster while a preview waits for
its first pixels). Each job's events go to the handler that watches it, up to the job's last
event; events of jobs nobody watches (cancelled, older) are dropped. ``drained`` follows every
read, so a handler can repaint once per drain, never per event.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from tracer.errors import WorkerDied
from tracer.workers.service import JobFailed, JobFinished, PixelPicked

DRAIN_MS = 33  # ~30 Hz
#: Until a new render's first pixels land, poll faster: they show ~30 ms sooner after a save.
FIRST_PIXELS_POLL_MS = 4
_DRAIN_BUDGET = 0.025  # seconds of event handling per tick, so the window stays responsive
#: The events that end a job: its handler hears nothing after one of these.
_LAST = (JobFinished, JobFailed, PixelPicked)

Handler = Callable[[object], None]


class ServiceLink(QObject):
    """Submit jobs to one render service and give each job's events to its handler.

    ``service`` is anything with RenderService's ``submit``/``pick``/``cancel``/``events``/
    ``close`` (``backend`` names it too). ``start(processes)`` lets the worker count change
    (:meth:`use_processes`); without it the count is fixed. The link closes the service only
    if ``owns_service``.
    """

    drained = Signal()  # the events waiting were handed on (at most one drain's budget)
    service_replaced = Signal()  # a new pool renders from now on; the old one's jobs are gone

    def __init__(
        self,
        service,
        start: Callable[[int], object] | None = None,
        owns_service: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.owns_service = owns_service
        self._start = start
        self._handlers: dict[int, Handler] = {}
        self._closers: list[threading.Thread] = []
        self._timer = QTimer(self, interval=DRAIN_MS)
        self._timer.timeout.connect(self._on_drain_timeout)

    @property
    def backend(self):
        """Return the service jobs are submitted to."""
        return self.service

    @property
    def resizable(self) -> bool:
        """Tell whether the worker count can change (the link starts its own services)."""
        return self._start is not None

    def submit(self, source, settings, handler: Handler, coarse: int = 0, ids: bool = False) -> int:
        """Render a frame; ``handler`` gets its events on the GUI thread. Return the job id."""
        job = self.service.submit(source, settings, coarse=coarse, ids=ids)
        self.watch(job, handler)
        return job

    def pick(self, source, settings, x: int, y: int, handler: Handler) -> int:
        """Trace pixel (x, y) recording its path; ``handler`` gets the answer. Return the job."""
        job = self.service.pick(source, settings, x, y)
        self.watch(job, handler)
        return job

    def watch(self, job: int, handler: Handler) -> None:
        """Give ``handler`` the events of ``job`` (started on the service), up to its last."""
        self._handlers[job] = handler
        if not self._timer.isActive():
            self._timer.start(DRAIN_MS)

    def cancel(self, job: int) -> None:
        """Stop a job; its events (even those already queued) are dropped."""
        self._handlers.pop(job, None)
        self.service.cancel(job)

    def hurry(self) -> None:
        """Poll fast until :meth:`relax`: a preview waits for its first pixels."""
        self._timer.start(FIRST_PIXELS_POLL_MS)

    def relax(self) -> None:
        """Poll at the usual ~30 Hz again."""
        self._timer.setInterval(DRAIN_MS)

    def use_processes(self, processes: int) -> None:
        """Render on a new pool of ``processes`` workers if that count is new (and allowed)."""
        if self._start is not None and processes != self.service.processes:
            self._replace(self._start(processes))

    def close(self) -> None:
        """Cancel every job and stop; close the service if this link owns it."""
        self._timer.stop()
        for job in list(self._handlers):
            self.cancel(job)
        if self.owns_service:
            self.service.close()
        for thread in self._closers:
            thread.join(timeout=10)

    def _replace(self, service) -> None:
        old, self.service = self.service, service
        self.service_replaced.emit()
        for job, handler in list(self._handlers.items()):
            handler(JobFailed(job, WorkerDied("the render workers were restarted")))
        self._handlers.clear()
        if self.owns_service:  # closing joins processes: keep the window responsive
            thread = threading.Thread(target=old.close, name="puray-close-service")
            thread.start()
            self._closers.append(thread)
        self.owns_service = True

    def _on_drain_timeout(self) -> None:
        deadline = time.perf_counter() + _DRAIN_BUDGET
        events = self.service.events
        while time.perf_counter() < deadline:
            try:
                event = events.get_nowait()
            except queue.Empty:
                break
            handler = self._handlers.get(event.job)
            if handler is None:
                continue
            if isinstance(event, _LAST):
                del self._handlers[event.job]  # let go first: the handler may submit again
            handler(event)
        self.drained.emit()
        if not self._handlers and events.empty():
            self._timer.stop()
