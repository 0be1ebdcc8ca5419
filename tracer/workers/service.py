"""The render service: a pool of persistent worker processes that stream finished rows.

Each worker has its own pipe, which the service waits on together with the process
sentinels: the service always knows which block each worker holds, notices a dead worker at
once (and replaces it), and never leaves an unread queue that would block shutdown. Pending
blocks stay in the service, so cancelling a job drops them at once; rows that workers were
already rendering are discarded when they arrive.

Consumers read :class:`Event` objects from :attr:`RenderService.events` (a thread-safe queue).
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from ..errors import SceneError, WorkerDied
from ..render import rows_per_block
from ..scene import SceneSource
from ..settings import RenderSettings
from . import worker as worker_module

#: Extra seconds a worker gets beyond the load timeout before it is killed as stuck.
KILL_GRACE = 5.0


@dataclass(frozen=True)
class JobStarted:
    """The scene loaded: the frame will be ``width`` x ``height``; the scene's own size too."""

    job: int
    width: int
    height: int
    scene_width: int = 0
    scene_height: int = 0


@dataclass(frozen=True)
class RowsReady:
    """Rows ``y0 <= y < y1`` of a job's frame (or of its coarse preview when ``coarse``)."""

    job: int
    y0: int
    y1: int
    pixels: bytes
    width: int
    coarse: bool = False


@dataclass(frozen=True)
class JobFinished:
    job: int
    seconds: float


@dataclass(frozen=True)
class JobFailed:
    job: int
    error: Exception


Event = JobStarted | RowsReady | JobFinished | JobFailed


def cpu_count() -> int:
    """Return the CPUs this process may run on (the default number of workers)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


@dataclass
class _Job:
    id: int
    source: SceneSource
    settings: RenderSettings
    coarse: int
    started: float = field(default_factory=time.perf_counter)
    pending: deque = field(default_factory=deque)  # messages to send, in order
    in_flight: int = 0
    loaded: bool = False
    size: tuple[int, int] = (0, 0)


@dataclass
class _Worker:
    index: int
    process: mp.process.BaseProcess
    conn: Connection
    ready: bool = False
    task: tuple | None = None
    since: float = 0.0
    loaded: set = field(default_factory=set)  # scene digests this worker has loaded


class RenderService:
    """Render scenes on ``processes`` persistent worker processes (``spawn`` by default)."""

    def __init__(self, processes: int | None = None, start_method: str = "spawn") -> None:
        self.processes = max(1, processes or cpu_count())
        # One numpy thread per worker: a BLAS thread pool in each only slows its start.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        self._ctx: Any = mp.get_context(start_method)
        self.events: queue.Queue = queue.Queue()
        self._lock = threading.RLock()
        self._jobs: dict[int, _Job] = {}
        self._ids = itertools.count(1)
        self._closed = False
        self._wake_r, self._wake_w = self._ctx.Pipe(duplex=False)
        self._workers = [self._spawn(i) for i in range(self.processes)]
        self._thread = threading.Thread(target=self._loop, name="puray-render-service", daemon=True)
        self._thread.start()

    # -- public API -----------------------------------------------------------------------

    def submit(self, source: SceneSource, settings: RenderSettings, coarse: int = 0) -> int:
        """Start rendering; return the job id. ``coarse=k`` first renders a 1/k-size preview."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the render service is closed")
            job = _Job(next(self._ids), source, settings, coarse)
            job.pending.append(("load", job.id, source, settings))
            self._jobs[job.id] = job
            self._dispatch()
        return job.id

    def cancel(self, job: int | None = None) -> None:
        """Drop a job's pending blocks (every job's when ``job`` is None); late rows are dropped."""
        with self._lock:
            for jid in [job] if job is not None else list(self._jobs):
                self._jobs.pop(jid, None)

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
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.pid]

    def close(self) -> None:
        """Stop the workers and the service thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._jobs.clear()
        self._wake_w.send(None)
        self._thread.join(timeout=5)
        for w in self._workers:
            with contextlib.suppress(OSError, ValueError):
                w.conn.send(None)
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

    def _spawn(self, index: int) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=worker_module.main,
            args=(child, os.getpid()),
            name=f"puray-worker-{index}",
            daemon=True,
        )
        # Ctrl+C in a terminal reaches the whole process group. It is the parent's to handle;
        # a worker hit while still importing would die printing a traceback. An ignored signal
        # survives exec, so ignore it while starting (signal.signal works on the main thread
        # only: replacements started by the service thread ignore it once their imports end).
        on_main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if on_main else None
        try:
            proc.start()
        finally:
            if on_main:
                signal.signal(signal.SIGINT, previous)
        child.close()
        return _Worker(index, proc, parent)

    def _dispatch(self) -> None:
        """Give pending messages to idle workers, oldest job first (lock held)."""
        for w in self._workers:
            if not w.ready or w.task is not None:
                continue
            msg = self._next_message(w)
            if msg is None:
                return
            try:
                w.conn.send(msg)
            except (OSError, ValueError):
                continue  # dead: the loop notices its sentinel
            w.task, w.since = msg, time.monotonic()
            self._jobs[msg[1]].in_flight += 1

    def _next_message(self, w: _Worker):
        for job in self._jobs.values():
            if job.pending:
                return job.pending.popleft()
        return None

    # -- the service thread ---------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                conns: dict[Any, _Worker] = {w.conn: w for w in self._workers}
                sentinels = {w.process.sentinel: w for w in self._workers}
            ready = wait([self._wake_r, *conns, *sentinels], timeout=0.25)
            with self._lock:
                if self._closed:
                    return
                for obj in ready:
                    if obj in conns:
                        self._receive(conns[obj])
                for obj in ready:
                    if obj in sentinels and not sentinels[obj].process.is_alive():
                        self._replace(sentinels[obj], None)
                self._kill_stuck()
                self._dispatch()

    def _receive(self, w: _Worker) -> None:
        try:
            while w.conn.poll():
                self._handle(w, w.conn.recv())
        except (EOFError, OSError):
            pass  # the sentinel reports the death

    def _handle(self, w: _Worker, msg) -> None:
        kind = msg[0]
        if kind == "ready":
            w.ready = True
            return
        task, w.task = w.task, None
        job = self._jobs.get(msg[1])
        if job is None:
            return  # cancelled: drop late results
        job.in_flight -= 1
        w.loaded.add(job.source.digest)
        if kind == "error":
            self._fail(job, msg[2])
        elif kind == "loaded":
            self._start(job, *msg[2:6])
        elif kind == "rows":
            small = task[3] if task is not None and task[3] is not job.settings else None
            coarse, width = small is not None, small.width if small else job.size[0]
            self.events.put(RowsReady(job.id, msg[2], msg[3], msg[4], width, coarse))
            if not job.pending and job.in_flight == 0:
                del self._jobs[job.id]
                self.events.put(JobFinished(job.id, time.perf_counter() - job.started))

    def _start(self, job: _Job, width: int, height: int, scene_w: int, scene_h: int) -> None:
        job.loaded, job.size = True, (width, height)
        self.events.put(JobStarted(job.id, width, height, scene_w, scene_h))
        s = job.settings
        if job.coarse > 1 and height >= 2 * job.coarse:
            w, h = max(1, width // job.coarse), max(1, height // job.coarse)
            small = s.with_(width=w, height=h, samples=1, scale=1.0)
            job.pending.append(("rows", job.id, job.source, small, 0, small.height))
        step = rows_per_block(width, s.samples)
        for y0 in range(0, height, step):
            job.pending.append(("rows", job.id, job.source, s, y0, min(height, y0 + step)))

    def _fail(self, job: _Job, error: Exception) -> None:
        self._jobs.pop(job.id, None)
        self.events.put(JobFailed(job.id, error))

    def _replace(self, w: _Worker, reason: str | None) -> None:
        code = w.process.exitcode
        w.conn.close()
        task = w.task
        if task is not None and task[1] in self._jobs:
            job = self._jobs[task[1]]
            self._fail(job, self._death_error(job, task, code, reason))
        self._workers[w.index] = self._spawn(w.index)

    def _death_error(self, job: _Job, task, code, reason) -> Exception:
        name = os.path.basename(job.source.path)
        if reason:
            return SceneError(reason, job.source.path)
        how = f"exit code {code}" if code is not None and code >= 0 else f"signal {-(code or 0)}"
        if job.source.digest not in self._loaded_anywhere() or task[0] == "load":
            return SceneError(
                f"the scene ended its worker process while loading ({how})", job.source.path
            )
        rows = f"row {task[4]}" if task[5] - task[4] == 1 else f"rows {task[4]}-{task[5] - 1}"
        return WorkerDied(
            f"a render worker died ({how}) while rendering {rows} of {name}; it was replaced"
        )

    def _loaded_anywhere(self) -> set:
        return set().union(*(w.loaded for w in self._workers))

    def _kill_stuck(self) -> None:
        now = time.monotonic()
        for w in list(self._workers):
            if w.task is None:
                continue
            job = self._jobs.get(w.task[1])
            limit = (job.settings.load_timeout if job else 0) + KILL_GRACE
            loading = job is not None and job.source.digest not in w.loaded
            if job is None or (loading and now - w.since > limit):
                if job is None and now - w.since < KILL_GRACE:
                    continue  # a cancelled block: let it finish, it is short
                w.process.kill()
                w.process.join(timeout=1)
                msg = None
                if job is not None:
                    limit_s = job.settings.load_timeout
                    msg = f"the scene did not finish loading within {limit_s:g} s and was stopped"
                self._replace(w, msg)
