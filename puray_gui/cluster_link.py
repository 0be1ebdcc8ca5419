"""Connect to a Dask scheduler for exports without blocking the window (Qt, no widgets).

Connecting can take seconds (a LocalCluster starts processes, a remote scheduler may time
out), so it runs on a thread; the outcome arrives as a signal on the GUI thread. The link
keeps one ClusterService per scheduler address and drains its events with a timer, handing
each job's events to the listener that submitted it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from tracer.workers.service import JobFailed, JobFinished

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
        self.service = None
        self._listeners: dict[int, Callable[[object], None]] = {}
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

    def submit(self, source, settings, listener: Callable[[object], None]) -> int:
        """Submit a job to the connected service; ``listener`` gets its events."""
        assert self.service is not None
        job = self.service.submit(source, settings)
        self._listeners[job] = listener
        self._timer.start()
        return job

    def cancel(self, job: int) -> None:
        self._listeners.pop(job, None)
        if self.service is not None:
            self.service.cancel(job)

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
        from tracer.workers.cluster import ClusterService, ClusterUnavailable

        try:
            service = ClusterService(spec, connect_timeout=CONNECT_TIMEOUT)
        except (ClusterUnavailable, ValueError) as exc:
            self.unavailable.emit(spec, str(exc))
            return
        self.connected.emit(spec, service)

    def _test(self, spec: str) -> None:
        from tracer.workers.cluster import ClusterUnavailable, check_scheduler

        try:
            self.tested.emit(True, check_scheduler(spec, timeout=CONNECT_TIMEOUT))
        except (ClusterUnavailable, ValueError) as exc:
            self.tested.emit(False, str(exc))

    def _drop_service(self) -> None:
        service, self.service, self.spec = self.service, None, ""
        self._listeners.clear()
        if service is not None:
            self._start(lambda _spec: service.close(), "")

    # -- GUI thread -----------------------------------------------------------------------

    def _on_connected(self, spec: str, service) -> None:
        if service is not self.service:
            self._drop_service()
            self.spec, self.service = spec, service

    def _on_drain_timeout(self) -> None:
        if self.service is None:
            self._timer.stop()
            return
        events = self.service.events
        while not events.empty():
            event = events.get_nowait()
            listener = self._listeners.get(event.job)
            if listener is None:
                continue
            if isinstance(event, (JobFinished, JobFailed)):
                del self._listeners[event.job]
            listener(event)
        if not self._listeners:
            self._timer.stop()
