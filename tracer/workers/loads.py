"""A scene version in a worker (a local process or a Dask task): loaded, described, adopted, picked.

What the local workers and the Dask tasks do alike lives here, so the two backends report the
same :class:`~tracer.workers.protocol.FrameInfo`, refuse the same differing loads and answer
picks the same way.
"""

from __future__ import annotations

from ..errors import SceneError, from_exception
from ..kernel.render import LoadedScene, cache, frame_size
from ..scene.deadline import Deadline
from ..scene.source import SceneSource
from ..settings import RenderSettings
from .protocol import FrameInfo

#: Why a scene that could not be shared and loaded differently twice is refused.
DIFFERENT_LOADS = (
    "the scene builds a different picture in each worker process: it depends on something "
    "besides its text and seed (unseeded randomness such as np.random.default_rng(), the "
    "clock, or a file it reads); and it holds an object that cannot be copied between "
    "processes, so it cannot be loaded once and shared"
)


def frame_info(loaded: LoadedScene, settings: RenderSettings) -> FrameInfo:
    """Return what a render service reports once a scene has loaded."""
    from ..camera.view import view_of  # start-up: only a worker's first load needs it

    scene = loaded.scene
    camera = view_of(scene.camera, loaded.kernel.first_hit)
    width, height = frame_size(scene, settings)
    size = (width, height, scene.width, scene.height)
    return FrameInfo(*size, scene.frames, scene.fps, camera, dict(scene.settings))


def objects_of(loaded: LoadedScene) -> tuple:
    """Name every object of the scene as (class name, file, line) for the window's hover."""
    named = []
    for obj in loaded.scene.objects:
        file, line = getattr(obj, "_site", None) or (None, 0)
        named.append((type(obj).__name__, file, line))
    return tuple(named)


def adopt(source: SceneSource, settings: RenderSettings, fingerprint: str | None) -> LoadedScene:
    """Load the scene here (or take this process's load) and check it is the one shared."""
    loaded = cache.load(source, settings)
    if loaded.fingerprint() != fingerprint:
        raise SceneError(DIFFERENT_LOADS, source.path)
    return loaded


def pick_pixel(loaded: LoadedScene, settings: RenderSettings, x: int, y: int) -> object:
    """Trace pixel (x, y) recording its path; raise only SceneError (naming the scene)."""
    from ..pick import OffFrame, pick  # only picking needs it (its dataclasses cost ~3 ms)

    message = (
        f"picking pixel ({x}, {y}) took longer than {settings.block_timeout:g} s "
        "and was stopped (an endless loop in a material?)"
    )
    with Deadline(settings.block_timeout, message):
        try:
            return pick(loaded, settings.under_scene(loaded.scene.settings), x, y)
        except SceneError:
            raise
        except OffFrame as exc:
            raise SceneError(str(exc), loaded.path) from None
        except Exception as exc:  # scene code raised from a custom material
            raise from_exception(exc, loaded.path) from None
