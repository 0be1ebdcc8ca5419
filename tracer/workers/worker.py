"""The worker process: loads scenes and renders row blocks on request. Imports no Qt.

It serves the records of :mod:`tracer.workers.protocol` on its pipe: one reply per request,
until :class:`~tracer.workers.protocol.Stop` or the parent is gone.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, cast

import numpy as np

from ..errors import SceneError, from_exception
from ..kernel.render import cache, frame_size, id_dtype, render_block, restore, snapshot
from ..kernel.rerender import Reshading
from ..scene.deadline import Deadline
from ..scene.nesting import allow_deep_scenes
from .jobs import rows_text
from .loads import adopt, frame_info, objects_of, pick_pixel
from .protocol import (
    Adopt,
    Failed,
    Load,
    Loaded,
    Missing,
    Picked,
    PickPixel,
    Ready,
    RenderRows,
    Reply,
    Request,
    RowsRendered,
    Share,
    Shared,
    Stop,
    Taken,
    TakeScene,
)
from .reaper import end_group, lead_group_with_reaper
from .shared_bytes import opened, share

#: Seconds between checks that the parent is still there.
PARENT_POLL = 0.5


def quiet_numbers():
    """Silence numpy's floating-point warnings while the engine works (the scene's own code
    runs with numpy's defaults: tracer/scene/load.py).

    The kernel meets infinities and NaNs on purpose (rays that miss, parallel planes, far
    lights and huge shapes overflow to inf and lose): a warning per block printed beside the
    progress would tell the user nothing. Colours that end up NaN or infinite are refused
    with a message where they are made.
    """
    return np.errstate(all="ignore")


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


def _load(msg: Load) -> Loaded:
    loaded = cache.load(msg.source, msg.settings)
    info = frame_info(loaded, msg.settings)
    data = snapshot(loaded) if msg.share else None
    shared = None if data is None else share(data)
    fingerprint = loaded.fingerprint()
    return Loaded(msg.job, loaded.key, info, shared, fingerprint, loaded.files, objects_of(loaded))


def _share(msg: Share) -> Shared | Missing:
    loaded = cache.get(msg.key)
    if loaded is None:
        return Missing(msg.job, msg.key)
    data = snapshot(loaded)
    return Shared(msg.job, msg.key, None if data is None else share(data))


def _take(msg: TakeScene) -> Taken:
    with opened(msg.snapshot) as data:  # unpickled from the block itself: no copy first
        cache.put(restore(cast(bytes, data)))
    return Taken(msg.job, msg.key)


def _adopt(msg: Adopt) -> Taken:
    return Taken(msg.job, adopt(msg.source, msg.settings, msg.fingerprint).key)


def _rows(msg: RenderRows) -> RowsRendered | Missing:
    loaded = cache.get(msg.key)
    if loaded is None:
        return Missing(msg.job, msg.key)
    settings, y0, y1 = msg.settings, msg.y0, msg.y1
    ids: np.ndarray | None = None
    if msg.ids:
        width = frame_size(loaded.scene, settings)[0]
        ids = np.empty((y1 - y0, width), id_dtype(len(loaded.scene.objects)))
    reshade = Reshading.of(loaded, settings)  # None unless the settings keep G-buffers
    with Deadline(settings.block_timeout, _block_message(settings, y0, y1)):
        pixels = render_block(loaded, settings, y0, y1, ids, reshade)
    path = "" if reshade is None else reshade.path
    return RowsRendered(msg.job, y0, y1, pixels, None if ids is None else ids.tobytes(), path)


def _pick(msg: PickPixel) -> Picked | Missing:
    loaded = cache.get(msg.key)
    if loaded is None:
        return Missing(msg.job, msg.key)
    return Picked(msg.job, loaded.key, pick_pixel(loaded, msg.settings, msg.x, msg.y))


def _block_message(settings, y0: int, y1: int) -> str:
    return (
        f"rendering {rows_text(y0, y1)} took longer than {settings.block_timeout:g} s "
        "and was stopped (an endless loop in a material?)"
    )


_HANDLERS: dict[type, Callable[[Any], Reply]] = {
    Load: _load,
    Share: _share,
    TakeScene: _take,
    Adopt: _adopt,
    RenderRows: _rows,
    PickPixel: _pick,
}


def _run(msg: Request) -> Reply:
    try:
        with quiet_numbers():
            return _HANDLERS[type(msg)](msg)
    except SceneError as exc:
        return Failed(msg.job, exc)
    except BaseException as exc:  # scene code raised from a custom material
        path = msg.source.path if isinstance(msg, (Load, Adopt)) else None
        return Failed(msg.job, from_exception(exc, path))


def main(conn, parent_pid: int) -> None:
    """Serve requests until told to stop or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    lead_group_with_reaper()  # programs the scene starts end with this worker
    die_with_parent(parent_pid)
    guard = _ForkGuard()
    tune_allocator()
    allow_deep_scenes()
    sys.stdin = open(os.devnull)  # noqa: SIM115 - a scene's input() must not hang on our stdin
    try:
        _serve(conn, guard)
    finally:
        end_group()  # the programs the scene started end with this worker


def _serve(conn, guard: _ForkGuard) -> None:
    """Answer requests on ``conn`` until Stop, or the parent is gone."""
    conn.send(Ready(os.getpid()))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if isinstance(msg, Stop):
            return
        reply = _run(msg)
        if guard.forked():  # scene code forked and this copy came back here: not our worker
            os._exit(0)
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return
