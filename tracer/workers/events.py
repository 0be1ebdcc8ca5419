"""What a render service (local or Dask) reports, tagged with the job id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .protocol import FrameInfo


@dataclass(frozen=True)
class JobStarted:
    """The scene loaded: the frame will be ``width`` x ``height``; the scene's own size too.

    ``files`` are the data files (OBJ models, images) the scene read while loading: part of
    the scene, to be watched like its modules. ``frames`` and ``fps`` are the scene's FRAMES
    and FPS (1 frame: a still). ``camera`` is the scene's own camera as plain numbers,
    ``(class name, (position, look_at, fov))`` (tracer/camera/view.py), for the window's
    camera mode to start from. ``objects`` names each of OBJECTS as (class name, file, line):
    what the id buffer's numbers stand for. ``settings``: the scene's SETTINGS as
    {RenderSettings field: value} (tracer/scene/settings.py).
    """

    job: int
    width: int
    height: int
    scene_width: int = 0
    scene_height: int = 0
    files: tuple = ()
    frames: int = 1
    fps: float = 24.0
    camera: tuple | None = None
    objects: tuple = ()
    settings: dict = field(default_factory=dict)

    @classmethod
    def of(cls, job: int, info: FrameInfo, files: tuple, objects: tuple) -> JobStarted:
        """Return the event of a job whose scene loaded as ``info`` says."""
        return cls(
            job,
            info.width,
            info.height,
            scene_width=info.scene_width,
            scene_height=info.scene_height,
            files=files,
            frames=info.frames,
            fps=info.fps,
            camera=info.camera,
            objects=objects,
            settings=info.settings,
        )


@dataclass(frozen=True)
class RowsReady:
    """Rows ``y0 <= y < y1`` of a job's frame (or of its coarse preview when ``coarse``).

    ``ids`` (when the job asked for them): per pixel the index in OBJECTS of the object its
    centre sample hits first, -1 for none; signed integers of 1, 2 or 4 bytes, the fewest that
    hold the scene's object count (read them with ``tracer.kernel.render.read_ids``).
    ``path``: how the worker made them: "traced", "re-lit" or "re-shaded" (after an edit of
    materials or lights only: tracer/kernel/rerender.py); "" when it kept nothing.
    """

    job: int
    y0: int
    y1: int
    pixels: bytes
    width: int
    coarse: bool = False
    ids: bytes | None = None
    path: str = ""


@dataclass(frozen=True)
class JobFinished:
    job: int
    seconds: float


@dataclass(frozen=True)
class JobFailed:
    job: int
    error: Exception


@dataclass(frozen=True)
class PixelPicked:
    """The answer to a pick: a :class:`tracer.pick.Pick` (the path of one pixel's ray)."""

    job: int
    pick: object


Event = JobStarted | RowsReady | JobFinished | JobFailed | PixelPicked

#: The events that end a job: no more come after one of these.
ENDS = (JobFinished, JobFailed, PixelPicked)
