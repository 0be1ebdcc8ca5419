"""The worker protocol: the records the render service and a worker process send each other.

Each worker has its own pipe; every request gets exactly one reply. A scene version is loaded
by one worker (:class:`Load`). A worker that lacks it while others hold it takes a snapshot
(:class:`TakeScene`), which the loader answers along when a worker waits for it, or a holder
makes on request (:class:`Share`); when none can be made, it loads the scene itself and checks
that it came out the same (:class:`Adopt`). A worker that holds the version is sent nothing of
it. Then blocks of rows (:class:`RenderRows`) and picks (:class:`PickPixel`) go to workers
holding the version (its ``key``).

Parent -> worker: :data:`Request`, or :class:`Stop`.
Worker -> parent: :class:`Ready` once at start, then one :data:`Reply` per request.

A message compares by identity (``eq=False``): the service tracks the very requests its
workers hold, and generated comparisons would only lengthen the command line's start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..scene.source import SceneSource
    from ..settings import RenderSettings
    from .shared_bytes import Snapshot


@dataclass(frozen=True)
class FrameInfo:
    """What a render learns once its scene has loaded.

    ``width`` x ``height`` is the frame the render produces; ``scene_width`` x
    ``scene_height`` the scene's own WIDTH and HEIGHT; ``frames`` and ``fps`` its FRAMES and
    FPS; ``camera`` its camera as plain numbers, ``(class name, (position, look_at, fov))``
    (tracer/camera/view.py), for the window's camera mode to start from; ``settings`` its
    SETTINGS as {RenderSettings field: value} (tracer/scene/settings.py), for the sidebar.
    """

    width: int
    height: int
    scene_width: int
    scene_height: int
    frames: int
    fps: float
    camera: tuple | None
    settings: dict = field(default_factory=dict)


# -- requests (parent -> worker) ----------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Load:
    """Run the scene's code once; with ``share``, answer a snapshot other workers can render."""

    job: int
    source: SceneSource
    settings: RenderSettings
    share: bool


@dataclass(frozen=True, eq=False)
class Share:
    """Answer a snapshot of the loaded scene ``key`` this worker holds, for workers lacking it."""

    job: int
    key: tuple


@dataclass(frozen=True, eq=False)
class TakeScene:
    """Take a scene another worker loaded, from its snapshot (no scene code runs)."""

    job: int
    key: tuple
    snapshot: Snapshot


@dataclass(frozen=True, eq=False)
class Adopt:
    """Load the scene here (no snapshot could be made) and check it has this ``fingerprint``."""

    job: int
    source: SceneSource
    settings: RenderSettings
    fingerprint: str | None


@dataclass(frozen=True, eq=False)
class RenderRows:
    """Render rows ``y0 <= y < y1`` of the loaded scene ``key``; with ``ids``, its id buffer."""

    job: int
    key: tuple
    settings: RenderSettings
    y0: int
    y1: int
    ids: bool


@dataclass(frozen=True, eq=False)
class PickPixel:
    """Trace pixel (x, y) of the loaded scene ``key``, recording its path (tracer.pick)."""

    job: int
    key: tuple
    settings: RenderSettings
    x: int
    y: int


@dataclass(frozen=True, eq=False)
class Stop:
    """End the worker process."""


Request = Load | Share | TakeScene | Adopt | RenderRows | PickPixel


# -- replies (worker -> parent) -----------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Ready:
    """The worker has started and waits for requests."""

    pid: int


@dataclass(frozen=True, eq=False)
class Loaded:
    """The answer to :class:`Load`: the scene's key, what it renders, and how to share it.

    ``snapshot`` is the loaded scene (when asked to share and it can travel): bytes, or
    a shared-memory block's name for big ones (shared_bytes.py);
    ``fingerprint`` is what other workers' own loads must match. ``files`` maps the data files
    the scene read to their SHA-256; ``objects`` names each of OBJECTS as (class name, file,
    line), what the id buffer's numbers stand for.
    """

    job: int
    key: tuple
    info: FrameInfo
    snapshot: Snapshot | None
    fingerprint: str | None
    files: dict
    objects: tuple


@dataclass(frozen=True, eq=False)
class Shared:
    """The answer to :class:`Share`: the snapshot, or None if the scene cannot travel."""

    job: int
    key: tuple
    snapshot: Snapshot | None


@dataclass(frozen=True, eq=False)
class Taken:
    """The answer to :class:`TakeScene` and :class:`Adopt`: the worker holds scene ``key``."""

    job: int
    key: tuple


@dataclass(frozen=True, eq=False)
class RowsRendered:
    """The answer to :class:`RenderRows`: the rows' RGB bytes, and their ids when asked.

    ``ids``: bytes of ``tracer.kernel.render.id_dtype(objects)``, or None. ``path``: how the
    worker made them, "traced", "re-lit" or "re-shaded" (kernel/rerender.py; "": traced,
    nothing kept).
    """

    job: int
    y0: int
    y1: int
    pixels: bytes
    ids: bytes | None
    path: str = ""


@dataclass(frozen=True, eq=False)
class Picked:
    """The answer to :class:`PickPixel`: a :class:`tracer.pick.Pick`."""

    job: int
    key: tuple
    pick: object


@dataclass(frozen=True, eq=False)
class Missing:
    """The worker no longer holds scene ``key`` (rows or a pick of it must wait for a load)."""

    job: int
    key: tuple


@dataclass(frozen=True, eq=False)
class Failed:
    """A request failed: a SceneError naming the scene's line, or why the worker gave up."""

    job: int
    error: Exception


Reply = Loaded | Shared | Taken | RowsRendered | Picked | Missing | Failed
