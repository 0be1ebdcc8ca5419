"""The Dask tasks of a cluster render: load a scene once, then render rows or pick a pixel of it.

Errors come back as values (a SceneError), not exceptions: Dask would log our internals
otherwise.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..errors import SceneError
from ..kernel.render import LoadedScene, cache, render_block, restore, snapshot
from ..scene.nesting import allow_deep_scenes
from ..scene.source import SceneSource
from ..settings import RenderSettings
from .loads import adopt, frame_info, pick_pixel
from .protocol import FrameInfo
from .worker import quiet_numbers, tune_allocator


@dataclass(frozen=True)
class DaskScene:
    """A scene loaded by :func:`load_task`: what it renders and how another worker gets it.

    ``snapshot`` is the loaded scene as bytes; when it cannot travel, ``adopt`` holds the
    source and fingerprint each worker loads and checks instead. ``files`` are the data files
    the scene read.
    """

    info: FrameInfo
    key: tuple
    snapshot: bytes | None
    adopt: tuple[SceneSource, str] | None
    files: tuple

    def head(self) -> DaskScene:
        """Return it without the scene (the client needs only the sizes and files)."""
        return dataclasses.replace(self, snapshot=None, adopt=None)


_tuned = False


def _prepare_worker() -> None:
    global _tuned
    if not _tuned:
        tune_allocator()
        allow_deep_scenes()
        _tuned = True


def load_task(source: SceneSource, settings: RenderSettings) -> DaskScene | SceneError:
    """Load the scene once on a worker; return what the row and pick tasks take."""
    _prepare_worker()
    try:
        with quiet_numbers():
            loaded = cache.load(source, settings)
    except SceneError as exc:
        return exc
    info, files = frame_info(loaded, settings), tuple(loaded.files)
    data = snapshot(loaded)
    if data is None:
        return DaskScene(info, loaded.key, None, (source, loaded.fingerprint()), files)
    return DaskScene(info, loaded.key, data, None, files)


def head(scene: DaskScene | SceneError) -> DaskScene | SceneError:
    """Return a load's result without its scene (a Dask task, so the scene stays on workers)."""
    return scene if isinstance(scene, SceneError) else scene.head()


def rows_task(scene: DaskScene, settings: RenderSettings, y0: int, y1: int) -> bytes | SceneError:
    """Render one block of rows of the scene ``load_task`` returned."""
    _prepare_worker()
    try:
        with quiet_numbers():
            return render_block(_loaded(scene, settings), settings, y0, y1)
    except SceneError as exc:
        return exc


def pick_task(scene: DaskScene, settings: RenderSettings, x: int, y: int) -> object:
    """Trace pixel (x, y) of the scene ``load_task`` returned; a Pick, or a SceneError."""
    _prepare_worker()
    try:
        with quiet_numbers():
            return pick_pixel(_loaded(scene, settings), settings, x, y)
    except SceneError as exc:
        return exc


def _loaded(scene: DaskScene, settings: RenderSettings) -> LoadedScene:
    """Return this worker's copy of the scene: cached, else from the snapshot, else loaded."""
    loaded = cache.get(scene.key)
    if loaded is not None:
        return loaded
    if scene.snapshot is not None:
        return cache.put(restore(scene.snapshot))
    assert scene.adopt is not None
    source, fingerprint = scene.adopt
    return adopt(source, settings, fingerprint)
