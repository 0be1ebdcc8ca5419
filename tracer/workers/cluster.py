"""Render on a Dask cluster: the same render unit, the same events as the local service.

    ClusterService("tcp://scheduler:8786")   # an existing cluster
    ClusterService("local:4")                 # a LocalCluster of 4 worker processes

The scene is loaded once, by one Dask task, which returns a snapshot of the loaded scene;
the row-block tasks take that task's future as input, so Dask hands the same loaded scene to
every worker that renders rows. The scene travels as its :class:`~tracer.scene.load.SceneSource`
(text plus sibling modules), so workers need no shared filesystem. A worker lost mid-
render is Dask's to handle: it runs the lost blocks again elsewhere. dask and distributed are
the optional ``cluster`` extra; nothing here imports them until a ClusterService is made.
"""

from __future__ import annotations

import itertools
import logging
import queue
import socket
import threading
import time
from dataclasses import dataclass, field

from ..errors import SceneError
from ..kernel.render import cache, frame_info, render_block, restore, rows_per_block, snapshot
from ..scene.source import SceneSource
from ..settings import RenderSettings
from .events import JobFailed, JobFinished, JobStarted, RowsReady
from .service import children_ignore_ctrl_c
from .worker import DIFFERENT_LOADS

#: Extra seconds beyond the scene's load timeout before the client gives up on a load.
LOAD_GRACE = 5.0
#: Blocks on a cluster are larger than local ones: each Dask task costs about a millisecond.
BLOCK_FACTOR = 4


class ClusterUnavailable(Exception):
    """The scheduler cannot be reached (or dask is not installed)."""


SCHEDULER_FORMS = "local, local:N (N workers on this machine), or HOST:PORT / tcp://HOST:PORT"


def parse_scheduler(spec: str) -> tuple[str, int | str]:
    """Split 'local', 'local:N' or an address such as 'tcp://host:8786'; else ValueError."""
    spec = spec.strip()
    if spec == "local" or spec.startswith("local:"):
        count = spec.partition(":")[2] or "2"
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"'local:N' needs a whole number of workers, got {spec!r}")
        return "local", int(count)
    if not spec:
        raise ValueError(f"the scheduler address is empty; use {SCHEDULER_FORMS}")
    address = spec if "://" in spec else f"tcp://{spec}"
    protocol, _, rest = address.partition("://")
    host, _, port = rest.rpartition(":")
    if protocol not in ("tcp", "tls") or not host or " " in rest or not port.isdigit():
        raise ValueError(f"not a scheduler address: {spec!r}; use {SCHEDULER_FORMS}")
    return "remote", address


def _check_port(address: str, timeout: float) -> None:
    """Fail fast and say why when nothing listens at ``address`` (refused, unknown host)."""
    host, _, port = address.partition("://")[2].rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except socket.gaierror:
        raise ClusterUnavailable(
            f"cannot reach the Dask scheduler at {address}: unknown host {host!r}"
        ) from None
    except ConnectionRefusedError:
        raise ClusterUnavailable(
            f"cannot reach the Dask scheduler at {address}: connection refused "
            "(is dask-scheduler running there?)"
        ) from None
    except OSError as exc:
        raise ClusterUnavailable(
            f"cannot reach the Dask scheduler at {address}: {exc.strerror or exc}"
        ) from None


_tuned = False


def _prepare_worker() -> None:
    global _tuned
    if not _tuned:
        from .worker import tune_allocator

        tune_allocator()
        _tuned = True


def load_task(source: SceneSource, settings: RenderSettings):
    """Load the scene once on a worker (a Dask task); return what the row tasks render.

    Errors come back as values, not exceptions: Dask would log our internals otherwise.
    """
    _prepare_worker()
    try:
        loaded = cache.load(source, settings)
    except SceneError as exc:
        return ("error", exc)
    size = frame_info(loaded, settings)
    data = snapshot(loaded)
    if data is None:
        return ("adopt", size, loaded.key, (source, loaded.fingerprint()), tuple(loaded.files))
    return ("scene", size, loaded.key, data, tuple(loaded.files))


def rows_task(scene, settings: RenderSettings, y0: int, y1: int):
    """Render one block of rows of the scene ``load_task`` returned (a Dask task)."""
    _prepare_worker()
    kind, _size, key, data = scene[:4]
    try:
        loaded = cache.get(key)
        if loaded is None and kind == "scene":
            loaded = cache.put(restore(data))
        elif loaded is None:
            source, fingerprint = data
            loaded = _adopt(source, fingerprint, settings)
        return ("rows", render_block(loaded, settings, y0, y1))
    except SceneError as exc:
        return ("error", exc)


def _adopt(source: SceneSource, fingerprint: str, settings: RenderSettings):
    loaded = cache.load(source, settings)
    if loaded.fingerprint() != fingerprint:
        raise SceneError(DIFFERENT_LOADS, source.path)
    return loaded


def _head(result):
    """Return a load result without its snapshot (for the client, which needs only the size)."""
    return result if result[0] == "error" else (result[0], result[1], None, None, result[4])


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
                with children_ignore_ctrl_c():
                    self._cluster = LocalCluster(
                        n_workers=int(where),
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=":0",  # any free port: never clash with 8787
                        # its scheduler runs in this process: we report what goes wrong
                        silence_logs=logging.CRITICAL + 1,
                        preload=["tracer.workers.dask_quiet"],  # the workers' own stderr
                    )
                self.client = Client(self._cluster, set_as_default=False)
            else:
                _check_port(str(where), connect_timeout)
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
            scene, info, files = self._load(job, source, settings)
            frame_w, frame_h, scene_w, scene_h, frames, fps, camera = info
            shape = (frame_w, frame_h, scene_w, scene_h, files, frames, fps, camera)
            self._emit(job, JobStarted(job.id, *shape))
            self._render(job, scene, settings, frame_w, frame_h)
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

    def _load(self, job, source, settings):
        """Load the scene once on one worker; return its future, sizes and data files.

        The row tasks take that future as their input, so Dask hands the one loaded scene to
        each worker that renders rows (once per worker), and the client downloads only sizes.
        """
        from distributed import KilledWorker
        from distributed import TimeoutError as DaskTimeout

        scene = self.client.submit(load_task, source, settings, pure=False)
        head = self.client.submit(_head, scene, pure=False)
        job.futures += [scene, head]
        try:
            result = head.result(timeout=settings.load_timeout + LOAD_GRACE)
        except (DaskTimeout, TimeoutError):
            raise SceneError(
                f"the scene did not finish loading within {settings.load_timeout:g} s",
                source.path,
            ) from None
        except KilledWorker:
            raise SceneError(
                "the scene ended its worker process while loading (Dask gave up after it "
                "killed several workers)",
                source.path,
            ) from None
        if result[0] == "error":
            raise result[1]
        return scene, result[1], result[4]

    def _render(self, job, scene, settings, width: int, height: int) -> None:
        from distributed import as_completed

        step = rows_per_block(width, settings.samples) * BLOCK_FACTOR
        spans = {}
        blocks = []
        for y0 in range(0, height, step):
            y1 = min(height, y0 + step)
            future = self.client.submit(rows_task, scene, settings, y0, y1, pure=False)
            spans[future.key] = (y0, y1)
            blocks.append(future)
        job.futures += blocks
        for future in as_completed(blocks, loop=self.client.loop):
            if job.cancelled:
                return
            kind, value = future.result()
            if kind == "error":
                raise value
            y0, y1 = spans[future.key]
            self._emit(job, RowsReady(job.id, y0, y1, value, width))


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
    _check_port(str(where), timeout)
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
