"""Where an export's jobs render: the session's local workers, or a Dask scheduler (Qt signals).

Both exporters (PNG and animation) route their jobs through one of these each, sharing the
window's ClusterLink. ``open()`` starts an export's route: ``ready`` follows once jobs can be
submitted to :attr:`ExportRoute.jobs`, at once for the local workers, after connecting for a
scheduler, or after falling back to the local workers when the scheduler is unreachable
(``noticed`` and ``fell_back`` say so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from .cluster_link import ClusterLink
from .session import RenderSession

if TYPE_CHECKING:
    from tracer.workers.backend import JobEvents


class ExportRoute(QObject):
    """Choose where one export's jobs render: the local workers or the chosen scheduler."""

    ready = Signal()  # jobs can be submitted now
    noticed = Signal(str)  # where the jobs render, when not on the local workers
    fell_back = Signal(str, str)  # scheduler, why it is unreachable: the local workers render

    def __init__(self, session: RenderSession, cluster: ClusterLink, parent: QObject) -> None:
        super().__init__(parent)
        self.session = session
        self.cluster = cluster
        self.scheduler = ""  # a Dask scheduler to render on ("": the local workers)
        self.on_cluster = False
        self._waiting_for: str | None = None  # the scheduler being connected to
        cluster.connected.connect(self._on_cluster_connected)
        cluster.unavailable.connect(self._on_cluster_unavailable)

    @property
    def waiting(self) -> bool:
        """Tell whether the route waits for its scheduler to connect."""
        return self._waiting_for is not None

    @property
    def jobs(self) -> JobEvents:
        """Return where to submit the jobs and watch their events."""
        return self.cluster if self.on_cluster else self.session.link

    def open(self) -> None:
        """Prepare a new export's route; ``ready`` follows."""
        self.on_cluster = False
        if self.scheduler:
            self._waiting_for = self.scheduler
            self.cluster.connect_to(self.scheduler)  # -> _on_cluster_connected / _unavailable
        else:
            self.ready.emit()

    def close(self) -> None:
        """Stop waiting for a scheduler (the export was cancelled)."""
        self._waiting_for = None

    def _on_cluster_connected(self, spec: str, service) -> None:
        if spec != self._waiting_for:
            return  # cancelled, another export's scheduler, or an older request
        self._waiting_for, self.on_cluster = None, True
        self.noticed.emit(f"Rendering on the Dask cluster {spec}")
        self.ready.emit()

    def _on_cluster_unavailable(self, spec: str, why: str) -> None:
        if spec != self._waiting_for:
            return
        self._waiting_for = None
        self.noticed.emit(f"{why}: exporting with the local workers instead")
        self.fell_back.emit(spec, why)
        self.ready.emit()
