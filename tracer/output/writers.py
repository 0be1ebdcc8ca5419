"""Write an animation's frames to one file: GIF, animated PNG, WebP, MP4, or an image sequence.

The output path decides the format (:func:`output_kind`) and :func:`open_writer` returns its
:class:`~tracer.output.writer.Writer`. The metadata of stills goes where a format has room:
PNG text chunks (APNG), the GIF comment, EXIF in WebP, the MP4 comment.
"""

from __future__ import annotations

import os

from .atomic import check_target
from .pillow import PillowWriter
from .rate import check_fps
from .sequence import SequenceWriter, is_pattern
from .video import Mp4Writer
from .writer import Writer

#: Output endings and what they write.
KINDS = {
    ".gif": "gif",
    ".apng": "apng",
    ".png": "png",  # an animated PNG when there is more than one frame
    ".webp": "webp",
    ".mp4": "mp4",
    ".ppm": "ppm",
}


def output_kind(path: str) -> str:
    """Return 'gif', 'apng', 'png', 'webp', 'mp4', 'ppm' or 'sequence'; raise ValueError."""
    if is_pattern(path):
        return "sequence"
    ext = os.path.splitext(path)[1].lower()
    if ext not in KINDS:
        shown = f"'{ext}'" if ext else "no extension"
        raise ValueError(
            f"{path}: unknown image type ({shown}); use .png or .ppm for a still, or for an "
            "animation .gif, .png/.apng, .webp, .mp4 or a pattern such as frames/f_%04d.png"
        )
    return KINDS[ext]


def open_writer(path: str, fps: float, *, dither: bool = False, force: bool = False) -> Writer:
    """Return the writer for ``path``; raise ValueError (or MissingEncoder) before any render.

    A read-only ``path`` is refused (TargetRefused) unless ``force``; so is an FPS outside the
    range every writer keeps (:mod:`tracer.output.rate`).
    """
    kind = output_kind(path)
    check_fps(fps)
    if kind == "sequence":
        return SequenceWriter(path, force=force)
    if kind == "ppm":
        raise ValueError(f"{path}: a PPM holds one picture; use --frame K, or .png, .gif, .mp4")
    check_target(path, force)
    if kind == "mp4":
        return Mp4Writer(path, fps, force)
    return PillowWriter(path, kind, fps, dither, force)
