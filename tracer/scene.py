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
import importlib.abc
import importlib.util
import linecache
import math
import os
import random
import signal
import sys
import threading
import time
import types
from dataclasses import dataclass, field

import numpy as np

from . import _puray
from .cameras import Camera, PurayCamera
from .errors import SceneError, finite_xyz, from_exception
from .geometry import prepare_all
from .settings import MAX_SIDE
from .shading.lights import Light


@dataclass(frozen=True)
class SceneSource:
    """A scene file's text plus the sibling modules it imports (name -> (path, text))."""

    path: str
    text: str
    modules: dict = field(default_factory=dict)

    @functools.cached_property
    def digest(self) -> str:
        """A hash of every text and path: the key under which workers cache the scene."""
        h = hashlib.sha256(self.path.encode() + b"\0" + self.text.encode())
        for name in sorted(self.modules):
            path, text = self.modules[name]
            h.update(f"\0{name}\0{path}\0".encode() + text.encode())
        return h.hexdigest()

    @property
    def files(self) -> list[str]:
        """Every file this scene is made of (to watch for changes)."""
        return [self.path] + [p for p, _ in self.modules.values()]

    @classmethod
    def from_path(cls, path: str | os.PathLike) -> SceneSource:
        """Read a scene and the sibling modules it imports; raise SceneError if unreadable."""
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
        return cls(path, text, modules)


def _read(path: str) -> str:
    if not os.path.exists(path):
        raise SceneError("scene file not found", path)
    if not os.path.isfile(path):
        raise SceneError("not a file (expected a .py scene file)", path)
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except UnicodeDecodeError as exc:
        raise SceneError(f"not a UTF-8 text file ({exc.reason})", path) from None
    except OSError as exc:
        raise SceneError(f"cannot read the file: {exc.strerror}", path) from None


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


class _SourceFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serve Puray's module names and the scene's shipped sibling modules."""

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


def seed_everything(seed: int) -> None:
    """Seed every random source a scene may use, identically in every process."""
    random.seed(seed)
    np.random.seed(seed % 2**32)


#: Loading swaps sys.modules entries: one load at a time per process (Dask uses threads).
_LOAD_LOCK = threading.Lock()


def load_scene(source: SceneSource, seed: int = 0, timeout: float = 10.0) -> Scene:
    """Run a scene's code and validate what it defines; raise SceneError naming file and line."""
    with _LOAD_LOCK:
        seed_everything(seed)
        namespace = _execute(source, timeout)
        return _build(source, namespace)


def _execute(source: SceneSource, timeout: float) -> dict:
    module = types.ModuleType("__scene__")
    module.__file__ = source.path
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
    alarm = _Alarm(timeout)
    try:
        with alarm:
            code = compile(source.text, source.path, "exec", dont_inherit=True)
            exec(code, module.__dict__)
    except _Timeout as exc:
        err = from_exception(exc, source.path)
        raise SceneError(
            f"the scene did not finish loading within {timeout:g} s (an endless loop?)",
            err.filename,
            err.lineno,
            err.frames,
        ) from None
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


class _Alarm:
    """Interrupt scene code that runs longer than ``timeout`` seconds.

    In a main thread a SIGALRM timer does it (it also stops loops inside C calls such as
    time.sleep); elsewhere (Dask runs tasks in threads) a trace function checks the clock on
    every line of Python, which catches the endless loops scenes actually have.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.use_signal = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )

    def __enter__(self):
        if self.use_signal:
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
        else:
            self.deadline = time.monotonic() + self.timeout
            self.previous = sys.gettrace()
            sys.settrace(self._trace)
        return self

    def __exit__(self, *exc) -> None:
        if self.use_signal:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        else:
            sys.settrace(self.previous)

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
        for obj in objects:
            _check_material(obj)
    with _located(source, lines, "LIGHTS"):
        for light in lights:
            _check_light(light)
    return Scene(
        source.path,
        size["WIDTH"],
        size["HEIGHT"],
        camera,
        list(objects),
        list(lights),
        ns.get("RENDERED_IMG"),
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


def _check_material(obj) -> None:
    get = getattr(obj, "materials", None)  # CSG: every solid's own material
    for m in get() if get is not None else [obj.material]:
        _check_one_material(m)


def _check_one_material(m) -> None:
    for name in ("ambient", "diffuse", "specular", "reflection"):
        value = getattr(m, name, None)
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise _site_error(m, f"material {name} must be a finite number, got {value!r}")
    for name in ("color", "color1", "color2"):
        color = getattr(m, name, None)
        if color is not None and not _finite_color(color):
            raise _site_error(m, f"material {name} must be a Color, got {color!r}")


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
