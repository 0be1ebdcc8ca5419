"""Write rendered frames to image files: PNG with text metadata, or binary PPM.

Writes are atomic: the image goes to a temporary file in the target folder, which then
replaces the target in one step, so a reader never sees half an image and a failed write
leaves an existing file as it was.

PPM files are written as binary ``P6``, not the ASCII ``P3`` that Puray writes: the same
pixels in a quarter of the bytes, and every PPM reader accepts both. PPM has no place for
metadata, so only PNG files carry it.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping

import numpy as np

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


def check_writable(path: str | os.PathLike) -> None:
    """Raise ValueError unless ``path`` names an image file we could create or replace."""
    image_format(path)
    check_folder(os.fspath(path))


def check_folder(path: str) -> None:
    """Raise ValueError unless a file could be created (or replaced) at ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"{path}: the folder {folder} does not exist")
    if os.path.isdir(path):
        raise ValueError(f"{path}: is a folder, not a file")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"{path}: the folder {folder} is not writable")


def written_by_us(path: str | os.PathLike) -> bool:
    """Tell whether ``path`` is an image this program wrote (its PNG Software text says so)."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            return str(image.info.get("Software", "")).startswith("Puray Live")
    except (OSError, ValueError):
        return False


def software() -> str:
    """Return the name and version written into image metadata."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"Puray Live {version('puray-live')}"
    except PackageNotFoundError:
        return "Puray Live"


#: zlib levels for PNG files: 3 wrote twoballs at 960x540 in 40 ms (level 6, Pillow's
#: default, took 75 ms for 15 % fewer bytes); 9 with Pillow's optimizer for small files.
PNG_FAST, PNG_SMALL = 3, 9


def write_image(
    path: str | os.PathLike,
    pixels: np.ndarray,
    metadata: Mapping[str, object] | None = None,
    small: bool = False,
) -> None:
    """Write an (H, W, 3) uint8 frame to ``path`` atomically; PNG files get ``metadata``.

    Metadata values that are not strings are stored as JSON. A "Software" entry is added
    unless given. PNG files are compressed for speed, or for size when ``small``.
    """
    fmt = image_format(path)
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(
            f"pixels must be an (H, W, 3) uint8 array, got {pixels.dtype} {pixels.shape}"
        )
    path = os.fspath(path)
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as f:
            if fmt == "PNG":
                _write_png(f, pixels, {"Software": software(), **(metadata or {})}, small)
            else:
                _write_ppm(f, pixels)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)  # keep a replaced file's permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_png(f, pixels: np.ndarray, metadata: Mapping[str, object], small: bool) -> None:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    for key, value in metadata.items():
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        info.add_text(key, text)  # tEXt, or iTXt when the text is not Latin-1
    level = PNG_SMALL if small else PNG_FAST
    Image.fromarray(pixels, "RGB").save(
        f, "PNG", pnginfo=info, compress_level=level, optimize=small
    )


def _write_ppm(f, pixels: np.ndarray) -> None:
    height, width, _ = pixels.shape
    f.write(f"P6\n{width} {height}\n255\n".encode("ascii"))
    f.write(np.ascontiguousarray(pixels).tobytes())


def _create_temp(path: str) -> tuple[int, str]:
    """Create a hidden temporary file beside ``path``; the umask applies, as to any new file."""
    folder, name = os.path.split(os.path.abspath(path))
    while True:
        tmp = os.path.join(folder, f".{name}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
