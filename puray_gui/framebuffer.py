"""The frame being rendered: a numpy RGB image that rows and coarse previews are written into."""

from __future__ import annotations

import numpy as np

from tracer.kernel.render import read_ids


class FrameBuffer:
    """Hold one frame as an (height, width, 3) uint8 array and track which rows are final.

    A new render keeps the previous picture until its own pixels arrive (no blank flash): on a
    size change the old picture is resampled to the new size. A coarse preview only fills rows
    that no full-resolution block has written yet. ``ids`` holds the object each pixel shows
    (index in OBJECTS, -1 for none or not known yet: ids of an older render are dropped);
    ``objects`` says what each index stands for: (class name, file, line), as the scene's
    load reported it.
    """

    def __init__(self, width: int = 1, height: int = 1) -> None:
        self.pixels = np.zeros((height, width, 3), np.uint8)
        self.ids = np.full((height, width), -1, np.int32)
        self.ids_version = 0  # grows whenever ids change (for drawings made from them)
        self.rows_done = np.zeros(height, bool)
        self.has_pixels = False  # any pixel from the current render yet?
        self.blank = True  # no render has written a pixel yet
        self.objects: tuple = ()  # (class, file, line) of each of OBJECTS: what ids mean

    @property
    def width(self) -> int:
        return self.pixels.shape[1]

    @property
    def height(self) -> int:
        return self.pixels.shape[0]

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def complete(self) -> bool:
        return bool(self.rows_done.all())

    @property
    def progress(self) -> float:
        """Return the finished fraction of full-resolution rows (0..1)."""
        return float(self.rows_done.mean()) if self.rows_done.size else 0.0

    @property
    def pixels_done(self) -> int:
        return int(self.rows_done.sum()) * self.width

    def object_at(
        self, x: int, y: int, width: int, height: int
    ) -> tuple[int, str, str | None, int] | None:
        """Return (index, class, file, line) of the object at pixel (x, y) of the picture
        ``width`` x ``height`` this frame stands for (a scaled preview stands for full size)."""
        if not (0 <= x < width and 0 <= y < height):
            return None
        index = int(self.ids[y * self.height // height, x * self.width // width])
        if not 0 <= index < len(self.objects):
            return None
        kind, file, line = self.objects[index]
        return index, kind, file, line

    def start(self, width: int, height: int) -> None:
        """Begin a new render of ``width`` x ``height``, keeping the old picture on show."""
        if (width, height) != self.size:
            self.pixels = resample(self.pixels, width, height)
            self.ids = np.full((height, width), -1, np.int32)
        self.ids.fill(-1)
        self.ids_version += 1
        self.rows_done = np.zeros(height, bool)
        self.has_pixels = False

    def put_rows(self, y0: int, y1: int, data: bytes, ids: bytes | None = None) -> None:
        """Write full-resolution rows ``y0 <= y < y1`` (and their object ids, if given)."""
        rows = np.frombuffer(data, np.uint8).reshape(y1 - y0, self.width, 3)
        self.pixels[y0:y1] = rows
        if ids is not None:
            self.ids[y0:y1] = read_ids(ids, y1 - y0, self.width)
            self.ids_version += 1
        self.rows_done[y0:y1] = True
        self.has_pixels, self.blank = True, False

    def put_coarse(self, data: bytes, width: int, height: int) -> None:
        """Upscale a small preview of the whole frame into the rows not final yet."""
        small = np.frombuffer(data, np.uint8).reshape(height, width, 3)
        todo = np.flatnonzero(~self.rows_done)
        if todo.size == 0:
            return
        ys = todo * height // self.height
        xs = np.arange(self.width) * width // self.width
        self.pixels[todo] = np.take(np.take(small, ys, axis=0), xs, axis=1)  # 4x numpy's [ys, xs]
        self.has_pixels, self.blank = True, False


def resample(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    """Return ``pixels`` resized to ``width`` x ``height`` (nearest neighbour, a new array)."""
    h, w = pixels.shape[:2]
    ys = np.arange(height) * h // height
    xs = np.arange(width) * w // width
    return np.ascontiguousarray(np.take(np.take(pixels, ys, axis=0), xs, axis=1))
