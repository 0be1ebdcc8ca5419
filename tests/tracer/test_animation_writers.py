"""Movie writers on their own: GIF timing, the animation-wide palette, sequences, atomicity."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest
from PIL import Image, ImageSequence

from tracer.output.palette import global_palette, quantize
from tracer.output.pillow import durations_ms
from tracer.output.sequence import check_pattern, is_pattern
from tracer.output.writers import open_writer


@pytest.mark.parametrize(("count", "fps"), [(48, 24.0), (7, 12.0), (30, 29.97), (100, 60.0)])
def test_gif_durations_add_up_in_hundredths(count, fps):
    durations = durations_ms(count, fps, tick=10, least=20)
    assert len(durations) == count
    assert all(d % 10 == 0 and d >= 20 for d in durations)
    if fps <= 50:  # GIF players cannot show faster than 50 fps: those are slowed down
        assert abs(sum(durations) - 1000 * count / fps) <= 5


def test_png_durations_are_whole_milliseconds_without_drift():
    durations = durations_ms(48, 24.0)
    assert sum(durations) == 2000
    assert set(durations) == {41, 42}


def gradient_frames(count: int = 8) -> list[np.ndarray]:
    """Smooth blue gradients; frame 5 alone holds a small red square."""
    x = np.linspace(0, 1, 96)
    frames = []
    for k in range(count):
        f = np.zeros((54, 96, 3))
        f[..., 2] = 0.3 + 0.7 * x[None, :] * (0.5 + k / (2 * count))
        f[..., 1] = 0.5 * x[None, :] ** 2
        frames.append((f * 255).round().astype(np.uint8))
    if count > 5:
        frames[5][20:28, 40:48] = (230, 30, 20)
    return frames


def test_the_palette_serves_every_frame_not_just_the_first():
    frames = gradient_frames()
    palette = global_palette(frames)
    red = np.asarray(quantize(frames[5], palette, dither=False).convert("RGB"))[20:28, 40:48]
    assert np.abs(red.astype(int) - (230, 30, 20)).max() <= 12
    first_only = Image.fromarray(frames[0]).quantize(256, dither=Image.Dither.NONE)
    missed = np.asarray(quantize(frames[5], first_only, dither=False).convert("RGB"))[20:28, 40:48]
    assert np.abs(missed.astype(int) - (230, 30, 20)).max() > 100  # what a 1-frame palette does
    for frame in frames:
        got = np.asarray(quantize(frame, palette, dither=False).convert("RGB")).astype(float)
        assert np.sqrt(np.mean((got - frame) ** 2)) < 2.0


def test_dithering_trades_bands_for_noise():
    frames = gradient_frames()
    palette = global_palette(frames[:1], colors=8)  # few colours: bands for sure
    plain = np.asarray(quantize(frames[0], palette, dither=False).convert("RGB")).astype(float)
    dithered = np.asarray(quantize(frames[0], palette, dither=True).convert("RGB")).astype(float)
    # averaged over columns the dithered picture follows the gradient far more closely
    truth = frames[0].astype(float).mean(axis=0)
    assert np.abs(dithered.mean(axis=0) - truth).mean() < np.abs(plain.mean(axis=0) - truth).mean()


def test_patterns():
    assert is_pattern("frames/f_%04d.png")
    assert is_pattern("f%d.ppm")
    assert not is_pattern("100%%.png")
    assert not is_pattern("movie.gif")
    check_pattern("frames/f_%04d.png")
    with pytest.raises(ValueError, match="one frame number"):
        check_pattern("f_%d_%d.png")
    with pytest.raises(ValueError, match="one frame number"):
        check_pattern("f_%s_%d.png")
    with pytest.raises(ValueError, match=r"\.png or \.ppm"):
        check_pattern("f_%d.jpg")


def test_a_replaced_movie_keeps_its_permissions_and_leaves_no_temp(tmp_path):
    out = tmp_path / "m.gif"
    out.write_bytes(b"old")
    os.chmod(out, 0o640)
    writer = open_writer(str(out), 12.0)
    writer.begin(range(3), 3, {"Scene": "s.py"})
    for k, frame in enumerate(gradient_frames(3)):
        writer.add(k, frame)
    writer.commit({})
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["m.gif"]
    with Image.open(out) as im:
        assert len(list(ImageSequence.Iterator(im))) == 3


def test_an_aborted_movie_leaves_the_old_file(tmp_path):
    out = tmp_path / "m.webp"
    out.write_bytes(b"old")
    writer = open_writer(str(out), 12.0)
    writer.begin(range(3), 3, {})
    writer.add(0, gradient_frames(1)[0])
    writer.abort()
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["m.webp"]
