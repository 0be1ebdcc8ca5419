"""Learn a scene's FRAMES, FPS and size by loading frame 0 in a short-lived worker process.

Scene code runs only in worker processes; the render service's workers answer only with
pixels, so the command line asks a process of its own before it plans the frames.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any

from ..errors import SceneError, from_exception
from ..kernel.render import load
from ..scene.source import SceneSource
from ..settings import RenderSettings
from .processes import start_method
from .worker import die_with_parent

#: Seconds beyond the load timeout before a probe that does not answer is killed.
GRACE = 5.0


@dataclass(frozen=True)
class Timeline:
    """What an animation is made of: its frame count, frame rate and the scene's own size
    (and frame 0's SETTINGS: tracer/scene/settings.py)."""

    frames: int
    fps: float
    width: int
    height: int
    settings: dict = field(default_factory=dict)


def might_animate(source: SceneSource) -> bool:
    """Tell whether a scene can define FRAMES at all (a still that never names it cannot)."""
    texts = [source.text, *(text for _path, text in source.modules.values())]
    return any("FRAMES" in text or "import *" in text for text in texts)


def probe(source: SceneSource, settings: RenderSettings) -> Timeline:
    """Load frame 0 of the scene in a new process; raise SceneError if it cannot load."""
    ctx: Any = mp.get_context(start_method())  # fork where no Qt is loaded: no imports to repeat
    receiver, sender = ctx.Pipe(duplex=False)
    args = (sender, source, settings, os.getpid())
    process = ctx.Process(target=_main, args=args, daemon=True)
    process.start()
    sender.close()
    try:
        limit = settings.load_timeout + GRACE
        if not wait([receiver, process.sentinel], timeout=limit):
            raise SceneError(
                f"the scene did not finish loading within {settings.load_timeout:g} s "
                "(an endless loop?)",
                source.path,
            )
        try:
            reply = receiver.recv()
        except (EOFError, OSError):
            process.join(timeout=1)
            code = process.exitcode
            how = (
                f"exit code {code}" if code is not None and code >= 0 else f"signal {-(code or 0)}"
            )
            raise SceneError(
                f"the scene ended its process while loading ({how})", source.path
            ) from None
        if isinstance(reply, SceneError):
            raise reply
        return reply
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(timeout=1)


def _main(conn, source: SceneSource, settings: RenderSettings, parent: int) -> None:
    """Load frame 0 and send back its Timeline or its SceneError (runs in the probe process)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    die_with_parent(parent)  # however the command ends, scene code stops with it
    sys.stdin = open(os.devnull)  # noqa: SIM115 - a scene's input() must not hang on our stdin
    try:
        scene = load(source, settings.with_(frame=0)).scene  # data files resolve as in a worker
        size = (scene.width, scene.height)
        reply: Timeline | SceneError = Timeline(scene.frames, scene.fps, *size, scene.settings)
    except BaseException as exc:
        reply = from_exception(exc, source.path)
    conn.send(reply)
    conn.close()
