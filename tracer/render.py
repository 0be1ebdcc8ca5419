"""The render unit: a pure function of (loaded scene, settings, block of rows) -> the rows' bytes.

A scene version is loaded once (:func:`load`): one process runs the scene's code and builds the
kernel's arrays and acceleration structure. Every block of its frames renders that one
:class:`LoadedScene`; other processes (local workers, a replacement worker, Dask workers)
receive it as a :func:`snapshot` instead of running the scene code again, so a frame is never
stitched from two different runs of a scene that uses the clock, unseeded randomness or
outside files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from .errors import SceneError, from_exception
from .scene import Scene, SceneSource, load_scene
from .settings import RenderSettings
from .trace import SceneArrays, trace

#: Rays traced per numpy pass. With the worker's allocator tuning (worker.tune_allocator)
#: 32k rays ran 10% faster than 16k and as fast as 64k on twoballs at 960x540.
CHUNK_RAYS = 32 * 1024

#: Loaded scenes a process keeps (the live window alternates between a few versions).
CACHE_SIZE = 4


def scene_key(source: SceneSource, settings: RenderSettings) -> tuple:
    """Return what identifies one load of a scene: its content and the seed it ran with."""
    return (source.digest, settings.seed)


@dataclass
class LoadedScene:
    """One run of a scene's code, ready to render: the scene plus the kernel's arrays."""

    key: tuple
    scene: Scene
    kernel: SceneArrays
    #: Data files the scene read while loading (OBJ models, images): path -> SHA-256.
    files: dict = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.scene.path

    def __getstate__(self) -> dict:
        # The kernel holds what rendering needs: a snapshot leaves the scene's objects out
        # (a million spheres would be a million Python objects to pickle and rebuild).
        return {**vars(self), "scene": dataclasses.replace(self.scene, objects=[])}

    def fingerprint(self) -> str:
        """Return a hash of what the picture depends on: camera, lights, geometry, materials.

        Two processes that ran the same scene version must agree on it; when they do not,
        the scene depends on something besides its text and seed.
        """
        h = hashlib.sha256()
        scene = self.scene
        h.update(repr((scene.width, scene.height, scene.camera.position)).encode())
        for light in scene.lights:
            h.update(repr((light._pos, light._rgb)).encode())
        h.update(self.kernel.fingerprint_bytes())
        return h.hexdigest()


def load(source: SceneSource, settings: RenderSettings) -> LoadedScene:
    """Run the scene's code and build its kernel arrays (worker processes only)."""
    from . import scene_files

    with scene_files.recording(source) as files:
        scene = load_scene(source, settings.seed, settings.load_timeout)
    try:
        kernel = SceneArrays(scene)
    except SceneError:
        raise
    except (Exception, SystemExit) as exc:
        raise from_exception(exc, source.path) from None
    return LoadedScene(scene_key(source, settings), scene, kernel, dict(files))


def snapshot(loaded: LoadedScene) -> bytes | None:
    """Return the loaded scene as bytes another process can render, or None if it cannot be.

    cloudpickle carries classes and functions the scene defined by value. A scene holding
    something that cannot travel (an open file, a lock, a generator) gives None: its other
    processes then load it themselves and must arrive at the same fingerprint.
    """
    import cloudpickle

    try:
        return cloudpickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # any pickling failure: fall back to loading per process
        return None


def restore(data: bytes) -> LoadedScene:
    """Rebuild a loaded scene from :func:`snapshot`'s bytes."""
    loaded = pickle.loads(data)
    if not isinstance(loaded, LoadedScene):
        raise TypeError(f"not a scene snapshot: {type(loaded).__name__}")
    return loaded


def frame_size(scene: Scene, settings: RenderSettings) -> tuple[int, int]:
    """Return the (width, height) a render of ``scene`` with ``settings`` produces."""
    width, height = settings.width or scene.width, settings.height or scene.height
    if settings.scale != 1:
        width = max(1, round(width * settings.scale))
        height = max(1, round(height * settings.scale))
    return width, height


def rows_per_block(width: int, samples: int = 1) -> int:
    """Rows per work unit: about one chunk of rays, at least one row."""
    return max(1, CHUNK_RAYS // max(1, width * samples * samples))


def render_rows(loaded: LoadedScene, settings: RenderSettings, y0: int, y1: int) -> np.ndarray:
    """Render rows ``y0 <= y < y1`` and return them as a (rows, width, 3) uint8 array."""
    scene = loaded.scene
    width, height = frame_size(scene, settings)
    s = settings.samples
    offsets = [(k + 0.5) / s - 0.5 for k in range(s)] if s > 1 else [0.0]
    acc = np.zeros((3, (y1 - y0) * width))
    step = max(1, CHUNK_RAYS // width)
    cols = np.arange(width, dtype=np.float64)
    for r0 in range(y0, y1, step):
        r1 = min(y1, r0 + step)
        ys = np.repeat(np.arange(r0, r1, dtype=np.float64), width)
        xs = np.tile(cols, r1 - r0)
        part = acc[:, (r0 - y0) * width : (r1 - y0) * width]
        for oy in offsets:
            for ox in offsets:
                o, d = scene.camera.rays(xs + ox, ys + oy, width, height)
                c = trace(loaded.kernel, o, d, settings.max_depth, settings.shadows)
                c *= 255
                np.clip(c, 0, 255, out=c)
                part += c
    if s > 1:
        acc /= s * s
    np.rint(acc, out=acc)
    return acc.T.astype(np.uint8).reshape(y1 - y0, width, 3)


class SceneCache:
    """Loaded scenes by :func:`scene_key`, most recently used last (thread-safe: Dask)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._scenes: OrderedDict[tuple, LoadedScene] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> LoadedScene | None:
        with self._lock:
            loaded = self._scenes.get(key)
            if loaded is not None:
                self._scenes.move_to_end(key)
            return loaded

    def put(self, loaded: LoadedScene) -> LoadedScene:
        with self._lock:
            self._scenes[loaded.key] = loaded
            self._scenes.move_to_end(loaded.key)
            while len(self._scenes) > self.size:
                self._scenes.popitem(last=False)
        return loaded

    def load(self, source: SceneSource, settings: RenderSettings) -> LoadedScene:
        """Return the cached load of this version, loading it now if this process has none."""
        return self.get(scene_key(source, settings)) or self.put(load(source, settings))


#: This process's loaded scenes.
cache = SceneCache()


def render_block(loaded: LoadedScene, settings: RenderSettings, y0: int, y1: int) -> bytes:
    """Render rows of a loaded scene: the unit any worker or cluster runs.

    Raises only SceneError: whatever scene code raises (a custom material, say) is turned
    into one naming the scene's file and line, wherever the block runs.
    """
    try:
        return render_rows(loaded, settings, y0, y1).tobytes()
    except SceneError:
        raise
    except (Exception, SystemExit) as exc:
        raise from_exception(exc, loaded.path) from None


def render_image(source: SceneSource, settings: RenderSettings) -> np.ndarray:
    """Load and render a whole frame in this process (tests, small images)."""
    loaded = cache.load(source, settings)
    _width, height = frame_size(loaded.scene, settings)
    return render_rows(loaded, settings, 0, height)
