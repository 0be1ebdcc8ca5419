"""Image textures: a picture file mapped onto space, looked up with bilinear filtering.

The file is read through :func:`tracer.datafiles.read_scene_file`: a relative path is
relative to the scene's folder, and the file is part of the scene (a save of it re-renders;
it travels with the scene to a cluster). It is decoded once, when the scene loads, into a
float64 array; lookups repeat the image (wrap around) in both directions.

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

import numpy as np

from ..datafiles import read_scene_file
from ..errors import caller_site, error_at, finite_xyz
from ..vector import Point
from .textures import Texture, check_positive

MAPPINGS = ("planar", "spherical", "cylindrical")


def decode(data: bytes, path: str, site) -> np.ndarray:
    """Return an image file's pixels as an (h, w, 3) uint8 array; SceneError if not an image."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            rgb = im.convert("RGB")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise error_at(site, f"not an image Pillow can read: {path} ({exc})") from None
    return np.asarray(rgb, dtype=np.uint8).copy()


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
        self.pixels = decode(data, self.path, site).astype(np.float64) / 255.0

    def __getstate__(self) -> dict:
        # Ship 8-bit pixels (an eighth of the bytes); k / 255 rebuilds the same float64s.
        state = dict(self.__dict__)
        state["pixels"] = np.rint(self.pixels * 255.0).astype(np.uint8)
        return state

    def __setstate__(self, state: dict) -> None:
        state["pixels"] = state["pixels"].astype(np.float64) / 255.0
        self.__dict__.update(state)

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
    """Return (n, 3) bilinear lookups at (u, v), the image repeating with period 1."""
    h, w = pixels.shape[:2]
    x = (u - np.floor(u)) * w - 0.5  # pixel centres at whole numbers
    y = (v - np.floor(v)) * h - 0.5
    x0, y0 = np.floor(x), np.floor(y)
    fx, fy = (x - x0)[:, None], (y - y0)[:, None]
    with np.errstate(invalid="ignore"):
        i0, j0 = x0.astype(np.int64) % w, y0.astype(np.int64) % h
    i1, j1 = (i0 + 1) % w, (j0 + 1) % h
    top = pixels[j0, i0] * (1.0 - fx) + pixels[j0, i1] * fx
    bottom = pixels[j1, i0] * (1.0 - fx) + pixels[j1, i1] * fx
    return top * (1.0 - fy) + bottom * fy
