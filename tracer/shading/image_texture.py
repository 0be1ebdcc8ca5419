"""Image textures: a picture file mapped onto space, looked up with bilinear filtering.

The file is read through :func:`tracer.datafiles.read_scene_file`: a relative path is
relative to the scene's folder, and the file is part of the scene (a save of it re-renders;
it travels with the scene to a cluster). It is decoded once, when the scene loads, and kept as
8-bit RGB (a float64 copy would take 8 times the memory in every worker): a lookup turns the
pixels it blends into k / 255, the same float64s a float copy would hold. Lookups repeat the
image (wrap around) in both directions. Images above :data:`MAX_PIXELS` are refused.

Mappings turn a point into image coordinates (u to the right, v down the image), around
``center``:

- ``planar``: the image stands in the x-y plane facing the camera, upright (y grows down as
  image rows do); one copy covers ``1 / scale`` units square, its top-left corner at center.
- ``spherical``: longitude and latitude around ``center``; the middle of the image faces -z
  (the camera of most scenes); ``scale`` copies fit around and from pole to pole.
- ``cylindrical``: around the vertical axis through ``center``: u is the angle (``scale``
  copies around), v is height (one copy every ``1 / scale`` units).
"""

from __future__ import annotations

import io
import warnings

import numpy as np

from ..datafiles import read_scene_file
from ..errors import caller_site, error_at, finite_xyz
from ..vector import Point
from .textures import Texture, check_positive

MAPPINGS = ("planar", "spherical", "cylindrical")


#: The most pixels an image may have: 8192 x 8192 (192 MiB as 8-bit RGB, in every worker).
MAX_PIXELS = 8192 * 8192
#: k / 255 for every 8-bit level k: what a lookup blends.
LEVELS = np.arange(256, dtype=np.float64) / 255.0


def decode(data: bytes, path: str, site) -> np.ndarray:
    """Return an image file's pixels as an (h, w, 3) uint8 array; SceneError if not an image."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # we say it below
            with Image.open(io.BytesIO(data)) as im:
                _check_size(im.size, path, site)  # before decoding a single pixel
                return _rgb(im)
    except UnidentifiedImageError:
        raise error_at(site, f"not an image Pillow can read: {path} (unknown format)") from None
    except Image.DecompressionBombError:
        raise error_at(site, _too_large(path, "far more")) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise error_at(site, f"not an image Pillow can read: {path} ({exc})") from None


def _rgb(im) -> np.ndarray:
    """Return a Pillow image as (h, w, 3) uint8, converted a band of rows at a time.

    One band at a time, so that the decoded image and the array are the only full copies.
    """
    width, height = im.size
    pixels = np.empty((height, width, 3), np.uint8)
    band = max(1, BAND_PIXELS // max(1, width))
    for y0 in range(0, height, band):
        rows = im.crop((0, y0, width, min(height, y0 + band)))
        pixels[y0 : y0 + band] = np.asarray(rows if rows.mode == "RGB" else rows.convert("RGB"))
    return pixels


#: Pixels converted at a time while decoding.
BAND_PIXELS = 1 << 20


def _check_size(size: tuple[int, int], path: str, site) -> None:
    width, height = size
    if width * height > MAX_PIXELS:
        raise error_at(site, _too_large(path, f"{width}x{height}: {width * height / 1e6:.0f}"))


def _too_large(path: str, how: str) -> str:
    return (
        f"image too large: {path} has {how} megapixels; ImageTexture takes at most "
        f"{MAX_PIXELS / 1e6:.0f} (8192x8192): scale it down"
    )


class ImageTexture(Texture):
    """A picture file (any format Pillow reads) mapped onto space; bilinear, repeating."""

    def __init__(
        self, path, mapping: str = "planar", scale: float = 1.0, center: Point | None = None
    ) -> None:
        self._site = site = caller_site()
        if mapping not in MAPPINGS:
            known = ", ".join(repr(m) for m in MAPPINGS)
            raise error_at(site, f"ImageTexture mapping must be one of {known}, got {mapping!r}")
        self.mapping = mapping
        self.scale = check_positive(scale, "ImageTexture scale", site)
        where = Point(0, 0, 0) if center is None else center
        self.center = finite_xyz(where, "ImageTexture center", site, "Point")
        self.path, data = read_scene_file(path, "image")
        self.pixels = decode(data, self.path, site)  # 8-bit: see the module's docstring

    def uv(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return image coordinates (u, v) of points; one copy of the image spans 0..1."""
        p = points - np.array(self.center)
        x, y, z = p[:, 0], p[:, 1], p[:, 2]
        if self.mapping == "planar":
            return x * self.scale, y * self.scale
        around = 0.5 + np.arctan2(x, -z) / (2 * np.pi)
        if self.mapping == "cylindrical":
            return around * self.scale, y * self.scale
        r = np.sqrt(x * x + y * y + z * z)
        with np.errstate(invalid="ignore", divide="ignore"):
            polar = np.arccos(np.clip(-y / r, -1.0, 1.0))  # 0 at the top (-y), pi at the bottom
        v = np.nan_to_num(polar) / np.pi
        return around * self.scale, v * self.scale

    def colors_at(self, points: np.ndarray) -> np.ndarray:
        u, v = self.uv(points)
        return bilinear(self.pixels, u, v)


def bilinear(pixels: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Return (n, 3) bilinear lookups at (u, v), the image repeating with period 1.

    8-bit ``pixels`` blend as k / 255 (LEVELS); float pixels blend as they are.
    """
    h, w = pixels.shape[:2]
    x = (u - np.floor(u)) * w - 0.5  # pixel centres at whole numbers
    y = (v - np.floor(v)) * h - 0.5
    x0, y0 = np.floor(x), np.floor(y)
    fx, fy = (x - x0)[:, None], (y - y0)[:, None]
    with np.errstate(invalid="ignore"):
        i0, j0 = x0.astype(np.int64) % w, y0.astype(np.int64) % h
    i1, j1 = (i0 + 1) % w, (j0 + 1) % h
    at = _levels if pixels.dtype == np.uint8 else _floats
    top = at(pixels, j0, i0) * (1.0 - fx) + at(pixels, j0, i1) * fx
    bottom = at(pixels, j1, i0) * (1.0 - fx) + at(pixels, j1, i1) * fx
    return top * (1.0 - fy) + bottom * fy


def _levels(pixels: np.ndarray, j: np.ndarray, i: np.ndarray) -> np.ndarray:
    return LEVELS[pixels[j, i]]


def _floats(pixels: np.ndarray, j: np.ndarray, i: np.ndarray) -> np.ndarray:
    return pixels[j, i]
