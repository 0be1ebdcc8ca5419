"""The interfaces both front ends render through: a backend, and a way to watch its jobs.

A backend is the local worker processes or a Dask cluster (or a test's fake). Only type
checkers import this module: the command line's start-up never pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeAlias

if TYPE_CHECKING:
    import queue
    from collections.abc import Callable

    from ..scene.source import SceneSource
    from ..settings import RenderSettings
    from .events import Event

#: What gets a job's events, one call each, in order.
Handler: TypeAlias = "Callable[[Event], None]"


class RenderBackend(Protocol):
    """Where jobs render: submit frames and picks, read their events, cancel them, close.

    Implemented by the local worker pool (:class:`tracer.workers.service.RenderService`), the
    Dask cluster (:class:`tracer.workers.cluster.ClusterService`) and the tests' FakeService
    (tests/gui/fakes.py); each implementation's module has mypy check that it is one.

    Every event (tracer/workers/events.py) carries its job's id; a render ends with
    JobFinished or JobFailed, a pick with PixelPicked or JobFailed, and no event of a job is
    sent after that or after it is cancelled (one queued before may still be read). One
    consumer reads ``events``: an :class:`~tracer.workers.router.EventRouter` hands each
    event to its job's handler and drops those of jobs nobody watches.

    What the Dask cluster does not offer: ``coarse`` and ``ids`` are ignored there (no
    coarse pass, RowsReady.ids is None), and a pick loads the scene again on some worker
    rather than asking the one load its frame was rendered from.
    """

    @property
    def events(self) -> queue.Queue[Event]:
        """The events of every job, in the order they happened."""
        ...

    @property
    def processes(self) -> int:
        """The worker processes rendering (a Dask cluster's may change while it runs)."""
        ...

    def submit(
        self, source: SceneSource, settings: RenderSettings, coarse: int = 0, ids: bool = False
    ) -> int:
        """Render a frame; return the job id. ``coarse=k`` first sends a 1/k-size preview;
        ``ids``: full-size rows come with their id buffer (RowsReady.ids)."""
        ...

    def pick(self, source: SceneSource, settings: RenderSettings, x: int, y: int) -> int:
        """Trace pixel (x, y) recording its path; return the job id (answered by PixelPicked)."""
        ...

    def cancel(self, job: int | None = None) -> None:
        """Stop a job (every job when ``job`` is None): no more of its events come."""
        ...

    def close(self) -> None:
        """Stop every job and let go of the workers."""
        ...


class JobEvents(Protocol):
    """A backend plus a way to watch the jobs submitted to it.

    An :class:`~tracer.workers.router.EventRouter` is one; the window's ServiceLink
    (puray_gui/service_link.py), which drains one with a Qt timer, and its ClusterLink are
    others.
    """

    @property
    def backend(self) -> RenderBackend:
        """Where the jobs are submitted."""
        ...

    def watch(self, job: int, handler: Handler) -> None:
        """Give ``handler`` the events of ``job`` from now on, up to its last."""
        ...

    def cancel(self, job: int) -> None:
        """Cancel ``job`` on the backend; its handler gets no more events."""
        ...
