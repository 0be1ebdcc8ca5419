"""``tracer.render``: render a scene file (or scene text) to a Picture, on worker processes.

Scene code runs in a render service's worker processes, as in ``puray render`` and the window,
so the pixels are ``puray render``'s and a scene that loops forever, exits or crashes costs an
error message, never the notebook's kernel.
"""

from __future__ import annotations

import os
import threading
from dataclasses import fields
from typing import TYPE_CHECKING

import numpy as np

from ..errors import Frame, SceneError
from ..kernel.made import slowest
from ..output.metadata import export_metadata
from ..scene.source import SceneSource
from ..settings import RenderSettings
from ..workers.events import Event, JobFailed, JobFinished, JobStarted, RowsReady
from ..workers.router import EventRouter
from .picture import Picture

if TYPE_CHECKING:
    from ..workers.backend import RenderBackend
    from ..workers.service import RenderService

#: The name scene text (rather than a file) goes by in messages; it "lives" in the current folder.
TEXT_NAME = "<scene>"
#: Traceback frames of the scene's own code kept in an error (the innermost), as puray render.
MAX_FRAMES = 5
#: Setting names render() takes besides RenderSettings' own field names.
ALIASES = {"depth": "max_depth"}


def render(
    scene: str | os.PathLike,
    width: int | None = None,
    height: int | None = None,
    *,
    processes: int | None = None,
    **settings,
) -> Picture:
    """Render a scene to a :class:`Picture` (shown inline in Jupyter).

    ``scene`` is a scene file's path, or a scene's Python text (a string with a line break),
    which runs as if saved in the current folder. ``width`` and ``height`` default to the
    scene's WIDTH and HEIGHT. ``settings`` are :class:`RenderSettings` names: ``samples``
    (anti-aliasing, S x S per pixel), ``shadows``, ``depth`` (or ``max_depth``), ``seed``,
    ``frame`` (of an animated scene), ``load_timeout``, ``block_timeout``. ``processes``
    worker processes render it (default: one per CPU); they end when the picture is done.

    Raises SceneError, naming the scene file and line as ``puray render`` does, when the scene
    cannot be loaded or rendered; ValueError or TypeError for a bad or unknown setting.
    """
    chosen = settings_for(width, height, settings)
    source, shown = scene_source(scene)
    with start_service(processes) as service:
        return render_on(service, source, chosen, shown)


def settings_for(width: int | None, height: int | None, given: dict) -> RenderSettings:
    """Return the RenderSettings of render()'s arguments; TypeError names an unknown one."""
    known = {f.name for f in fields(RenderSettings)} - {"width", "height"}
    chosen: dict = {}
    for name, value in given.items():
        field = ALIASES.get(name, name)
        if field not in known:
            names = ", ".join(sorted(known | set(ALIASES)))
            raise TypeError(f"unknown setting {name!r}; the settings are: {names}")
        if field in chosen:
            raise TypeError("depth and max_depth are one setting: give one of them, not both")
        chosen[field] = value
    return RenderSettings(width=width, height=height, **chosen)


def scene_source(scene: str | os.PathLike) -> tuple[SceneSource, Shown]:
    """Read a scene path, or take scene text; return it and how messages name its files."""
    if isinstance(scene, str) and "\n" in scene:
        path = os.path.join(os.getcwd(), TEXT_NAME)
        return SceneSource(path, scene.replace("\r\n", "\n")), Shown(TEXT_NAME)
    if not isinstance(scene, (str, os.PathLike)):
        raise TypeError(f"scene must be a path or scene text, got {type(scene).__name__}")
    shown = Shown(os.fspath(scene))
    try:
        return SceneSource.from_path(scene), shown
    except SceneError as exc:
        raise shown_error(exc, shown) from None


def render_on(
    service: RenderBackend,
    source: SceneSource,
    settings: RenderSettings,
    shown: Shown,
    stop: threading.Event | None = None,
) -> Picture:
    """Render one frame of ``source`` on a running ``service``; return it as a Picture.

    Raises InterruptedError, dropping the render, once ``stop`` is set.
    """
    frame = _Frame()
    router = EventRouter(service)
    job = service.submit(source, settings)
    router.watch(job, frame.take)
    try:
        while frame.seconds is None:
            router.wait(0.1)
            if frame.error is not None:
                raise shown_error(frame.error, shown)
            if stop is not None and stop.is_set():
                raise InterruptedError("the render was stopped")
    finally:
        router.cancel(job)  # on an error or an interrupt: drop the blocks not yet rendered
    started = frame.started
    assert started is not None
    size = (started.width, started.height)
    animated = started.frames > 1  # its metadata names the frame, as `puray render --frame`
    metadata = export_metadata(
        source,
        settings,
        size,
        frame=settings.frame if animated else None,
        total=started.frames,
        seconds=frame.seconds,
    )
    files = (*source.files, *(f for f in started.files if f not in source.files))
    return Picture(frame.pixels(), metadata, files, made=frame.made)


def shown_error(error: Exception, shown: Shown) -> Exception:
    """Return a scene's error with its files named as ``puray render`` names them."""
    if not isinstance(error, SceneError):
        return error
    frames = tuple(
        Frame(shown.path(f.filename), f.lineno, f.name, f.line) for f in error.frames[-MAX_FRAMES:]
    )
    filename = shown.path(error.filename) if error.filename else shown.scene
    return SceneError(error.message, filename, error.lineno, frames)


def start_service(processes: int | None) -> RenderService:
    """Start local workers: forked where that is safe (no other threads), else spawned."""
    # imported here: `import tracer` (every worker, every scene) stays light
    from ..workers.processes import cpu_count, start_method
    from ..workers.service import RenderService

    method = start_method() if threading.active_count() == 1 else "spawn"
    return RenderService(processes or cpu_count(), start_method=method)


class Shown:
    """Name files as the user typed the scene's, or relative to the current folder (as
    ``puray render`` does)."""

    def __init__(self, scene: str) -> None:
        self.scene, self.scene_abs = scene, os.path.abspath(scene)

    def path(self, path: str) -> str:
        """Return how messages name ``path``."""
        if path == self.scene_abs:
            return self.scene
        relative = os.path.relpath(path)
        return path if relative.startswith(os.pardir) else relative


class _Frame:
    """One frame as its job's rows arrive."""

    def __init__(self) -> None:
        self.started: JobStarted | None = None
        self.data = bytearray()
        self.seconds: float | None = None  # set when the job has finished
        self.error: Exception | None = None
        self.made = ""  # how the workers made the rows (kernel/made.py), the slowest way

    def take(self, event: Event) -> None:
        """Apply one event of the frame's job."""
        if isinstance(event, JobStarted):
            self.started = event
            self.data = bytearray(event.width * event.height * 3)
        elif isinstance(event, RowsReady) and not event.coarse:
            row = event.width * 3
            self.data[event.y0 * row : event.y1 * row] = event.pixels
            self.made = slowest(self.made, event.path or "traced")
        elif isinstance(event, JobFinished):
            self.seconds = event.seconds
        elif isinstance(event, JobFailed):
            self.error = event.error

    def pixels(self) -> np.ndarray:
        assert self.started is not None
        shape = (self.started.height, self.started.width, 3)
        return np.frombuffer(self.data, np.uint8).reshape(shape)
