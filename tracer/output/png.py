"""PNG files of 8-bit RGB frames, written without an imaging library.

``PngEncoder`` compresses rows as they arrive, in any order of blocks: the command line feeds
it while the workers still render, so little is left to compress once the last block is in.
Rows are filtered with PNG's Sub filter (each byte minus the one three bytes to its left),
which suits rendered images (gradients and flat areas) at a fraction of adaptive filtering's
cost. Text metadata goes in tEXt chunks, or iTXt when it is not Latin-1, before the pixels.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: PNG's filter type byte for Sub.
SUB = 1


def chunk(kind: bytes, data: bytes) -> bytes:
    """Return one PNG chunk: length, type, data and the CRC of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def text_chunk(key: str, value: str) -> bytes:
    """Return a tEXt chunk, or an uncompressed UTF-8 iTXt one when ``value`` is not Latin-1."""
    try:
        return chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1"))
    except UnicodeEncodeError:
        data = key.encode("latin-1") + b"\0\0\0\0\0" + value.encode("utf-8")
        return chunk(b"iTXt", data)


def filtered(rows: np.ndarray) -> bytes:
    """Return (k, width, 3) uint8 rows as PNG scanlines with the Sub filter."""
    k, width = rows.shape[:2]
    flat = rows.reshape(k, width * 3)
    out = np.empty((k, width * 3 + 1), np.uint8)
    out[:, 0] = SUB
    out[:, 1:4] = flat[:, :3]
    np.subtract(flat[:, 3:], flat[:, :-3], out=out[:, 4:])  # wraps modulo 256, as PNG wants
    return out.tobytes()


class PngEncoder:
    """Compress a frame's rows into a PNG's pixel data as blocks of rows arrive."""

    def __init__(self, width: int, height: int, level: int) -> None:
        self.width, self.height = width, height
        self._zip = zlib.compressobj(level)
        self._parts: list[bytes] = []
        self._waiting: dict[int, np.ndarray] = {}  # blocks after a gap, by first row
        self.rows_done = 0

    def add(self, y0: int, rows: np.ndarray) -> None:
        """Take rows y0.. of the frame ((k, width, 3) uint8); compress all that is in order."""
        self._waiting[y0] = rows
        while self.rows_done in self._waiting:
            block = self._waiting.pop(self.rows_done)
            self._parts.append(self._zip.compress(filtered(block)))
            self.rows_done += block.shape[0]

    def file_bytes(self, metadata: Mapping[str, str]) -> bytes:
        """Return the whole PNG file; every row must have been added."""
        if self.rows_done != self.height or self._waiting:
            raise ValueError(f"rows {self.rows_done}..{self.height - 1} of the frame are missing")
        self._parts.append(self._zip.flush())
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)  # 8-bit RGB
        texts = [text_chunk(key, value) for key, value in metadata.items()]
        pixels = chunk(b"IDAT", b"".join(self._parts))
        return b"".join([SIGNATURE, chunk(b"IHDR", header), *texts, pixels, chunk(b"IEND", b"")])


def encode(pixels: np.ndarray, metadata: Mapping[str, str], level: int) -> bytes:
    """Return a whole (H, W, 3) uint8 frame as PNG file bytes."""
    height, width = pixels.shape[:2]
    encoder = PngEncoder(width, height, level)
    encoder.add(0, np.ascontiguousarray(pixels))
    return encoder.file_bytes(metadata)


def read_text(data: bytes, key: str) -> str | None:
    """Return the text stored under ``key`` in PNG file bytes (tEXt or iTXt), or None."""
    if not data.startswith(SIGNATURE):
        return None
    at = len(SIGNATURE)
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        body = data[at + 8 : at + 8 + length]
        at += 12 + length
        if kind in (b"IDAT", b"IEND"):
            return None  # text chunks we write come before the pixels
        name, _, rest = body.partition(b"\0")
        if name != key.encode("latin-1"):
            continue
        if kind == b"tEXt":
            return rest.decode("latin-1")
        if kind == b"iTXt" and rest[:1] == b"\0":  # uncompressed
            _language, _translated, text = rest[2:].split(b"\0", 2)
            return text.decode("utf-8")
    return None
