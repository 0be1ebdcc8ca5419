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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from .. import datafiles as scene_files
from ..accel.aggregates import Aggregate
from ..errors import SceneError, from_exception
from ..scene.load import Scene, SceneSource, load_scene
from ..settings import RenderSettings
from . import pickling
from .diff import describe, shapes_digest
from .offsets import puray_among
from .pixels import CHUNK_RAYS as CHUNK_RAYS  # the sample loop's names, as they always were
from .pixels import FIXED as FIXED
from .pixels import camera_and_kernel as camera_and_kernel
from .pixels import frame_size as frame_size
from .pixels import render_rows as render_rows
from .pixels import resolve as resolve
from .pixels import sample_sums as sample_sums
from .rerender import reusing
from .scene_arrays import SceneArrays

#: Scenes with more objects travel to other workers without their Python objects.
SNAPSHOT_OBJECTS = 20_000

#: Loaded scenes a process keeps (the live window alternates between a few versions).
CACHE_SIZE = 4


def scene_key(source: SceneSource, settings: RenderSettings) -> tuple:
    """Return what identifies one load of a scene: its content, seed and frame it ran with."""
    return (source.digest, settings.seed, settings.frame)


@dataclass
class LoadedScene:
    """One run of a scene's code, ready to render: the scene plus the kernel's arrays."""

    key: tuple
    scene: Scene
    kernel: SceneArrays
    #: Data files the scene read while loading (OBJ models, images): path -> SHA-256.
    files: dict = field(default_factory=dict)
    #: Its source defines no code (classes, functions) of its own: a plain pickle carries it.
    plain: bool = False
    #: What its picture depends on, as digests (kernel/diff.py; None: not described yet).
    parts: object = None
    _fingerprint: str | None = field(default=None, init=False, repr=False)

    @property
    def path(self) -> str:
        return self.scene.path

    def __getstate__(self) -> dict:
        # The kernel holds what rendering needs. A snapshot of a huge scene leaves the scene's
        # objects out (a million spheres would be a million Python objects to pickle and
        # rebuild); smaller ones keep them, so that a pick names every object's line.
        if len(self.scene.objects) <= SNAPSHOT_OBJECTS:
            return dict(vars(self))
        return {**vars(self), "scene": dataclasses.replace(self.scene, objects=[])}

    def fingerprint(self) -> str:
        """Return a hash of what the picture depends on: camera, lights, geometry, materials.

        Two processes that ran the same scene version must agree on it; when they do not,
        the scene depends on something besides its text and seed. Computed once per load.
        """
        if self._fingerprint is None:
            self._fingerprint = self._hash()
        return self._fingerprint

    def _hash(self) -> str:
        h = hashlib.sha256()
        scene = self.scene
        h.update(repr((scene.width, scene.height, scene.camera.position)).encode())
        for light in scene.lights:
            h.update(repr((light._pos, light._rgb)).encode())
        h.update(self.kernel.fingerprint_bytes())
        return h.hexdigest()


def load(source: SceneSource, settings: RenderSettings) -> LoadedScene:
    """Run the scene's code and build its kernel arrays (worker processes only)."""
    with scene_files.recording(source) as files:
        scene = load_scene(source, settings.seed, settings.load_timeout, settings.frame)
    shapes, aggregates = None, cast(Callable, Aggregate)
    if settings.reshade_cache_mb:  # the window's: kept for re-shading, built once if same
        shapes = shapes_digest(scene.objects)
        aggregates = reusing([old for old in cache.loads() if old.path == source.path], shapes)
    try:
        kernel = SceneArrays(scene, puray_among(source.imports), aggregates)
    except SceneError:
        raise
    except (Exception, SystemExit) as exc:
        raise from_exception(exc, source.path) from None
    key = scene_key(source, settings)
    loaded = LoadedScene(key, scene, kernel, dict(files), plain=not _defines_code(source))
    if settings.reshade_cache_mb:
        loaded.parts = describe(loaded, shapes) or False
    return loaded


def snapshot(loaded: LoadedScene, source: SceneSource | None = None) -> bytes | None:
    """Return the loaded scene as bytes another process can render, or None if it cannot be.

    cloudpickle carries classes and functions the scene defined by value. A scene whose
    source (``source``, else the one it was loaded from) defines none and imports no sibling
    module pickles plainly, as it would (importing cloudpickle costs ~9 ms of a fresh
    worker's first load). A scene holding something that cannot travel (an open file, a
    lock, a generator) gives None: its other processes then load it themselves and must
    arrive at the same fingerprint.
    """
    if loaded.plain if source is None else not _defines_code(source):
        try:
            return pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # let cloudpickle decide
            pass
    try:
        return pickling.dumps(loaded)  # cloudpickle, code keeping its files (for errors)
    except Exception:  # any pickling failure: fall back to loading per process
        return None


def _defines_code(source: SceneSource) -> bool:
    """Tell whether a scene may define classes or functions (or import modules of its own)."""
    return bool(source.modules) or any(w in source.text for w in ("class ", "def ", "lambda"))


def restore(data: bytes) -> LoadedScene:
    """Rebuild a loaded scene from :func:`snapshot`'s bytes."""
    loaded = pickle.loads(data)
    if not isinstance(loaded, LoadedScene):
        raise TypeError(f"not a scene snapshot: {type(loaded).__name__}")
    return loaded


def rows_per_block(width: int, rays_per_pixel: int = 1) -> int:
    """Rows per work unit: about one chunk of rays, at least one row.

    A block traces its rows once per sample, so a block of many samples has few rows and
    narrow kernel calls (a 1-row block of 480 pixels traced 117k samples/s, 8 rows 400k, on
    depth_of_field.py): the window refines in passes of at most 8 samples.
    """
    return max(1, CHUNK_RAYS // max(1, width * rays_per_pixel))


def id_dtype(objects: int) -> type:
    """Return the smallest signed integer type for object ids -1..objects-1 (for the pipes)."""
    for kind in (np.int8, np.int16):
        if objects <= np.iinfo(kind).max:
            return kind
    return np.int32


def read_ids(data: bytes, rows: int, width: int) -> np.ndarray:
    """Return id buffer bytes (of any :func:`id_dtype`) as a (rows, width) int32 array."""
    kind = {1: np.int8, 2: np.int16, 4: np.int32}[len(data) // max(1, rows * width)]
    return np.frombuffer(data, kind).reshape(rows, width).astype(np.int32)


class SceneCache:
    """Loaded scenes by :func:`scene_key`, most recently used last (thread-safe: Dask)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._scenes: OrderedDict[tuple, LoadedScene] = OrderedDict()
        self._lock = threading.Lock()

    def loads(self) -> list[LoadedScene]:
        """Return the loaded scenes kept, least recently used first."""
        with self._lock:
            return list(self._scenes.values())

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


def render_block(
    loaded: LoadedScene,
    settings: RenderSettings,
    y0: int,
    y1: int,
    ids: np.ndarray | None = None,
    reshade=None,
) -> bytes:
    """Render rows of a loaded scene: the unit any worker or cluster runs.

    Raises only SceneError: whatever scene code raises (a custom material, say) is turned
    into one naming the scene's file and line, wherever the block runs. ``ids``: see
    :func:`render_rows`. With ``settings.sample_range`` the bytes are :func:`sample_sums`.
    ``reshade``: a rerender.Reshading, to re-shade from (and keep) this process's G-buffers.
    """
    try:
        if settings.sample_range is not None:
            k0, k1 = settings.sample_range
            return sample_sums(loaded, settings, y0, y1, k0, k1, ids, reshade).tobytes()
        return render_rows(loaded, settings, y0, y1, ids, reshade).tobytes()
    except SceneError:
        raise
    except (Exception, SystemExit) as exc:
        raise from_exception(exc, loaded.path) from None


def render_image(source: SceneSource, settings: RenderSettings) -> np.ndarray:
    """Load and render a whole frame in this process (tests, small images)."""
    loaded = cache.load(source, settings)
    _width, height = frame_size(loaded.scene, settings)
    return render_rows(loaded, settings, 0, height)
