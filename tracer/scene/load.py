"""Load scene files: Python modules with WIDTH, HEIGHT, CAMERA, OBJECTS and LIGHTS.

A scene travels as a :class:`SceneSource` (source.py: its text and the texts of the
sibling modules it imports), so the process that runs it needs no shared filesystem and never
sees a stale module cache. Loading runs user code: only worker processes call
:func:`load_scene`, which runs the code under a :class:`Deadline` (deadline.py) and checks
what it defines (build.py).
"""

from __future__ import annotations

import importlib.util
import linecache
import os
import sys
import threading
import types

import numpy as np

from ..errors import SceneError, from_exception
from . import frames as animation
from . import puray_modules as _puray
from .build import Scene, build
from .deadline import Deadline
from .nesting import allow_deep_scenes
from .seeding import seeded
from .source import SceneSource, decode_source

__all__ = ["Deadline", "Scene", "SceneSource", "decode_source", "load_scene"]


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


#: Loading swaps sys.modules entries: one load at a time per process (Dask uses threads).
_LOAD_LOCK = threading.Lock()


def load_scene(source: SceneSource, seed: int = 0, timeout: float = 10.0, frame: int = 0) -> Scene:
    """Run a scene's code and validate what it defines; raise SceneError naming file and line.

    The scene runs with ``FRAME = frame`` and ``T = frame / FRAMES`` in its globals, FRAMES
    being what the scene itself defines (see :mod:`tracer.scene.frames` for the rule). The
    process's recursion limit is raised so that the scene renders here, nested up to the
    limit, as it does on workers (:func:`tracer.scene.nesting.allow_deep_scenes`).
    """
    allow_deep_scenes()
    with _LOAD_LOCK:

        def run(frame: int, frames: int) -> dict:
            with seeded(seed):  # every frame alike: random layouts stay put
                return _execute(source, timeout, {"FRAME": frame, "T": frame / frames})

        namespace, frames = animation.run_frame(source, seed, frame, run)
        scene = build(source, namespace)
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
            # numpy's defaults for the scene's code, as when python runs it (the worker
            # silences the engine's own warnings)
            with np.errstate(divide="warn", over="warn", under="ignore", invalid="warn"):
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
