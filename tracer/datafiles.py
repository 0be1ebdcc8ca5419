"""Data files a scene reads while it loads (OBJ models, images): part of the scene.

Scene APIs that take a path (``Mesh.from_obj``, ``ImageTexture``) read it with
:func:`read_scene_file`. A relative path is relative to the scene's folder. While a scene
loads, every file read is recorded with its hash, so the window watches it like a sibling
module (a save of it re-renders) and the file's bytes can travel with the scene.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Iterator

from .errors import SceneError, caller_site

_state = threading.local()


@contextlib.contextmanager
def recording(source) -> Iterator[dict[str, str]]:
    """Resolve paths against ``source``'s folder and record what is read, while loading it."""
    files: dict[str, str] = {}
    previous = getattr(_state, "current", None)
    _state.current = (source, files)
    try:
        yield files
    finally:
        _state.current = previous


def resolve(path: str | os.PathLike) -> str:
    """Return the absolute path of a scene data file (relative paths: the scene's folder)."""
    path = os.fspath(path)
    current = getattr(_state, "current", None)
    if os.path.isabs(path) or current is None:
        return os.path.abspath(path)
    return os.path.normpath(os.path.join(os.path.dirname(current[0].path), path))


def read_scene_file(path: str | os.PathLike, what: str = "file") -> tuple[str, bytes]:
    """Return (absolute path, bytes) of a data file the scene uses; record it as part of it.

    Raises SceneError at the scene line that asked for the file when it cannot be read.
    ``what`` names the file in messages ("OBJ file", "image").
    """
    full = resolve(path)
    current = getattr(_state, "current", None)
    shipped = getattr(current[0], "data", {}) if current is not None else {}
    if full in shipped:  # a cluster worker: the file travelled with the scene
        data = shipped[full]
    else:
        try:
            with open(full, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise _error(f"{what} not found: {full}") from None
        except IsADirectoryError:
            raise _error(f"{what} is a folder, not a file: {full}") from None
        except OSError as exc:
            raise _error(f"cannot read {what} {full}: {exc.strerror}") from None
    if current is not None:
        current[1][full] = hashlib.sha256(data).hexdigest()
    return full, data


def _error(message: str) -> SceneError:
    site = caller_site()
    return SceneError(message, *(site or (None, None)))
