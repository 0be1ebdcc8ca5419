"""Write rendered frames to image files: PNG with text metadata, or binary PPM.

Writes are atomic (:mod:`tracer.output.atomic`): the image goes to a temporary file in the
target folder, which then replaces the target in one step, keeping its mode, owner and links,
so a reader never sees half an image and a failed write leaves an existing file as it was.

PPM files are written as binary ``P6``, not the ASCII ``P3`` that Puray writes: the same
pixels in a quarter of the bytes, and every PPM reader accepts both. PPM has no place for
metadata, so only PNG files carry it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np

from . import png
from .atomic import AtomicFile, check_target
from .metadata import as_text

#: File name endings this module writes, lower case, and the format of each.
FORMATS = {".png": "PNG", ".ppm": "PPM"}


def image_format(path: str | os.PathLike) -> str:
    """Return 'PNG' or 'PPM' for an output path; raise ValueError for any other ending."""
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext not in FORMATS:
        known = " or ".join(FORMATS)
        shown = f"'{ext}'" if ext else "no extension"
        raise ValueError(f"{os.fspath(path)}: unknown image type ({shown}); use {known}")
    return FORMATS[ext]


def check_writable(path: str | os.PathLike, force: bool = False) -> None:
    """Raise ValueError unless ``path`` names an image file we may create or replace.

    A read-only file is refused (TargetRefused, a ValueError) unless ``force``.
    """
    image_format(path)
    check_target(path, force)


def written_by_us(path: str | os.PathLike) -> bool:
    """Tell whether ``path`` is an image this program wrote (its PNG Software text says so)."""
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError:
        return False
    return (png.read_text(head, "Software") or "").startswith("Puray Live")


#: Bytes read from the start of a PNG to find its text (ours comes before the pixels).
HEAD_BYTES = 1 << 16
#: zlib levels for PNG files: 3 compressed twoballs at 960x540 in 12 ms (level 6 took about
#: twice as long for ~15 % fewer bytes); 9 for small files.
PNG_FAST, PNG_SMALL = 3, 9


def png_level(small: bool) -> int:
    """Return the zlib level of PNG files written for speed, or for size when ``small``."""
    return PNG_SMALL if small else PNG_FAST


def write_image(
    path: str | os.PathLike,
    pixels: np.ndarray,
    metadata: Mapping[str, object] | None = None,
    small: bool = False,
    encoded: png.PngEncoder | None = None,
    force: bool = False,
) -> None:
    """Write an (H, W, 3) uint8 frame to ``path`` atomically; PNG files get ``metadata``.

    Metadata values that are not strings are stored as JSON. A "Software" entry is added
    unless given. PNG files are compressed for speed, or for size when ``small``; or
    ``encoded`` already holds the frame's compressed rows. Raises TargetRefused for a
    read-only file (unless ``force``), WriteFailed (naming ``path``) if the write fails.
    """
    fmt = image_format(path)
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(
            f"pixels must be an (H, W, 3) uint8 array, got {pixels.dtype} {pixels.shape}"
        )
    with AtomicFile(path, force) as out:
        assert out.file is not None
        if fmt == "PNG":
            text = as_text(metadata or {})
            if encoded is not None:
                out.file.write(encoded.file_bytes(text))
            else:
                write_png(out.file, pixels, text, small)
        else:
            write_ppm(out.file, pixels)


def write_png(f, pixels: np.ndarray, text: Mapping[str, str], small: bool) -> None:
    """Write a PNG of ``pixels`` with ``text`` (metadata.as_text) to the open file ``f``."""
    f.write(png.encode(pixels, text, png_level(small)))


def write_ppm(f, pixels: np.ndarray) -> None:
    """Write a binary PPM of ``pixels`` to the open file ``f``."""
    height, width, _ = pixels.shape
    f.write(f"P6\n{width} {height}\n255\n".encode("ascii"))
    f.write(np.ascontiguousarray(pixels).tobytes())
