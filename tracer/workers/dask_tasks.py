"""The Dask tasks of a cluster render: load a scene once, then render rows or pick a pixel of it.

The loaded scene stays with the worker that loaded it (its ``owner``). A row or pick task takes
only a small :class:`DaskScene`: a worker that holds the version renders at once; one that
lacks it asks the owner for a snapshot (once per worker), or, when none can be made, loads the
scene itself and checks that it came out the same. Errors come back as values (a SceneError),
not exceptions: Dask would log our internals otherwise.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from ..errors import SceneError
from ..kernel.render import LoadedScene, cache, render_block, restore, snapshot
from ..kernel.rerender import Reshading
from ..scene.nesting import allow_deep_scenes
from ..scene.source import SceneSource
from ..settings import RenderSettings
from .loads import adopt, frame_info, pick_pixel
from .protocol import FrameInfo
from .worker import quiet_numbers, tune_allocator

#: Seconds a worker waits for the owner's snapshot before it loads the scene itself.
SNAPSHOT_TIMEOUT = 60.0
#: Seconds between checks, while waiting, that the owner is still part of the cluster.
OWNER_CHECK = 1.0


@dataclass(frozen=True)
class DaskScene:
    """A scene :func:`load_task` loaded: what it renders and where it lives.

    ``owner`` is the address of the worker holding the load; ``source`` and ``fingerprint``
    let a worker that cannot get a snapshot load it and check it; ``files`` are the data files
    the scene read.
    """

    info: FrameInfo
    key: tuple
    owner: str
    source: SceneSource
    fingerprint: str
    files: tuple


@dataclass(frozen=True)
class DaskRows:
    """What :func:`rows_task` answers: the rows' RGB bytes, how they were made (kernel/
    made.py; "": nothing kept) and the worker that keeps their G-buffers ("": none)."""

    pixels: bytes
    path: str = ""
    keeper: str = ""


_tuned = False
#: Versions this worker took as snapshots (a test reads it: workers holding one take none).
taken: list[tuple] = []
_fetching = threading.Lock()


def _prepare_worker() -> None:
    global _tuned
    if not _tuned:
        tune_allocator()
        allow_deep_scenes()
        _tuned = True


def load_task(source: SceneSource, settings: RenderSettings) -> DaskScene | SceneError:
    """Load the scene on this worker (its cached load, if it has one); return what it renders."""
    from distributed import get_worker  # dask is optional: loaded only on use

    _prepare_worker()
    try:
        with quiet_numbers():
            loaded = cache.load(source, settings)
    except SceneError as exc:
        return exc
    info, files = frame_info(loaded, settings), tuple(loaded.files)
    owner = get_worker().address
    return DaskScene(info, loaded.key, owner, source, loaded.fingerprint(), files)


def share_task(key: tuple) -> bytes | None:
    """Return a snapshot of loaded scene ``key`` for a worker lacking it (None: cannot)."""
    loaded = cache.get(key)
    return None if loaded is None else snapshot(loaded)


def rows_task(
    scene: DaskScene, settings: RenderSettings, y0: int, y1: int
) -> DaskRows | SceneError:
    """Render one block of rows of the scene ``load_task`` returned.

    With ``settings.reshade_cache_mb`` (the window's previews) a worker that runs one task at
    a time keeps the block's G-buffers, as a local worker does, and re-shades the block of the
    next version from them when only materials or lights changed; the service sends the
    block back to it (``keeper``). A worker of several threads keeps nothing: the store is
    one per process.
    """
    from distributed import get_worker  # dask is optional: loaded only on use

    _prepare_worker()
    try:
        loaded = _loaded(scene, settings)
        worker = get_worker()
        reshade = Reshading.of(loaded, settings) if worker.state.nthreads == 1 else None
        with quiet_numbers():
            pixels = render_block(loaded, settings, y0, y1, None, reshade)
    except SceneError as exc:
        return exc
    if reshade is None:
        return DaskRows(pixels)
    return DaskRows(pixels, reshade.path, worker.address)


def pick_task(scene: DaskScene, settings: RenderSettings, x: int, y: int) -> object:
    """Trace pixel (x, y) of the scene ``load_task`` returned; a Pick, or a SceneError."""
    _prepare_worker()
    try:
        with quiet_numbers():
            return pick_pixel(_loaded(scene, settings), settings, x, y)
    except SceneError as exc:
        return exc


def _loaded(scene: DaskScene, settings: RenderSettings) -> LoadedScene:
    """Return this worker's copy of the scene: cached, else a snapshot, else loaded here."""
    loaded = cache.get(scene.key)
    if loaded is not None:
        return loaded
    from distributed import rejoin, secede  # dask is optional: loaded only on use

    secede()  # waiting for the copy must not hold a task slot the owner's answer may need
    try:
        with _fetching:  # one copy per worker: its other tasks then find it cached
            loaded = cache.get(scene.key)
            if loaded is not None:
                return loaded
            data = _snapshot_from(scene)
            if data is not None:
                taken.append(scene.key)
                return cache.put(restore(data))
            return adopt(scene.source, settings, scene.fingerprint)
    finally:
        rejoin()


def _snapshot_from(scene: DaskScene) -> bytes | None:
    """Ask the owner for a snapshot; None if it cannot make one or is gone."""
    from distributed import TimeoutError as DaskTimeout
    from distributed import get_worker, worker_client  # dask is optional: loaded only on use

    if get_worker().address == scene.owner:
        return None  # loaded here, and no longer held: load it again
    with worker_client() as client:  # already seceded: it keeps the thread out of the pool
        if scene.owner not in client.scheduler_info()["workers"]:
            return None
        future = client.submit(  # on the owner only: another worker would not hold it
            share_task, scene.key, workers=[scene.owner], allow_other_workers=False, pure=False
        )
        deadline = time.monotonic() + SNAPSHOT_TIMEOUT
        while time.monotonic() < deadline:
            try:
                return future.result(timeout=OWNER_CHECK)
            except (DaskTimeout, TimeoutError):
                if scene.owner not in client.scheduler_info()["workers"]:
                    break  # the owner is gone: it cannot answer
            except Exception:  # the owner died while answering
                break
        future.cancel()
        return None
