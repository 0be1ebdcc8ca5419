"""The frame buffer: rows land where they belong and a coarse pass never hides final rows."""

import numpy as np

from puray_gui.framebuffer import FrameBuffer, resample


def _rows(height, width, value):
    return np.full((height, width, 3), value, np.uint8).tobytes()


def test_rows_fill_the_frame_and_progress():
    fb = FrameBuffer()
    fb.start(8, 4)
    fb.put_rows(0, 2, _rows(2, 8, 200))
    assert fb.progress == 0.5
    assert not fb.complete
    fb.put_rows(2, 4, _rows(2, 8, 100))
    assert fb.complete
    assert fb.pixels[0, 0, 0] == 200
    assert fb.pixels[3, 7, 2] == 100


def test_coarse_preview_fills_only_rows_not_final():
    fb = FrameBuffer()
    fb.start(8, 8)
    fb.put_rows(0, 4, _rows(4, 8, 255))
    fb.put_coarse(_rows(1, 1, 7), 1, 1)
    assert (fb.pixels[:4] == 255).all()
    assert (fb.pixels[4:] == 7).all()
    assert fb.progress == 0.5  # a coarse pass is not progress


def test_new_render_keeps_the_old_picture_until_pixels_arrive():
    fb = FrameBuffer()
    fb.start(4, 2)
    fb.put_rows(0, 2, _rows(2, 4, 90))
    fb.start(8, 4)  # another size: the old picture is scaled, not blanked
    assert fb.size == (8, 4)
    assert (fb.pixels == 90).all()
    assert not fb.has_pixels
    assert not fb.blank


def test_resample_is_nearest_neighbour():
    src = np.arange(4 * 3, dtype=np.uint8).reshape(2, 2, 3)
    out = resample(src, 4, 4)
    assert out.shape == (4, 4, 3)
    assert (out[:2, :2] == src[0, 0]).all()
    assert (out[2:, 2:] == src[1, 1]).all()


def test_object_ids_land_with_their_rows_and_a_new_render_forgets_them():
    fb = FrameBuffer()
    fb.start(4, 2)
    ids = np.array([[0, 1, 1, -1]], np.int8).tobytes()  # the smallest type that holds them
    fb.put_rows(1, 2, _rows(1, 4, 9), ids)
    assert fb.ids.tolist() == [[-1, -1, -1, -1], [0, 1, 1, -1]]
    fb.put_rows(0, 1, _rows(1, 4, 9))  # rows without ids (a cluster render) leave them unknown
    assert fb.ids[0].tolist() == [-1, -1, -1, -1]
    version = fb.ids_version
    fb.start(4, 2)  # the next render may number its objects differently
    assert (fb.ids == -1).all()
    assert fb.ids_version > version
