"""Load scene files: Python modules with WIDTH, HEIGHT, CAMERA, OBJECTS and LIGHTS.

A scene travels as a :class:`SceneSource` (its text and the texts of the sibling modules
it imports), so the process that runs it needs no shared filesystem and never sees a stale
module cache. Loading runs user code: only worker processes call :func:`load_scene`.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import importlib.util
import io
import linecache
import math
import os
import signal
import sys
import threading
import time
import tokenize
import types
from dataclasses import dataclass, field

import numpy as np

from . import _puray
from .animation import frames as animation
from .cameras import Camera, PurayCamera
from .errors import SceneError, finite_xyz, from_exception
from .geometry import prepare_all
from .seeding import seeded
from .settings import MAX_SIDE
from .shading.background import Background, as_background
from .shading.lights import Light
from .shading.textures import is_texture


@dataclass(frozen=True)
class SceneSource:
    """A scene file's text, the sibling modules it imports (name -> (path, text)) and the
    data files it reads (path -> bytes: OBJ models, images), as far as they are known."""

    path: str
    text: str
    modules: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)

    @functools.cached_property
    def digest(self) -> str:
        """A hash of every text, data file and path: the key of one version of the scene."""
        h = hashlib.sha256(self.path.encode() + b"\0" + self.text.encode())
        for name in sorted(self.modules):
            path, text = self.modules[name]
            h.update(f"\0{name}\0{path}\0".encode() + text.encode())
        for path in sorted(self.data):
            h.update(f"\0{path}\0".encode() + hashlib.sha256(self.data[path]).digest())
        return h.hexdigest()

    @property
    def files(self) -> list[str]:
        """Every file this scene is made of (to watch for changes)."""
        return [self.path, *(p for p, _ in self.modules.values()), *self.data]

    @classmethod
    def from_path(cls, path: str | os.PathLike, data_files=()) -> SceneSource:
        """Read a scene, the sibling modules it imports and ``data_files`` it is known to read.

        Raises SceneError if the scene is unreadable; a data file that cannot be read is left
        out (loading the scene then reports it at the line that reads it).
        """
        path = os.path.abspath(os.fspath(path))
        text = _read(path)
        modules: dict[str, tuple[str, str]] = {}
        folder = os.path.dirname(path)
        pending = [(path, text)]
        while pending:
            _file, source = pending.pop()
            for name in _imported_names(source):
                sibling = os.path.join(folder, name + ".py")
                if name in modules or name in _puray.MODULES or not os.path.isfile(sibling):
                    continue
                sibling_text = _read(sibling)
                modules[name] = (sibling, sibling_text)
                pending.append((sibling, sibling_text))
        return cls(path, text, modules, _read_data(data_files))


def _read_data(paths) -> dict[str, bytes]:
    data = {}
    for path in paths:
        with contextlib.suppress(OSError), open(path, "rb") as f:
            data[os.path.abspath(path)] = f.read()
    return data


def _read(path: str) -> str:
    if not os.path.exists(path):
        raise SceneError("scene file not found", path)
    if not os.path.isfile(path):
        raise SceneError("not a file (expected a .py scene file)", path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise SceneError(f"cannot read the file: {exc.strerror}", path) from None
    return decode_source(data, path)


_NOT_TEXT = (
    "not a {encoding} text file (a '# -*- coding: NAME -*-' first line names another encoding)"
)


def decode_source(data: bytes, path: str) -> str:
    """Decode a Python file the way Python does: a UTF-8 BOM or a PEP 263 coding line."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # an unknown coding, a BOM that contradicts it, bad bytes
        if "invalid or missing encoding" in exc.msg:
            raise SceneError(_NOT_TEXT.format(encoding="UTF-8"), path) from None
        raise SceneError(f"cannot decode the file: {exc.msg}", path, exc.lineno) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise SceneError(_NOT_TEXT.format(encoding=encoding), path) from None
    # utf-8-sig strips the BOM; newlines as Python reads them (compile takes \n only)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _imported_names(text: str) -> set[str]:
    """Top-level module names a source imports (unparsable sources import nothing)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@dataclass
class Scene:
    """A loaded, validated scene ready to render."""

    path: str
    width: int
    height: int
    camera: Camera
    objects: list
    lights: list
    rendered_img: str | None = None
    frame: int = 0  # the FRAME this load ran with
    frames: int = 1  # the scene's FRAMES (1: a still)
    fps: float = 24.0  # the scene's FPS
    #: What rays that hit nothing see; None: black, as in Puray.
    background: Background | None = None


class _SourceFinder:
    """Serve Puray's module names and the scene's shipped sibling modules (a meta path
    finder and loader; importlib.abc, their base classes, costs ~4 ms to import)."""

    def __init__(self, source: SceneSource) -> None:
        self.source = source

    def find_spec(self, fullname, path=None, target=None):
        if fullname in self.source.modules:
            file = self.source.modules[fullname][0]
            return importlib.util.spec_from_file_location(fullname, file, loader=self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        file, text = self.source.modules[module.__name__]
        _remember_lines(file, text)
        exec(compile(text, file, "exec", dont_inherit=True), module.__dict__)


def _remember_lines(file: str, text: str) -> None:
    linecache.cache[file] = (len(text), None, text.splitlines(True), file)


class _Timeout(BaseException):
    """Raised inside a scene that takes too long to load (a BaseException: scenes can't eat it)."""


#: Loading swaps sys.modules entries: one load at a time per process (Dask uses threads).
_LOAD_LOCK = threading.Lock()


def load_scene(source: SceneSource, seed: int = 0, timeout: float = 10.0, frame: int = 0) -> Scene:
    """Run a scene's code and validate what it defines; raise SceneError naming file and line.

    The scene runs with ``FRAME = frame`` and ``T = frame / FRAMES`` in its globals, FRAMES
    being what the scene itself defines (see :mod:`tracer.animation.frames` for the rule).
    """
    with _LOAD_LOCK:

        def run(frame: int, frames: int) -> dict:
            with seeded(seed):  # every frame alike: random layouts stay put
                return _execute(source, timeout, {"FRAME": frame, "T": frame / frames})

        namespace, frames = animation.run_frame(source, seed, frame, run)
        scene = _build(source, namespace)
        scene.frame, scene.frames = frame, frames
        scene.fps = animation.read_fps(source, namespace)
        return scene


def _execute(source: SceneSource, timeout: float, given: dict) -> dict:
    module = types.ModuleType("__scene__")
    module.__file__ = source.path
    module.__dict__.update(given)
    _remember_lines(source.path, source.text)
    saved = {name: sys.modules.get(name) for name in [*_puray.MODULES, *source.modules]}
    sys.modules.update(_puray.MODULES)
    for name in source.modules:
        sys.modules.pop(name, None)
    finder = _SourceFinder(source)
    sys.meta_path.insert(0, finder)
    folder = os.path.dirname(source.path)
    sys.path.insert(0, folder)
    before = set(sys.modules)
    message = f"the scene did not finish loading within {timeout:g} s (an endless loop?)"
    try:
        with Deadline(timeout, message, source.path):
            code = compile(source.text, source.path, "exec", dont_inherit=True)
            exec(code, module.__dict__)
    except SceneError:
        raise
    except BaseException as exc:
        raise from_exception(exc, source.path) from None
    finally:
        sys.meta_path.remove(finder)
        if sys.path and sys.path[0] == folder:
            del sys.path[0]
        for name in set(sys.modules) - before:  # modules from the scene's folder: never cache
            file = getattr(sys.modules[name], "__file__", None) or ""
            if os.path.dirname(os.path.abspath(file)) == folder:
                del sys.modules[name]
        for name, old in saved.items():
            if old is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = old
    return module.__dict__


class Deadline:
    """Stop the code in the ``with`` block after ``seconds``: a SceneError with ``message``.

    The error names the innermost line of scene code that was running. In a main thread a
    SIGALRM timer does it (it also stops loops inside C calls such as time.sleep); elsewhere
    (Dask runs tasks in threads) a trace function checks the clock on every line of Python,
    which catches the endless loops scenes actually have.
    """

    def __init__(self, seconds: float, message: str, fallback_file: str | None = None) -> None:
        self.seconds = seconds
        self.message = message
        self.fallback_file = fallback_file
        self.use_signal = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )

    def __enter__(self):
        if self.use_signal:
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        else:
            self.deadline = time.monotonic() + self.seconds
            self.previous = sys.gettrace()
            sys.settrace(self._trace)
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if self.use_signal:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        else:
            sys.settrace(self.previous)
        if isinstance(exc, _Timeout):
            where = from_exception(exc, self.fallback_file)
            raise SceneError(self.message, where.filename, where.lineno, where.frames) from None

    @staticmethod
    def _fire(signum, frame):
        raise _Timeout()

    def _trace(self, frame, event, arg):
        if time.monotonic() > self.deadline:
            raise _Timeout()
        return self._trace


_REQUIRED = ("WIDTH", "HEIGHT", "CAMERA", "OBJECTS", "LIGHTS")


def _assignment_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for node in ast.parse(text).body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                lines[target.id] = node.lineno
    return lines


def _build(source: SceneSource, ns: dict) -> Scene:
    lines = _assignment_lines(source.text)

    def fail(name: str, message: str) -> SceneError:
        return SceneError(message, source.path, lines.get(name))

    missing = [name for name in _REQUIRED if name not in ns]
    if missing:
        raise SceneError(
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not defined "
            "(a scene defines WIDTH, HEIGHT, CAMERA, OBJECTS and LIGHTS)",
            source.path,
        )
    size = {}
    for name in ("WIDTH", "HEIGHT"):
        value = ns[name]
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise fail(name, f"{name} must be a whole number of pixels, got {value!r}")
        if not 1 <= value <= MAX_SIDE:
            raise fail(name, f"{name} must be from 1 to {MAX_SIDE} pixels, got {value}")
        size[name] = int(value)
    camera = ns["CAMERA"]
    if not isinstance(camera, Camera):
        camera = PurayCamera(camera, site=(source.path, lines.get("CAMERA", 0)))
    objects, lights = ns["OBJECTS"], ns["LIGHTS"]
    for name, value in (("OBJECTS", objects), ("LIGHTS", lights)):
        if not isinstance(value, (list, tuple)):
            raise fail(name, f"{name} must be a list, got {type(value).__name__}")
    with _located(source, lines, "CAMERA"):
        camera.prepare()
    with _located(source, lines, "OBJECTS"):
        prepare_all(objects)
        _check_materials(objects)
    with _located(source, lines, "LIGHTS"):
        for light in lights:
            _check_light(light)
    with _located(source, lines, "BACKGROUND"):
        background = as_background(ns.get("BACKGROUND"))
    return Scene(
        source.path,
        size["WIDTH"],
        size["HEIGHT"],
        camera,
        list(objects),
        list(lights),
        ns.get("RENDERED_IMG"),
        background=background,
    )


@contextlib.contextmanager
def _located(source: SceneSource, lines: dict[str, int], name: str):
    """Give errors that know no place of their own the line where ``name`` is assigned."""
    try:
        yield
    except SceneError as exc:
        if exc.filename is None:
            raise SceneError(exc.message, source.path, lines.get(name)) from None
        raise


def _site_error(obj, message: str) -> SceneError:
    site = getattr(obj, "_site", None)
    return SceneError(message, *(site or (None, None)))


def _check_materials(objects) -> None:
    """Check every distinct material once (a million spheres often share a handful)."""
    seen: set[int] = set()
    for obj in objects:
        get = getattr(obj, "materials", None)  # CSG: every solid's own material
        if get is None:
            m = obj.material
            if id(m) not in seen:
                seen.add(id(m))
                _check_one_material(m)
            continue
        for m in get():
            if id(m) not in seen:
                seen.add(id(m))
                _check_one_material(m)


def _check_one_material(m) -> None:
    for name in ("ambient", "diffuse", "specular", "reflection"):
        value = getattr(m, name, None)
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise _site_error(m, f"material {name} must be a finite number, got {value!r}")
    for name in ("color", "color1", "color2"):
        color = getattr(m, name, None)
        if color is not None and not (_finite_color(color) or is_texture(color)):
            raise _site_error(m, f"material {name} must be a Color or a texture, got {color!r}")


def _finite_color(color) -> bool:
    try:
        return all(math.isfinite(float(c)) for c in (color.x, color.y, color.z))
    except (AttributeError, TypeError, ValueError):
        return False


def _check_light(light) -> None:
    if not isinstance(light, Light):
        raise SceneError(f"LIGHTS holds {light!r}, which is not a Light")
    site = getattr(light, "_site", None)
    light._pos = finite_xyz(light.position, "Light position", site, "Point")
    if not _finite_color(light.color):
        raise _site_error(light, f"Light color must be a Color, got {light.color!r}")
    light._rgb = (float(light.color.x), float(light.color.y), float(light.color.z))
