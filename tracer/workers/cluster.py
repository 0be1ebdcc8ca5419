"""Render on a Dask cluster: the same render unit, the same events as the local service.

    ClusterService("tcp://scheduler:8786")   # an existing cluster
    ClusterService("local:4")                 # a LocalCluster of 4 worker processes

Row blocks become Dask tasks of :func:`tracer.render.render_block`; the scene travels as its
:class:`~tracer.scene.SceneSource` (text plus sibling modules), so workers need no shared
filesystem, and every worker seeds the scene's randomness the same way. A worker lost mid-
render is Dask's to handle: it runs the lost blocks again elsewhere. dask and distributed are
the optional ``cluster`` extra; nothing here imports them until a ClusterService is made.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from dataclasses import dataclass, field

from ..errors import SceneError
from ..render import cache, frame_size, render_block, rows_per_block
from ..scene import SceneSource
from ..settings import RenderSettings
from .events import JobFailed, JobFinished, JobStarted, RowsReady

#: Extra seconds beyond the scene's load timeout before the client gives up on a load.
LOAD_GRACE = 5.0
#: Blocks on a cluster are larger than local ones: each Dask task costs about a millisecond.
BLOCK_FACTOR = 4


class ClusterUnavailable(Exception):
    """The scheduler cannot be reached (or dask is not installed)."""


def parse_scheduler(spec: str) -> tuple[str, int | str]:
    """Split 'local', 'local:N' or an address such as 'tcp://host:8786'."""
    spec = spec.strip()
    if spec == "local" or spec.startswith("local:"):
        count = spec.partition(":")[2] or "2"
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"'local:N' needs a whole number of workers, got {spec!r}")
        return "local", int(count)
    if not spec:
        raise ValueError("the scheduler address is empty")
    return "remote", spec if "://" in spec else f"tcp://{spec}"


_tuned = False


def _prepare_worker() -> None:
    global _tuned
    if not _tuned:
        from .worker import tune_allocator

        tune_allocator()
        _tuned = True


def probe_task(source: SceneSource, settings: RenderSettings) -> tuple[int, int, int, int]:
    """Load the scene on a worker; return the frame's and the scene's own size (a Dask task)."""
    _prepare_worker()
    scene = cache.load(source, settings).scene
    return (*frame_size(scene, settings), scene.width, scene.height)


def rows_task(source: SceneSource, settings: RenderSettings, y0: int, y1: int) -> bytes:
    """Render one block of rows (a Dask task)."""
    _prepare_worker()
    return render_block(cache.load(source, settings), settings, y0, y1)


@dataclass
class _ClusterJob:
    id: int
    futures: list = field(default_factory=list)
    cancelled: bool = False


class ClusterService:
    """Render jobs on a Dask cluster; same ``submit``/``cancel``/``events`` as RenderService."""

    def __init__(self, scheduler: str, connect_timeout: float = 5.0) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ClusterUnavailable(
                "rendering on a cluster needs dask: pip install 'puray-live[cluster]'"
            ) from None
        kind, where = parse_scheduler(scheduler)
        self.scheduler = scheduler
        self._cluster = None
        try:
            if kind == "local":
                self._cluster = LocalCluster(
                    n_workers=int(where),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",  # any free port: never clash with 8787
                    silence_logs=logging.ERROR,
                )
                self.client = Client(self._cluster, set_as_default=False)
            else:
                self.client = Client(str(where), timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            if self._cluster is not None:
                self._cluster.close()
            raise ClusterUnavailable(f"cannot reach the Dask scheduler at {where}: {exc}") from None
        self.events: queue.Queue = queue.Queue()
        self._ids = itertools.count(1)
        self._jobs: dict[int, _ClusterJob] = {}
        self._lock = threading.Lock()

    @property
    def processes(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def submit(self, source: SceneSource, settings: RenderSettings, coarse: int = 0) -> int:
        """Start a job in the background and return its id (``coarse`` is ignored here)."""
        job = _ClusterJob(next(self._ids))
        with self._lock:
            self._jobs[job.id] = job
        name = f"puray-dask-job-{job.id}"
        args = (job, source, settings)
        threading.Thread(target=self._run, args=args, name=name, daemon=True).start()
        return job.id

    def cancel(self, job: int | None = None) -> None:
        """Stop a job's tasks (every job's when ``job`` is None); no more events come from it."""
        with self._lock:
            jobs = list(self._jobs.values()) if job is None else [self._jobs.get(job)]
        for j in jobs:
            if j is not None:
                j.cancelled = True
                self.client.cancel(list(j.futures))

    def close(self) -> None:
        self.cancel()
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> ClusterService:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _emit(self, job: _ClusterJob, event) -> None:
        if not job.cancelled:
            self.events.put(event)

    def _run(self, job: _ClusterJob, source: SceneSource, settings: RenderSettings) -> None:
        started = time.perf_counter()
        try:
            width, height, scene_w, scene_h = self._probe(job, source, settings)
            self._emit(job, JobStarted(job.id, width, height, scene_w, scene_h))
            self._render(job, source, settings, width, height)
            self._emit(job, JobFinished(job.id, time.perf_counter() - started))
        except SceneError as exc:
            self.client.cancel(list(job.futures))
            self._emit(job, JobFailed(job.id, exc))
        except Exception as exc:  # connection lost, or a block Dask gave up on
            self.client.cancel(list(job.futures))
            error = ClusterUnavailable(f"the cluster render failed: {type(exc).__name__}: {exc}")
            self._emit(job, JobFailed(job.id, error))
        finally:
            with self._lock:
                self._jobs.pop(job.id, None)

    def _probe(self, job, source, settings) -> tuple[int, int, int, int]:
        from distributed import TimeoutError as DaskTimeout

        future = self.client.submit(probe_task, source, settings, pure=False)
        job.futures.append(future)
        try:
            return future.result(timeout=settings.load_timeout + LOAD_GRACE)
        except (DaskTimeout, TimeoutError):
            raise SceneError(
                f"the scene did not finish loading within {settings.load_timeout:g} s",
                source.path,
            ) from None

    def _render(self, job, source, settings, width: int, height: int) -> None:
        from distributed import as_completed

        shared = source  # small: shipping it with each task beats a scatter round trip
        step = rows_per_block(width, settings.samples) * BLOCK_FACTOR
        spans = {}
        for y0 in range(0, height, step):
            y1 = min(height, y0 + step)
            future = self.client.submit(rows_task, shared, settings, y0, y1, pure=False)
            spans[future.key] = (y0, y1)
            job.futures.append(future)
        for future in as_completed(job.futures[1:], loop=self.client.loop):
            if job.cancelled:
                return
            pixels = future.result()
            y0, y1 = spans[future.key]
            self._emit(job, RowsReady(job.id, y0, y1, pixels, width))


def check_scheduler(spec: str, timeout: float = 3.0) -> str:
    """Say what exporting to ``spec`` would use; raise ClusterUnavailable if it cannot work.

    A remote scheduler is contacted (and must have workers); 'local:N' is only checked for
    dask being installed, since its cluster starts when a render needs it.
    """
    kind, where = parse_scheduler(spec)
    try:
        from distributed import Client
    except ImportError:
        raise ClusterUnavailable(
            "rendering on a cluster needs dask: pip install 'puray-live[cluster]'"
        ) from None
    if kind == "local":
        return f"a local Dask cluster of {where} workers starts when an export needs it"
    try:
        client = Client(str(where), timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterUnavailable(f"cannot reach the Dask scheduler at {where}: {exc}") from None
    try:
        workers = len(client.scheduler_info().get("workers", {}))
    finally:
        client.close()
    if workers == 0:
        raise ClusterUnavailable(f"the Dask scheduler at {where} has no workers")
    return f"connected to {where}: {workers} worker{'s' if workers != 1 else ''}"
