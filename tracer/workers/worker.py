"""The worker process: loads scenes and renders row blocks on request. Imports no Qt.

Protocol on the worker's pipe (parent -> worker):
    ("load", job, source, settings)            load the scene, answer its frame size
    ("rows", job, source, settings, y0, y1)    render rows y0..y1 of the frame
    None                                       exit
Worker -> parent:
    ("ready", pid) once at start; ("loaded", job, width, height, scene_width, scene_height);
    ("rows", job, y0, y1, pixels); ("error", job, SceneError)
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

from ..errors import SceneError, from_exception
from ..render import cache, frame_size, render_block


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


def _run(msg):
    kind, job, source, settings = msg[:4]
    loaded = cache.load(source, settings)
    scene = loaded.scene
    if kind == "load":
        return ("loaded", job, *frame_size(scene, settings), scene.width, scene.height)
    y0, y1 = msg[4], msg[5]
    return ("rows", job, y0, y1, render_block(loaded, settings, y0, y1))


def main(conn, parent_pid: int) -> None:
    """Serve requests until told to stop or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    tune_allocator()
    sys.stdin = open(os.devnull)  # noqa: SIM115 - a scene's input() must not hang on our stdin
    conn.send(("ready", os.getpid()))
    while True:
        try:
            if not conn.poll(1.0):
                if os.getppid() != parent_pid:  # orphaned: the parent was killed
                    return
                continue
            msg = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if msg is None:
            return
        try:
            reply = _run(msg)
        except SceneError as exc:
            reply = ("error", msg[1], exc)
        except BaseException as exc:  # scene code raised from a custom material
            reply = ("error", msg[1], from_exception(exc, msg[2].path))
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return
