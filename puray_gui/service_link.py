"""The window's link to its local render service: submit jobs, hand their events on, replace it.

The service's workers run the scene code; the link only passes requests on and reads the
service's event queue with a timer on the GUI thread (~30 Hz; faster while a preview waits for
its first pixels). Each job's events go to the handler that watches it, up to the job's last
event; events of jobs nobody watches (cancelled, older) are dropped. ``drained`` follows every
read, so a handler can repaint once per drain, never per event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from tracer.errors import WorkerDied
from tracer.workers.router import EventRouter

if TYPE_CHECKING:
    from tracer.workers.backend import Handler, JobEvents, RenderBackend

DRAIN_MS = 33  # ~30 Hz
#: Until a new render's first pixels land, poll faster: they show ~30 ms sooner after a save.
FIRST_PIXELS_POLL_MS = 4
_DRAIN_BUDGET = 0.025  # seconds of event handling per tick, so the window stays responsive


class ServiceLink(QObject):
    """Watch the jobs of one render service: each job's events go to its handler (a JobEvents).

    ``service`` is a RenderBackend (``backend`` names it too); jobs are submitted to it and
    watched here. ``start(processes)`` lets the worker count change
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
        self._router = EventRouter(service)
        self._closers: list[threading.Thread] = []
        self._timer = QTimer(self, interval=DRAIN_MS)
        self._timer.timeout.connect(self._on_drain_timeout)

    @property
    def backend(self) -> RenderBackend:
        """Return the service jobs are submitted to."""
        return self.service

    @property
    def resizable(self) -> bool:
        """Tell whether the worker count can change (the link starts its own services)."""
        return self._start is not None

    def watch(self, job: int, handler: Handler) -> None:
        """Give ``handler`` the events of ``job`` (started on the service), up to its last."""
        self._router.watch(job, handler)
        if not self._timer.isActive():
            self._timer.start(DRAIN_MS)

    def cancel(self, job: int) -> None:
        """Stop a job; its events (even those already queued) are dropped."""
        self._router.cancel(job)

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
        self._router.cancel_watched()
        if self.owns_service:
            self.service.close()
        for thread in self._closers:
            thread.join(timeout=10)

    def _replace(self, service) -> None:
        old, self.service = self.service, service
        self.service_replaced.emit()
        router, self._router = self._router, EventRouter(service)
        router.fail_watched(WorkerDied("the render workers were restarted"))
        if self.owns_service:  # closing joins processes: keep the window responsive
            thread = threading.Thread(target=old.close, name="puray-close-service")
            thread.start()
            self._closers.append(thread)
        self.owns_service = True

    def _on_drain_timeout(self) -> None:
        self._router.drain(_DRAIN_BUDGET)
        self.drained.emit()
        if not self._router.watching and self.service.events.empty():
            self._timer.stop()


if TYPE_CHECKING:
    _link: type[JobEvents] = ServiceLink  # mypy: the window's local jobs are JobEvents
