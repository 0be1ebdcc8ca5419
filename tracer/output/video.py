"""Write MP4 (H.264, yuv420p, BT.709) through PyAV, the optional ``video`` extra.

PyAV's wheels bring their own FFmpeg with libx264, so nothing else needs installing, and it
encodes frames handed over as numpy arrays in this process (no ffmpeg subprocess and pipe).
yuv420p halves the colour resolution, which ordinary players require: odd widths or heights
get one more column or row, copied from the edge.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from .atomic import AtomicFile, WriteFailed
from .metadata import as_text
from .rate import check_fps
from .writer import Writer

#: x264 quality (0 lossless .. 51; 18 is "visually lossless").
CRF = 18


class MissingEncoder(Exception):
    """PyAV is not installed: MP4 cannot be written."""


def _av():
    try:
        import av
    except ImportError:
        raise MissingEncoder(
            "writing MP4 needs PyAV: pip install 'puray-live[video]' (or pip install av)"
        ) from None
    return av


class Mp4Writer(Writer):
    """Encode frames as they arrive into a temporary MP4 beside the target."""

    def __init__(self, path: str, fps: float, force: bool = False) -> None:
        self.av = _av()
        from fractions import Fraction  # start-up: fractions and decimal cost ~1.5 ms

        self.path, self.force = path, force
        self.rate = Fraction(check_fps(fps)).limit_denominator(1001)
        self.target: AtomicFile | None = None
        self.container: Any = None
        self.stream: Any = None
        self.count = 0

    def _open(self, width: int, height: int) -> None:
        self.target = AtomicFile(self.path, self.force)
        self.container = self.av.open(self.target.named(), mode="w", format="mp4")
        text = as_text(self.metadata)  # the muxer takes metadata before the first frame
        self.container.metadata["title"] = text.get("Scene", "")
        self.container.metadata["comment"] = json.dumps(text, sort_keys=True)
        stream = self.container.add_stream("libx264", rate=self.rate)
        stream.width, stream.height = width + width % 2, height + height % 2
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(CRF), "preset": "medium"}
        ctx = stream.codec_context
        ctx.colorspace = ctx.color_primaries = ctx.color_trc = 1  # BT.709
        ctx.color_range = 1  # limited ("TV") range, what players expect
        self.stream = stream

    def add(self, number: int, pixels: np.ndarray) -> None:
        self.check_size(number, pixels)
        height, width = pixels.shape[:2]
        try:
            if self.container is None:
                self._open(width, height)
            self._encode(pixels, width, height)
        except OSError as exc:  # PyAV's errors name the temporary file: name the target
            self.abort()
            raise WriteFailed(self.path, exc) from None

    def _encode(self, pixels: np.ndarray, width: int, height: int) -> None:
        if width % 2 or height % 2:
            pixels = np.pad(pixels, ((0, height % 2), (0, width % 2), (0, 0)), mode="edge")
        frame = self.av.VideoFrame.from_ndarray(np.ascontiguousarray(pixels), format="rgb24")
        frame = frame.reformat(format="yuv420p", dst_colorspace="ITU709")
        frame.pts = self.count
        frame.time_base = 1 / self.rate
        self.count += 1
        for packet in self.stream.encode(frame):
            self.container.mux(packet)

    def commit(self, extra: Mapping[str, object]) -> None:
        if self.container is None or self.target is None:
            raise ValueError("no frames to write")
        try:
            for packet in self.stream.encode():
                self.container.mux(packet)
            self.container.close()
            self.container = None
            self.target.commit()
        except OSError as exc:
            self.abort()
            raise exc if isinstance(exc, WriteFailed) else WriteFailed(self.path, exc) from None
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        if self.container is not None:
            with contextlib.suppress(Exception):  # half a file may not close: it goes anyway
                self.container.close()
            self.container = None
        if self.target is not None:
            self.target.discard()
