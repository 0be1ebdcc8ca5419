"""ImageTexture: bilinear lookups of a known 4x2 picture, its mappings, and the scene's file.

tests/fixtures/texture_4x2.png, top row: red, green, blue, white; bottom row: black, yellow,
cyan, (128, 64, 32).
"""

from __future__ import annotations

import math
import pickle
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import cloudpickle
import numpy as np
import pytest

from tracer import ImageTexture, Material, RenderSettings, SceneSource
from tracer.errors import SceneError
from tracer.kernel.render import load, render_image
from tracer.shading.image_texture import bilinear

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "texture_4x2.png"
PIXELS = (
    np.array(
        [
            [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]],
            [[0, 0, 0], [255, 255, 0], [0, 255, 255], [128, 64, 32]],
        ],
        dtype=np.float64,
    )
    / 255.0
)


def at(texture: ImageTexture, *xyz) -> np.ndarray:
    return texture.colors_at(np.array([xyz], dtype=np.float64))[0]


def test_the_file_decodes_to_its_8_bit_pixels():
    texture = ImageTexture(FIXTURE)
    assert texture.pixels.dtype == np.uint8  # not float64: 8 times the memory in every worker
    assert np.array_equal(texture.pixels, np.rint(PIXELS * 255))


def _by_hand(u: float, v: float) -> np.ndarray:
    """Blend the float64 pixels k / 255 at (u, v), one scalar at a time, as the docs say."""
    x, y = (u - math.floor(u)) * 4 - 0.5, (v - math.floor(v)) * 2 - 0.5
    x0, y0 = math.floor(x), math.floor(y)
    fx, fy = x - x0, y - y0
    i0, j0, i1, j1 = x0 % 4, y0 % 2, (x0 + 1) % 4, (y0 + 1) % 2
    top = PIXELS[j0, i0] * (1.0 - fx) + PIXELS[j0, i1] * fx
    bottom = PIXELS[j1, i0] * (1.0 - fx) + PIXELS[j1, i1] * fx
    return top * (1.0 - fy) + bottom * fy


def test_lookups_blend_exactly_the_float64s_of_the_pixels():
    texture = ImageTexture(FIXTURE)  # planar: u = x, v = y
    points = np.random.default_rng(3).uniform(-3, 3, (400, 3))
    got = texture.colors_at(points)
    want = np.array([_by_hand(x, y) for x, y, _z in points])
    assert np.array_equal(got, want)  # bit for bit, not merely close


def test_pixel_centres_give_the_pixels_exactly():
    texture = ImageTexture(FIXTURE)  # planar: u = x, v = y
    for j in range(2):
        for i in range(4):
            assert np.array_equal(at(texture, (i + 0.5) / 4, (j + 0.5) / 2, 7.0), PIXELS[j, i])


def test_between_pixels_it_blends_bilinearly_and_wraps_around():
    texture = ImageTexture(FIXTURE)
    assert np.allclose(at(texture, 0.25, 0.25, 0), (PIXELS[0, 0] + PIXELS[0, 1]) / 2)
    assert np.allclose(at(texture, 0.0, 0.25, 0), (PIXELS[0, 3] + PIXELS[0, 0]) / 2)  # wraps
    assert np.allclose(at(texture, 0.25, 0.5, 0), PIXELS[:, :2].mean(axis=(0, 1)))
    q = np.array([[0.125, 0.25, 0], [1.125, 2.25, 0], [-0.875, -1.75, 3]])
    assert np.allclose(texture.colors_at(q), PIXELS[0, 0])  # the image repeats


def test_scale_repeats_the_image_more_often():
    texture = ImageTexture(FIXTURE, scale=2)
    assert np.array_equal(at(texture, 0.5 / 8, 0.5 / 4, 0), PIXELS[0, 0])
    assert np.array_equal(at(texture, 3.5 / 8, 1.5 / 4, 0), PIXELS[1, 3])


def test_spherical_mapping_faces_the_image_centre_to_minus_z():
    texture = ImageTexture(FIXTURE, mapping="spherical", center=_point(1, 2, 3))
    u, v = texture.uv(np.array([[1, 2, 2.0], [1, 1, 3.0], [1, 3, 3.0], [2, 2, 3.0]]))
    assert np.allclose(u[:1], 0.5)  # facing the camera: the middle column
    assert np.allclose(v, [0.5, 0.0, 1.0, 0.5])  # top (-y), bottom (+y), equator
    assert np.allclose(u[3], 0.75)  # a quarter turn to the right
    expected = PIXELS[:, 1:3].mean(axis=(0, 1))
    assert np.allclose(at(texture, 1, 2, 2), expected)


def test_cylindrical_mapping_wraps_around_the_vertical_axis():
    texture = ImageTexture(FIXTURE, mapping="cylindrical", scale=1)
    u, v = texture.uv(np.array([[0, 0.3, -1.0], [-1, 0.3, 0.0], [0, -0.3, 5.0]]))
    assert np.allclose(u, [0.5, 0.25, 1.0])
    assert np.allclose(v, [0.3, 0.3, -0.3])


def test_bilinear_stays_in_range_on_random_coordinates():
    rng = np.random.default_rng(4)
    u, v = rng.uniform(-10, 10, (2, 5000))
    out = bilinear(PIXELS, u, v)
    assert out.min() >= 0
    assert out.max() <= 1


def test_it_travels_as_8_bit_pixels_and_arrives_identical():
    texture = ImageTexture(FIXTURE, mapping="spherical")
    data = cloudpickle.dumps(texture)
    copy = pickle.loads(data)
    assert np.array_equal(copy.pixels, texture.pixels)
    p = np.random.default_rng(1).uniform(-2, 2, (500, 3))
    assert np.array_equal(copy.colors_at(p), texture.colors_at(p))


SCENE = """\
from tracer import *
WIDTH = 40
HEIGHT = 24
CAMERA = Vector(0, 0, -1)
OBJECTS = [
    Plane(Point(0, 0, 2), Vector(0, 0, -1), Material(ImageTexture("{name}", scale=0.25),
          ambient=0.0, specular=0.0, reflection=0.0)),
]
LIGHTS = [Light(Point(0, 0, -1))]
"""


def test_a_scene_reads_its_image_beside_it_and_records_it(tmp_path):
    shutil.copy(FIXTURE, tmp_path / "wall.png")
    scene = tmp_path / "scene.py"
    scene.write_text(SCENE.format(name="wall.png"))
    loaded = load(SceneSource.from_path(scene), RenderSettings())
    assert list(loaded.files) == [str(tmp_path / "wall.png")]
    image = render_image(SceneSource.from_path(scene), RenderSettings())
    # The wall spans x in [-3, 3]: the image (4 units wide at scale 1/4) shows its colours.
    rgb = image.reshape(-1, 3).astype(int)
    for c in range(3):  # somewhere red, somewhere green, somewhere blue dominates
        others = rgb.sum(axis=1) - rgb[:, c]
        assert ((rgb[:, c] > 60) & (rgb[:, c] > 2 * others)).any()


def test_a_textured_material_is_not_plain():
    material = Material(ImageTexture(FIXTURE))
    p = np.array([[0.125, 0.25, 0.0]])
    assert np.array_equal(material.colors_at(p)[0], PIXELS[0, 0])


def _point(x, y, z):
    from tracer import Point

    return Point(x, y, z)


@pytest.mark.parametrize("mapping", ["planar", "spherical", "cylindrical"])
def test_every_mapping_is_deterministic(mapping):
    p = np.random.default_rng(9).uniform(-3, 3, (1000, 3))
    first = ImageTexture(FIXTURE, mapping=mapping, scale=1.7).colors_at(p)
    assert np.array_equal(first, ImageTexture(FIXTURE, mapping=mapping, scale=1.7).colors_at(p))


def _blank_png(path: Path, width: int, height: int) -> None:
    """Write a black RGB PNG of any size without holding its pixels (compressed row by row)."""
    z = zlib.compressobj(9)
    row = bytes(1 + 3 * width)  # a filter byte, then the row's pixels
    data = b"".join(z.compress(row) for _ in range(height)) + z.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
    path.write_bytes(png + chunk(b"IEND", b""))


def test_an_image_above_the_pixel_limit_is_refused_at_the_scene_line(tmp_path):
    _blank_png(tmp_path / "huge.png", 12000, 12000)
    scene = tmp_path / "scene.py"
    scene.write_text(SCENE.format(name="huge.png"))
    with pytest.raises(SceneError) as err:
        load(SceneSource.from_path(scene), RenderSettings())
    assert (err.value.filename, err.value.lineno) == (str(scene), 6)
    assert err.value.message == (
        f"image too large: {tmp_path / 'huge.png'} has 12000x12000: 144 megapixels; "
        "ImageTexture takes at most 67 (8192x8192): scale it down"
    )


#: Load a scene in a fresh process; print its peak memory in MiB.
PEAK = """
import resource, sys
from tracer import RenderSettings, SceneSource
from tracer.kernel.render import load
load(SceneSource.from_path(sys.argv[1]), RenderSettings())
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def _peak_mib(scene: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(scene)], capture_output=True, text=True, check=True
    )
    return int(done.stdout)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
def test_a_big_texture_costs_its_8_bit_pixels_not_8_times_more(tmp_path):
    shutil.copy(FIXTURE, tmp_path / "small.png")
    _blank_png(tmp_path / "big.png", 4096, 4096)  # 48 MiB as 8-bit RGB, 384 MiB as float64
    for name in ("small", "big"):
        (tmp_path / f"{name}.py").write_text(SCENE.format(name=f"{name}.png"))
    grown = _peak_mib(tmp_path / "big.py") - _peak_mib(tmp_path / "small.py")
    assert grown < 3 * 48, f"loading a 4096x4096 texture took {grown} MiB more"
