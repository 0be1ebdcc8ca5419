"""What an exported image or animation says about itself: one function builds it for all.

Stills (``puray render``, the window's PNG export), animations and image sequences carry the
same entries: the scene and its digest, the settings (with the final size), which frames,
and the render time. PNG files keep them as text chunks; other formats where they have room.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .._version import __version__

if TYPE_CHECKING:
    from ..scene.source import SceneSource
    from ..settings import RenderSettings


def software() -> str:
    """Return the name and version written into image metadata."""
    return f"Puray Live {__version__}"


def export_metadata(
    source: SceneSource,
    settings: RenderSettings,
    size: tuple[int, int],
    *,
    frames: range | None = None,
    fps: float | None = None,
    frame: int | None = None,
    total: int = 1,
    seconds: float | None = None,
) -> dict[str, object]:
    """Return the metadata of a render of ``source`` with ``settings`` at ``size`` (W, H).

    An animation names its ``frames`` of ``total`` and its ``fps``; a single frame of an
    animated scene its ``frame``; ``seconds`` is the render time, when known already.
    """
    width, height = size
    described: dict[str, object] = {**settings.describe(), "width": width, "height": height}
    if frames is not None:
        described |= {"frames": f"{frames.start}:{frames.stop}", "fps": fps}
    if frame is not None:
        described["frame"] = frame
    data: dict[str, object] = {
        "Scene": source.path,
        "Scene SHA-256": source.digest,
        "Settings": described,
    }
    if frames is not None:
        data["Frames"] = f"{frames.start} to {frames.stop - 1} of {total}"
    if frame is not None:
        data["Frame"] = frame_entry(frame, total)
    if seconds is not None:
        data |= render_time(seconds)
    return data


def frame_entry(number: int, total: int) -> str:
    """Return the Frame entry of frame ``number`` of ``total``."""
    return f"{number} of {total}"


def render_time(seconds: float) -> dict[str, object]:
    """Return the Render seconds entry (added once an animation has rendered)."""
    return {"Render seconds": f"{seconds:.3f}"}


def as_text(metadata: Mapping[str, object]) -> dict[str, str]:
    """Return metadata as strings (JSON for non-strings), with Software first unless given."""
    full = {"Software": software(), **metadata}
    return {k: v if isinstance(v, str) else json.dumps(v, sort_keys=True) for k, v in full.items()}
