"""The render session's side jobs as a JobEvents: jobs beside the preview, on its service.

The session's timer drains the local service's events; jobs watched here (an export's, the
timeline's frames ahead) get theirs from that drain. Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from tracer.workers.backend import Handler, JobEvents, RenderBackend

    from .session import RenderSession


class SessionJobs:
    """Submit to the session's service and watch the jobs through the session."""

    def __init__(self, session: RenderSession) -> None:
        self.session = session

    @property
    def backend(self) -> RenderBackend:
        return self.session.service

    def watch(self, job: int, handler: Handler) -> None:
        listener = cast(Callable[[object], None], handler)  # the session passes it events only
        self.session.watch_side_job(job, listener)

    def cancel(self, job: int) -> None:
        self.session.cancel_side_job(job)


if TYPE_CHECKING:
    _jobs: type[JobEvents] = SessionJobs  # mypy: the session's side jobs are JobEvents
