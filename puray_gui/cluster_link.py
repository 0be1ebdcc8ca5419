"""Connect to a Dask scheduler for exports without blocking the window (Qt, no widgets).

Connecting can take seconds (a LocalCluster starts processes, a remote scheduler may time
out), so it runs on a thread; the outcome arrives as a signal on the GUI thread. The link
keeps one ClusterService per scheduler address and drains its events with a timer through an
EventRouter, handing each job's events to the handler that watches it: a JobEvents.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from tracer.workers.router import EventRouter

if TYPE_CHECKING:
    from tracer.workers.backend import Handler, JobEvents, RenderBackend

DRAIN_MS = 33
CONNECT_TIMEOUT = 3.0


class ClusterLink(QObject):
    """Own at most one ClusterService; connect and test scheduler addresses off the GUI thread."""

    connected = Signal(str, object)  # spec, ClusterService
    unavailable = Signal(str, str)  # spec, why
    tested = Signal(bool, str)  # ok, message

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.spec = ""
        self.service: RenderBackend | None = None
        self._router: EventRouter | None = None
        self._threads: list[threading.Thread] = []
        self._timer = QTimer(self, interval=DRAIN_MS)
        self._timer.timeout.connect(self._on_drain_timeout)
        self.connected.connect(self._on_connected)

    def connect_to(self, spec: str) -> None:
        """Make a service for ``spec`` ready; ``connected`` or ``unavailable`` follows."""
        if self.service is not None and spec == self.spec:
            self.connected.emit(spec, self.service)
            return
        self._drop_service()
        self._start(self._connect, spec)

    def test(self, spec: str) -> None:
        """Check ``spec`` in the background; ``tested`` follows."""
        self._start(self._test, spec)

    # -- JobEvents: the connected service's jobs --------------------------------------------

    @property
    def backend(self) -> RenderBackend:
        """Return the connected service (jobs are submitted to it)."""
        assert self.service is not None
        return self.service

    def watch(self, job: int, handler: Handler) -> None:
        """Give ``handler`` the events of a job submitted to the connected service."""
        assert self._router is not None
        self._router.watch(job, handler)
        self._timer.start()

    def cancel(self, job: int) -> None:
        if self._router is not None:
            self._router.cancel(job)

    def close(self) -> None:
        """Stop draining and close the service (joins its connection threads)."""
        self._timer.stop()
        self._drop_service()
        for thread in self._threads:
            thread.join(timeout=10)

    # -- threads --------------------------------------------------------------------------

    def _start(self, target, spec: str) -> None:
        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=target, args=(spec,), name="puray-cluster", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _connect(self, spec: str) -> None:
        from tracer.workers.cluster import ClusterService, ClusterUnavailable  # on first use

        try:
            service = ClusterService(spec, connect_timeout=CONNECT_TIMEOUT)
        except (ClusterUnavailable, ValueError) as exc:
            self.unavailable.emit(spec, str(exc))
            return
        self.connected.emit(spec, service)

    def _test(self, spec: str) -> None:
        from tracer.workers.cluster import ClusterUnavailable, check_scheduler  # on first use

        try:
            self.tested.emit(True, check_scheduler(spec, timeout=CONNECT_TIMEOUT))
        except (ClusterUnavailable, ValueError) as exc:
            self.tested.emit(False, str(exc))

    def _drop_service(self) -> None:
        service, self.service, self.spec = self.service, None, ""
        self._router = None
        if service is not None:
            self._start(lambda _spec: service.close(), "")

    # -- GUI thread -----------------------------------------------------------------------

    def _on_connected(self, spec: str, service) -> None:
        if service is not self.service:
            self._drop_service()
            self.spec, self.service = spec, service
            self._router = EventRouter(service)

    def _on_drain_timeout(self) -> None:
        if self._router is None:
            self._timer.stop()
            return
        self._router.drain()
        if not self._router.watching:
            self._timer.stop()


if TYPE_CHECKING:
    _jobs: type[JobEvents] = ClusterLink  # mypy: the link's jobs are JobEvents
