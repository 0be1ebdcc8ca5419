"""Who does what next: the local service's idle workers and its jobs' requests.

A worker holding a scene version is never sent that version again. So idle workers first take
work on versions they hold (a load answered from their cache, rows, a snapshot for others),
oldest job first; then the others take new loads and hand-overs. A load answers a snapshot
along only when a worker is left waiting for its version: a re-render of a version every worker
holds, or frames of an animation each worker loads for itself, copy nothing. A worker that
waits for a version loaded earlier marks it wanted: the next holder free makes the snapshot.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from ..kernel.render import scene_key
from .jobs import Job, WorkerSlot
from .protocol import Load, Request


def plan(
    workers: list[WorkerSlot], jobs: Iterable[Job], held: Callable[[tuple | None], bool]
) -> list[tuple[WorkerSlot, Request]]:
    """Return the requests to send now: (worker, request) for idle workers that have work."""
    jobs = list(jobs)
    idle = [w for w in workers if w.ready and w.task is None]
    given: dict[int, Request] = {}
    for own_only in (True, False):
        for w in idle:
            if w.index not in given:
                msg = _first(w, jobs, held, own_only, workers)
                if msg is not None:
                    given[w.index] = msg
    waiting = [w for w in idle if w.index not in given]
    for w in waiting:
        _want(w, jobs, held)
    return [(w, _with_snapshot(given[w.index], waiting)) for w in idle if w.index in given]


def _first(w: WorkerSlot, jobs: list[Job], held, own_only: bool, workers) -> Request | None:
    for job in jobs:
        msg = job.request_for(w, held, own_only, workers)
        if msg is not None:
            return msg
    return None


def _want(w: WorkerSlot, jobs: list[Job], held) -> None:
    """Mark the oldest loaded job that waiting worker ``w`` could render were it to hold it."""
    for job in jobs:
        if job.key is None or job.pick is not None or not job.pending or w.holds(job.version):
            continue
        if job.shareable() and held(job.version):
            job.wanted = True
        return


def _with_snapshot(msg: Request, waiting: list[WorkerSlot]) -> Request:
    """Ask a load to answer a snapshot along when a waiting worker lacks its version."""
    if not isinstance(msg, Load):
        return msg
    version = scene_key(msg.source, msg.settings)
    if any(not w.holds(version) for w in waiting):
        return dataclasses.replace(msg, share=True)
    return msg
