"""PNG files written without an imaging library: any reader must get our exact pixels."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from tracer.output import png
from tracer.output.image import write_image, written_by_us


def _decoded(data: bytes) -> tuple[np.ndarray, dict]:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return np.asarray(image.convert("RGB")), dict(image.info)


def test_blocks_arriving_in_any_order_decode_to_the_frame():
    rng = np.random.default_rng(7)
    frame = rng.integers(0, 256, (37, 23, 3), dtype=np.uint8)  # noise: every Sub wrap-around
    frame[:, :5] = 255  # and flat runs
    encoder = png.PngEncoder(23, 37, level=3)
    blocks = [(y0, frame[y0 : y0 + 5]) for y0 in range(0, 37, 5)]
    for y0, rows in [
        blocks[3],
        blocks[0],
        blocks[6],
        blocks[1],
        blocks[2],
        blocks[5],
        blocks[4],
        blocks[7],
    ]:
        encoder.add(y0, rows)
    pixels, info = _decoded(encoder.file_bytes({"Note": "héllo ✓", "Plain": "abc"}))
    assert np.array_equal(pixels, frame)
    assert info["Note"] == "héllo ✓"
    assert info["Plain"] == "abc"


def test_a_frame_with_rows_missing_is_refused():
    encoder = png.PngEncoder(4, 6, level=3)
    encoder.add(0, np.zeros((2, 4, 3), np.uint8))
    encoder.add(4, np.zeros((2, 4, 3), np.uint8))
    with pytest.raises(ValueError, match=r"rows 2\.\.5"):
        encoder.file_bytes({})


def test_small_files_are_smaller_and_the_same_pixels(tmp_path):
    y, x = np.mgrid[0:120, 0:160]
    frame = np.stack([x * 255 // 160, y * 255 // 120, (x ^ y) & 255], axis=2).astype(np.uint8)
    write_image(tmp_path / "fast.png", frame)
    write_image(tmp_path / "small.png", frame, small=True)
    fast, small = (tmp_path / "fast.png").read_bytes(), (tmp_path / "small.png").read_bytes()
    assert len(small) < len(fast)
    assert np.array_equal(_decoded(small)[0], frame)


def test_only_our_own_pngs_count_as_written_by_us(tmp_path):
    frame = np.zeros((2, 2, 3), np.uint8)
    write_image(tmp_path / "ours.png", frame)
    Image.fromarray(frame).save(tmp_path / "theirs.png")
    (tmp_path / "text.png").write_text("Software Puray Live")
    assert written_by_us(tmp_path / "ours.png")
    assert not written_by_us(tmp_path / "theirs.png")
    assert not written_by_us(tmp_path / "text.png")
    assert not written_by_us(tmp_path / "missing.png")
    assert png.read_text((tmp_path / "ours.png").read_bytes(), "Software").startswith("Puray")
