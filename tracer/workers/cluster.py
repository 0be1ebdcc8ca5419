"""Render on a Dask cluster: the same render unit, the same events as the local service.

    ClusterService("tcp://scheduler:8786")   # an existing cluster
    ClusterService("local:4")                 # a LocalCluster of 4 worker processes

The scene is loaded once, by one Dask task, on the worker that loaded this version before if
there is one; the row-block tasks take that task's small result as input, and a worker that
lacks the loaded scene gets a snapshot from the one holding it, once (dask_tasks.py): a worker
that holds the version is sent nothing of it. The scene travels as its
:class:`~tracer.scene.load.SceneSource` (text plus sibling modules), so workers need no shared
filesystem. A worker lost mid-
render is Dask's to handle: it runs the lost blocks again elsewhere. dask and distributed are
the optional ``cluster`` extra; nothing here imports them until a ClusterService is made.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import SceneError
from ..kernel.render import rows_per_block, scene_key
from ..scene.source import SceneSource
from ..settings import RenderSettings
from .dask_connect import ClusterUnavailable, check_scheduler, connect, parse_scheduler
from .dask_tasks import DaskScene, load_task, pick_task, rows_task
from .events import Event, JobFailed, JobFinished, JobStarted, PixelPicked, RowsReady

__all__ = ["ClusterService", "ClusterUnavailable", "check_scheduler", "parse_scheduler"]

#: Extra seconds beyond the scene's load timeout before the client gives up on a load.
LOAD_GRACE = 5.0
#: Blocks on a cluster are larger than local ones: each Dask task costs about a millisecond.
BLOCK_FACTOR = 4
#: Scene versions whose loading worker the service remembers (it loads them again from cache).
OWNERS = 16
#: Blocks whose G-buffers' worker is remembered (a few frames' worth).
KEEPERS = 4096


@dataclass
class _ClusterJob:
    id: int
    futures: list = field(default_factory=list)
    cancelled: bool = False


class ClusterService:
    """Render jobs on a Dask cluster: a RenderBackend, as the local RenderService is.

    ``coarse`` and ``ids`` are ignored (no coarse pass, no id buffers), and a pick loads the
    scene on some worker (its cached load, if it has one) rather than on the one a frame was
    rendered from.
    """

    def __init__(self, scheduler: str, connect_timeout: float = 5.0) -> None:
        self.client, self._cluster = connect(scheduler, connect_timeout)
        self.scheduler = scheduler
        self.events: queue.Queue[Event] = queue.Queue()
        self._ids = itertools.count(1)
        self._jobs: dict[int, _ClusterJob] = {}
        self._lock = threading.Lock()
        self._owners: OrderedDict[tuple, str] = OrderedDict()  # version -> its loader's address
        #: (scene file, rows) -> the worker keeping their G-buffers (DaskRows.keeper)
        self._keepers: OrderedDict[tuple, str] = OrderedDict()

    @property
    def processes(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def submit(
        self, source: SceneSource, settings: RenderSettings, coarse: int = 0, ids: bool = False
    ) -> int:
        """Start a job in the background and return its id (``coarse``, ``ids``: ignored)."""
        return self._start(self._render, source, settings)

    def pick(self, source: SceneSource, settings: RenderSettings, x: int, y: int) -> int:
        """Trace pixel (x, y) in the background; return the job id (answered by PixelPicked)."""
        return self._start(self._pick, source, settings, x, y)

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

    def _start(self, work: Callable[..., None], *args: Any) -> int:
        job = _ClusterJob(next(self._ids))
        with self._lock:
            self._jobs[job.id] = job
        name = f"puray-dask-job-{job.id}"
        threading.Thread(target=self._run, args=(job, work, *args), name=name, daemon=True).start()
        return job.id

    def _emit(self, job: _ClusterJob, event: Event) -> None:
        if not job.cancelled:
            self.events.put(event)

    def _run(self, job: _ClusterJob, work: Callable[..., None], *args: Any) -> None:
        """Do a job's ``work`` on this thread; report its failure as JobFailed."""
        try:
            work(job, *args)
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

    def _render(self, job: _ClusterJob, source: SceneSource, settings: RenderSettings) -> None:
        started = time.perf_counter()
        scene, loaded = self._load(job, source, settings)
        info = loaded.info
        self._emit(job, JobStarted.of(job.id, info, loaded.files, ()))
        settings = settings.under_scene(info.settings)  # blocks sized for the scene's samples
        self._render_rows(job, scene, source.path, settings, (info.width, info.height))
        self._emit(job, JobFinished(job.id, time.perf_counter() - started))

    def _pick(
        self, job: _ClusterJob, source: SceneSource, settings: RenderSettings, x: int, y: int
    ) -> None:
        scene, _loaded = self._load(job, source, settings)
        future = self.client.submit(pick_task, scene, settings, x, y, pure=False)
        job.futures.append(future)
        picked = future.result()
        if isinstance(picked, SceneError):
            raise picked
        self._emit(job, PixelPicked(job.id, picked))

    def _load(self, job, source, settings) -> tuple[Any, DaskScene]:
        """Load the scene once on one worker; return its future and what it renders.

        The row tasks take that future as their input: a small record, so Dask spreads them
        over the workers; each worker that lacks the loaded scene fetches it once. A version
        loaded before is loaded again on the same worker, from its cache, if it is still there.
        """
        from distributed import KilledWorker  # dask is optional: loaded only on use
        from distributed import TimeoutError as DaskTimeout

        version = scene_key(source, settings)
        owner = self._owners.get(version)
        where = {"workers": [owner], "allow_other_workers": True} if owner else {}
        scene = self.client.submit(load_task, source, settings, pure=False, **where)
        job.futures.append(scene)
        try:
            result = scene.result(timeout=settings.load_timeout + LOAD_GRACE)
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
        if isinstance(result, SceneError):
            raise result
        with self._lock:
            self._owners[version] = result.owner
            self._owners.move_to_end(version)
            while len(self._owners) > OWNERS:
                self._owners.popitem(last=False)
        return scene, result

    def _render_rows(self, job, scene, path: str, settings, size: tuple[int, int]) -> None:
        """Render the blocks; each goes to the worker keeping its G-buffers, if one does."""
        from distributed import as_completed  # dask is optional: loaded only on use

        width, height = size
        step = rows_per_block(width, settings.rays_per_pixel) * BLOCK_FACTOR
        spans = {}
        blocks = []
        for y0 in range(0, height, step):
            y1 = min(height, y0 + step)
            keeper = self._keepers.get((path, y0, y1)) if settings.reshade_cache_mb else None
            where = {"workers": [keeper], "allow_other_workers": True} if keeper else {}
            future = self.client.submit(rows_task, scene, settings, y0, y1, pure=False, **where)
            spans[future.key] = (y0, y1)
            blocks.append(future)
        job.futures += blocks
        for future in as_completed(blocks, loop=self.client.loop):
            if job.cancelled:
                return
            value = future.result()
            if isinstance(value, SceneError):
                raise value
            y0, y1 = spans[future.key]
            self._keep((path, y0, y1), value.keeper)
            self._emit(job, RowsReady(job.id, y0, y1, value.pixels, width, path=value.path))

    def _keep(self, rows: tuple, keeper: str) -> None:
        """Remember which worker keeps the G-buffers of ``rows`` (a bounded record)."""
        if not keeper:
            return
        with self._lock:
            self._keepers[rows] = keeper
            self._keepers.move_to_end(rows)
            while len(self._keepers) > KEEPERS:
                self._keepers.popitem(last=False)


if TYPE_CHECKING:  # mypy checks that it implements the interface
    from .backend import RenderBackend

    _backend: type[RenderBackend] = ClusterService
