"""The render service: a pool of persistent worker processes that stream finished rows.

A scene version is loaded once: one worker runs the scene's code; a worker that lacks the
version gets a snapshot of that load (big ones in shared memory: shared_bytes.py), a worker
that holds it nothing (dispatch.py decides who does what). So one frame is never stitched from
two runs of a scene that uses the clock, unseeded randomness or a file; set-up is paid once.

Each worker has its own pipe (carrying the records of :mod:`tracer.workers.protocol`), which
the service waits on with the process sentinels: it knows which request each worker holds,
notices a dead or stopped worker at once (and replaces it), and never leaves an unread queue
to block shutdown. Pending blocks stay in the service, so cancelling a job drops them at once;
rows that workers were already rendering are discarded when they arrive.

Consumers read :class:`Event` objects from :attr:`RenderService.events` (a thread-safe queue).
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing as mp
import os
import queue
import threading
import time
from multiprocessing.connection import wait
from typing import TYPE_CHECKING, Any

from ..scene.source import SceneSource
from ..settings import RenderSettings
from . import worker as worker_module
from .dispatch import plan
from .events import Event, JobFailed, JobFinished, JobStarted, PixelPicked, RowsReady
from .jobs import Job, Work, WorkerSlot, failure_for
from .processes import children_ignore_ctrl_c, cpu_count, is_stopped
from .protocol import Failed, Loaded, Missing, Picked, Ready, Reply, Shared, Stop, Taken
from .shared_bytes import release, release_orphans

__all__ = [
    "Event",
    "JobFailed",
    "JobFinished",
    "JobStarted",
    "PixelPicked",
    "RenderService",
    "RowsReady",
    "cpu_count",
]

#: Extra seconds a worker gets beyond a timeout before it is killed as unresponsive.
KILL_GRACE = 5.0
#: A request held this long by a worker whose process is stopped (SIGSTOP) gets moved.
STOPPED_AFTER = 0.5
#: How often a block may be moved to another worker before its job fails.
MAX_MOVES = 2


class RenderService:
    """Render scenes on ``processes`` persistent worker processes (a RenderBackend).

    ``start_method`` is ``spawn`` by default (safe beside Qt); the command line, which loads
    no Qt, starts its first workers with ``fork`` on Linux, in milliseconds.
    """

    def __init__(self, processes: int | None = None, start_method: str = "spawn") -> None:
        self.processes = max(1, processes or cpu_count())
        # One numpy thread per worker: a BLAS thread pool in each only slows its start.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        self._ctx: Any = mp.get_context(start_method)
        # Replacements start from the service thread: never fork a process with threads.
        self._replacement_ctx: Any = mp.get_context("spawn")
        self.events: queue.Queue[Event] = queue.Queue()
        self._lock = threading.RLock()
        self._jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self._closed = False
        self._wake_r, self._wake_w = self._ctx.Pipe(duplex=False)
        release_orphans()  # snapshots left by services that were killed
        self._workers = [self._spawn(i, self._ctx) for i in range(self.processes)]
        self._thread = threading.Thread(target=self._loop, name="puray-render-service", daemon=True)
        self._thread.start()

    # -- public API -----------------------------------------------------------------------

    def submit(
        self, source: SceneSource, settings: RenderSettings, coarse: int = 0, ids: bool = False
    ) -> int:
        """Start rendering; return the job id. ``coarse=k`` first renders a 1/k-size preview;
        ``ids``: full-resolution rows come with their id buffer (RowsReady.ids)."""
        return self._start(Job(next(self._ids), source, settings, coarse, ids=ids))

    def pick(self, source: SceneSource, settings: RenderSettings, x: int, y: int) -> int:
        """Trace pixel (x, y) recording its path; return the job id (answered by PixelPicked).

        A worker that holds this version of the scene answers (the load the frame was
        rendered from); when none does, an idle one loads it first.
        """
        return self._start(Job.picking(next(self._ids), source, settings, x, y))

    def _start(self, job: Job) -> int:
        with self._lock:
            if self._closed:
                raise RuntimeError("the render service is closed")
            self._jobs[job.id] = job
            self._dispatch()
        self._wake()
        return job.id

    def cancel(self, job: int | None = None) -> None:
        """Drop a job's pending blocks (every job's when ``job`` is None); late rows are dropped."""
        with self._lock:
            for jid in [job] if job is not None else list(self._jobs):
                self._drop(jid)

    def wait_ready(self, timeout: float = 30.0) -> bool:
        """Block until every worker has started (for benchmarks and tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if all(w.ready for w in self._workers):
                    return True
            time.sleep(0.005)
        return False

    def worker_pids(self) -> list[int]:
        """Return the process ids of the live workers."""
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.pid]

    def close(self) -> None:
        """Stop the workers and the service thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for jid in list(self._jobs):
                self._drop(jid)
        self._wake()
        self._thread.join(timeout=5)
        for w in self._workers:
            with contextlib.suppress(OSError, ValueError):
                w.conn.send(Stop())
        deadline = time.monotonic() + 2
        for w in self._workers:
            w.process.join(timeout=max(0.05, deadline - time.monotonic()))
            if w.process.is_alive():
                w.process.kill()
                w.process.join(timeout=1)
            w.conn.close()

    def __enter__(self) -> RenderService:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- workers --------------------------------------------------------------------------

    def _spawn(self, index: int, ctx) -> WorkerSlot:
        parent, child = ctx.Pipe()
        proc = ctx.Process(
            target=worker_module.main,
            args=(child, os.getpid()),
            name=f"puray-worker-{index}",
            daemon=True,
        )
        with children_ignore_ctrl_c():
            proc.start()
        child.close()
        return WorkerSlot(index, proc, parent)

    def _wake(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._wake_w.send(None)

    def _dispatch(self) -> None:
        """Give requests to idle workers (dispatch.py: who does what; lock held), in two passes.

        A worker that left blocks to another (affinity.py) may take them in the second.
        """
        for _ in range(2):
            planned = plan(self._workers, self._jobs.values(), self._held)
            for w, msg in planned:
                w.task, w.since = msg, time.monotonic()  # if it died, its replacement handles it
                with contextlib.suppress(OSError, ValueError):
                    w.conn.send(msg)
            if not planned:
                return

    def _held(self, key) -> bool:
        return any(w.holds(key) for w in self._workers)

    # -- the service thread ---------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                conns: dict[Any, WorkerSlot] = {w.conn: w for w in self._workers}
                sentinels = {w.process.sentinel: w for w in self._workers}
            ready = wait([self._wake_r, *conns, *sentinels], timeout=0.25)
            with self._lock:
                if self._closed:
                    return
                if self._wake_r in ready:
                    with contextlib.suppress(EOFError, OSError):
                        while self._wake_r.poll():
                            self._wake_r.recv()
                for obj in ready:
                    if obj in conns:
                        self._receive(conns[obj])
                # A sentinel stays quiet while a process that scene code forked holds it:
                # ask every worker's process directly too.
                for w in list(self._workers):
                    if not w.process.is_alive():
                        self._replace(w, died=True)
                self._check_busy_workers()
                self._dispatch()

    def _receive(self, w: WorkerSlot) -> None:
        try:
            while w.conn.poll():
                self._handle(w, w.conn.recv())
        except (EOFError, OSError):
            pass  # the process check reports the death

    def _handle(self, w: WorkerSlot, reply: Ready | Reply) -> None:
        if isinstance(reply, Ready):
            w.ready = True
            return
        task, w.task = w.task, None
        job = self._jobs.get(reply.job)
        if isinstance(reply, (Loaded, Shared, Taken, Picked)):
            w.used(reply.key)
        if job is None:  # cancelled: drop late results (and free a late snapshot)
            release(reply.snapshot if isinstance(reply, (Loaded, Shared)) else None)
            return
        if isinstance(reply, Failed):
            self._fail(job, reply.error)
            return
        if isinstance(reply, Missing):
            w.scenes.pop(reply.key, None)
        for event in job.answer(reply, task):
            self.events.put(event)
        if job.ended:
            self._drop(job.id)

    def _fail(self, job: Job, error: Exception) -> None:
        self._drop(job.id)
        self.events.put(JobFailed(job.id, error))

    def _drop(self, jid: int) -> None:
        """Forget a job, freeing its snapshot's shared memory."""
        job = self._jobs.pop(jid, None)
        if job is not None:
            release(job.snapshot)

    def _replace(self, w: WorkerSlot, died: bool, move: bool = False) -> None:
        """Start a new worker in ``w``'s place; fail or move the request it held."""
        if w.process.is_alive():
            w.process.kill()
        w.process.join(timeout=1)
        code = w.process.exitcode
        w.conn.close()
        task = w.task
        job = self._jobs.get(task.job) if task is not None else None
        if job is not None and task is not None:
            if move and job.move(task, MAX_MOVES):
                pass  # another worker takes it over
            elif died or move:
                self._fail(job, failure_for(job, task, code, stopped=move))
        self._workers[w.index] = self._spawn(w.index, self._replacement_ctx)

    def _check_busy_workers(self) -> None:
        """Replace workers that are stopped, stuck past a timeout, or busy with dropped work."""
        now = time.monotonic()
        for w in list(self._workers):
            if w.task is None:
                continue
            held = now - w.since
            job = self._jobs.get(w.task.job)
            if job is None:
                if held > KILL_GRACE:  # a cancelled request that does not end: free the worker
                    self._replace(w, died=False)
                continue
            if held > STOPPED_AFTER and is_stopped(w.process.pid):
                self._replace(w, died=False, move=True)
            elif held > job.limit(w.task) + KILL_GRACE:
                if isinstance(w.task, Work):  # its own deadline did not fire: it hangs
                    self._replace(w, died=False, move=True)
                else:
                    self._fail(job, job.timeout_error(w.task))
                    self._replace(w, died=False)


if TYPE_CHECKING:  # mypy checks that it implements the interface
    from .backend import RenderBackend

    _backend: type[RenderBackend] = RenderService
