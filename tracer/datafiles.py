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
import stat
import threading
from collections.abc import Iterator

from .errors import SceneError, caller_site

_state = threading.local()

#: The largest data file a scene may read (a bigger one would be read, hashed and shipped
#: to every worker): 512 MiB.
MAX_BYTES = 512 << 20


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
            data = read_data_file(full)
        except OSError as exc:
            raise _error(_why(exc, what, full)) from None
    if current is not None:
        current[1][full] = hashlib.sha256(data).hexdigest()
    return full, data


class NotARegularFile(OSError):
    """The path is a device, a pipe or a socket: reading it may never end."""


class TooLarge(OSError):
    """The file holds more than MAX_BYTES."""


def read_data_file(path: str) -> bytes:
    """Return a regular file's bytes, at most MAX_BYTES; raise OSError (or the two above).

    The file is checked before it is opened (opening a pipe waits for a writer; /dev/zero
    never ends) and read with a cap, in case it grows while it is read.
    """
    info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(info.st_mode):
        raise NotARegularFile(path)
    if info.st_size > MAX_BYTES:
        raise TooLarge(f"{info.st_size >> 20} MiB")
    with open(path, "rb") as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise TooLarge("it grew while it was read")
    return data


def _why(exc: OSError, what: str, full: str) -> str:
    """Say why data file ``full`` (a ``what``) could not be read."""
    if isinstance(exc, FileNotFoundError):
        return f"{what} not found: {full}"
    if isinstance(exc, IsADirectoryError):
        return f"{what} is a folder, not a file: {full}"
    if isinstance(exc, NotARegularFile):
        return f"{what} is not a regular file (a device, pipe or socket): {full}"
    if isinstance(exc, TooLarge):
        return f"{what} is too large: {full} ({exc}; at most {MAX_BYTES >> 20} MiB)"
    return f"cannot read {what} {full}: {exc.strerror or exc}"


def _error(message: str) -> SceneError:
    site = caller_site()
    return SceneError(message, *(site or (None, None)))
