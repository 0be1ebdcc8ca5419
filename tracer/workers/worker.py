"""The worker process: loads scenes and renders row blocks on request. Imports no Qt.

Protocol on the worker's pipe; every request gets exactly one reply.
Parent -> worker:
    ("load", job, source, settings, share)     run the scene's code once; with ``share``, answer
                                               a snapshot the other workers can render
    ("scene", job, key, snapshot)              take a scene another worker loaded
    ("adopt", job, source, settings, print)    no snapshot could be made: load the scene here and
                                               check that it came out the same (its fingerprint)
    ("rows", job, key, settings, y0, y1, ids)  render rows y0..y1 of the loaded scene ``key``;
                                               with ``ids``, also its id buffer
    ("pick", job, key, settings, x, y)         trace pixel (x, y) of the loaded scene ``key``,
                                               recording its path (tracer.pick.pick)
    None                                       exit
Worker -> parent:
    ("ready", pid) once at start
    ("loaded", job, key, render.frame_info(...), snapshot, fingerprint, files, objects)
                                               objects: (class name, file, line) of each object
    ("taken", job, key)                        after "scene" and "adopt"
    ("rows", job, y0, y1, pixels, ids)         ids: bytes of render.id_dtype(objects), or None
    ("picked", job, key, pick)                 or "missing" (the scene must be loaded first)
    ("missing", job, key)                      rows of a scene this worker no longer holds
    ("error", job, SceneError)
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time

import numpy as np

from ..errors import SceneError, from_exception
from ..kernel.render import (
    LoadedScene,
    cache,
    frame_info,
    frame_size,
    id_dtype,
    render_block,
    restore,
    snapshot,
)
from ..scene.deadline import Deadline
from .jobs import rows_text

#: Why a scene that could not be shared and loaded differently twice is refused.
DIFFERENT_LOADS = (
    "the scene builds a different picture in each worker process: it depends on something "
    "besides its text and seed (unseeded randomness such as np.random.default_rng(), the "
    "clock, or a file it reads); and it holds an object that cannot be copied between "
    "processes, so it cannot be loaded once and shared"
)

#: Seconds between checks that the parent is still there.
PARENT_POLL = 0.5


def tune_allocator() -> None:
    """Keep freed memory in glibc's heap: numpy temporaries are re-allocated every chunk.

    Without this, glibc returns large blocks to the system (mmap/trim) and every chunk pays
    page faults again: measured 1.5x slower for the first frames of a fresh worker.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-1, 256 << 20)  # M_TRIM_THRESHOLD
        libc.mallopt(-2, 64 << 20)  # M_TOP_PAD
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass  # not glibc: the defaults are fine, only slower


def die_with_parent(parent_pid: int) -> None:
    """Make sure this process ends when its parent does, whatever it is computing.

    Linux sends SIGKILL on the parent's death (PR_SET_PDEATHSIG); everywhere a daemon thread
    also checks the parent id, which runs even while the main thread is inside scene code.
    """
    _set_pdeathsig()
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL)
        os._exit(1)

    threading.Thread(target=watch, name="puray-parent-watch", daemon=True).start()


def _set_pdeathsig() -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class _ForkGuard:
    """Keep processes that scene code forks off our pipe; they die with this worker."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_set_pdeathsig)

    def forked(self) -> bool:
        return os.getpid() != self.pid


def _load(msg):
    _kind, job, source, settings, share = msg
    loaded = cache.load(source, settings)
    size = frame_info(loaded, settings)
    data = snapshot(loaded, source) if share else None
    fingerprint = loaded.fingerprint() if share and data is None else None
    return ("loaded", job, loaded.key, size, data, fingerprint, loaded.files, _objects(loaded))


def _objects(loaded: LoadedScene) -> tuple:
    """Name every object of the scene as (class name, file, line) for the window's hover."""
    named = []
    for obj in loaded.scene.objects:
        file, line = getattr(obj, "_site", None) or (None, 0)
        named.append((type(obj).__name__, file, line))
    return tuple(named)


def _take(msg):
    _kind, job, key, data = msg
    loaded = restore(data)
    cache.put(loaded)
    return ("taken", job, key)


def _adopt(msg):
    _kind, job, source, settings, fingerprint = msg
    loaded = cache.load(source, settings)
    if loaded.fingerprint() != fingerprint:
        raise SceneError(DIFFERENT_LOADS, source.path)
    return ("taken", job, loaded.key)


def _rows(msg):
    _kind, job, key, settings, y0, y1, want_ids = msg
    loaded = cache.get(key)
    if loaded is None:
        return ("missing", job, key)
    ids = None
    if want_ids:
        width = frame_size(loaded.scene, settings)[0]
        ids = np.empty((y1 - y0, width), id_dtype(len(loaded.scene.objects)))
    with Deadline(settings.block_timeout, _block_message(settings, y0, y1)):
        pixels = render_block(loaded, settings, y0, y1, ids)
    return ("rows", job, y0, y1, pixels, None if ids is None else ids.tobytes())


def _pick(msg):
    from ..pick.pick import OffFrame, pick  # only picking needs it (its dataclasses cost ~3 ms)

    _kind, job, key, settings, x, y = msg
    loaded = cache.get(key)
    if loaded is None:
        return ("missing", job, key)
    message = (
        f"picking pixel ({x}, {y}) took longer than {settings.block_timeout:g} s "
        "and was stopped (an endless loop in a material?)"
    )
    with Deadline(settings.block_timeout, message):
        try:
            picked = pick(loaded, settings, x, y)
        except SceneError:
            raise
        except OffFrame as exc:
            raise SceneError(str(exc), loaded.path) from None
        except Exception as exc:  # scene code raised from a custom material
            raise from_exception(exc, loaded.path) from None
    return ("picked", job, loaded.key, picked)


def _block_message(settings, y0: int, y1: int) -> str:
    return (
        f"rendering {rows_text(y0, y1)} took longer than {settings.block_timeout:g} s "
        "and was stopped (an endless loop in a material?)"
    )


_HANDLERS = {"load": _load, "scene": _take, "adopt": _adopt, "rows": _rows, "pick": _pick}


def _run(msg):
    try:
        return _HANDLERS[msg[0]](msg)
    except SceneError as exc:
        return ("error", msg[1], exc)
    except BaseException as exc:  # scene code raised from a custom material
        path = msg[2].path if msg[0] in ("load", "adopt") else None
        return ("error", msg[1], from_exception(exc, path))


def main(conn, parent_pid: int) -> None:
    """Serve requests until told to stop or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    die_with_parent(parent_pid)
    guard = _ForkGuard()
    tune_allocator()
    sys.stdin = open(os.devnull)  # noqa: SIM115 - a scene's input() must not hang on our stdin
    conn.send(("ready", os.getpid()))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if msg is None:
            return
        reply = _run(msg)
        if guard.forked():  # scene code forked and this copy came back here: not our worker
            os._exit(0)
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return
