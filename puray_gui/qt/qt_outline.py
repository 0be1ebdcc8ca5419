"""The outline of one object in an id buffer, as an image to draw over the picture."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

#: Bright and opaque: readable on the dark, the light and the chequered parts of a picture.
OUTLINE_RGBA = (255, 210, 0, 255)


def edge_mask(ids: np.ndarray, index: int, thickness: int = 1) -> np.ndarray:
    """Return the pixels of object ``index`` within ``thickness`` pixels of its border."""
    mask = ids == index
    inner = mask.copy()
    for _ in range(thickness):  # erode: a pixel stays inside if its 4 neighbours are inside
        shrunk = inner.copy()
        shrunk[1:, :] &= inner[:-1, :]
        shrunk[:-1, :] &= inner[1:, :]
        shrunk[:, 1:] &= inner[:, :-1]
        shrunk[:, :-1] &= inner[:, 1:]
        shrunk[0, :] = shrunk[-1, :] = False
        shrunk[:, 0] = shrunk[:, -1] = False
        inner = shrunk
    return mask & ~inner


def outline_image(ids: np.ndarray, index: int, thickness: int = 1) -> tuple[QImage, np.ndarray]:
    """Return an RGBA image (transparent but for the outline) and the array it wraps."""
    height, width = ids.shape
    rgba = np.zeros((height, width, 4), np.uint8)
    rgba[edge_mask(ids, index, thickness)] = OUTLINE_RGBA
    image = QImage(rgba.data, width, height, width * 4, QImage.Format.Format_RGBA8888)
    return image, rgba
