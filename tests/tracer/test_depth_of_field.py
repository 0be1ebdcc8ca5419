"""Depth of field: a thin lens that keeps today's pinhole at aperture 0, focuses where it says,
and gives the same picture on any number of workers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.tracer.helpers import collect
from tests.tracer.test_background import TODAY, today
from tracer import LookAtCamera, Point, RenderSettings, SceneSource
from tracer.kernel.render import render_image
from tracer.sampling import LensSamples, concentric_disk, progressive
from tracer.workers.service import RenderService, RowsReady


def render_text(tmp_path: Path, text: str, name: str = "scene.py", **settings) -> np.ndarray:
    scene = tmp_path / name
    scene.write_text(text)
    return render_image(SceneSource.from_path(scene), RenderSettings(**settings))


@pytest.mark.parametrize(
    "lens", ["", ", aperture=0", ", aperture=0.0, focus_distance=3.0", ", focus_distance=None"]
)
def test_aperture_zero_gives_todays_pinhole_pixels(tmp_path, lens):
    image = render_text(tmp_path, TODAY.format(lens=lens), samples=2, shadows=True)
    assert np.array_equal(image, today())


#: A black and white checked wall on the focus plane and a finely checked ball in front.
FOCUS = """\
from tracer import *
WIDTH = 96
HEIGHT = 54
CAMERA = LookAtCamera(Point(0, 0, 0), look_at=Point(0, 0, 6), fov=60{lens})
BW = dict(ambient=0.0, diffuse=1.0, specular=0.0, reflection=0.0)
BLACK, WHITE = Color(0, 0, 0), Color(1, 1, 1)
OBJECTS = [
    Plane(Point(0, 0, 6), Vector(0, 0, -1), Material(Checker(BLACK, WHITE, 0.4), **BW)),
    Sphere(Point(-0.8, 0, 2.5), 0.5, Material(Checker(BLACK, WHITE, 0.1), **BW)),
]
LIGHTS = [Light(Point(0, 0, -1))]
"""
BALL = (slice(21, 34), slice(14, 28))  # inside the ball's disc in the picture
WALL = (slice(8, 46), slice(60, 92))  # wall only, well away from the ball


def contrast(image: np.ndarray, region) -> float:
    """Return the mean absolute difference between neighbouring pixels (grey levels)."""
    g = image[region].astype(float).mean(axis=2)
    return np.abs(np.diff(g, axis=0)).mean() + np.abs(np.diff(g, axis=1)).mean()


@pytest.fixture(scope="module")
def focus_renders(tmp_path_factory):
    folder = tmp_path_factory.mktemp("focus")
    lenses = {
        "pinhole": "",
        "on the wall": ", aperture=0.3",  # focus_distance None: look_at, on the wall
        "on the ball": ", aperture=0.3, focus_distance=2.1",
    }
    return {
        name: render_text(folder, FOCUS.format(lens=lens), f"{k}.py", samples=4)
        for k, (name, lens) in enumerate(lenses.items())
    }


def test_the_focus_plane_is_sharp_and_the_foreground_blurred(focus_renders):
    pinhole, focused = focus_renders["pinhole"], focus_renders["on the wall"]
    assert contrast(focused, WALL) >= 0.95 * contrast(pinhole, WALL)
    assert contrast(focused, BALL) < 0.6 * contrast(pinhole, BALL)


def test_focusing_nearer_sharpens_the_ball_and_blurs_the_wall(focus_renders):
    pinhole, focused = focus_renders["pinhole"], focus_renders["on the ball"]
    assert contrast(focused, BALL) >= 0.9 * contrast(pinhole, BALL)
    assert contrast(focused, WALL) < 0.75 * contrast(pinhole, WALL)


def test_the_blur_keeps_the_average_colour(focus_renders):
    pinhole, focused = focus_renders["pinhole"], focus_renders["on the wall"]
    diff = focused[BALL].astype(float).mean() - pinhole[BALL].astype(float).mean()
    assert abs(diff) < 12  # light is spread around, not lost or added


def camera(**lens) -> LookAtCamera:
    cam = LookAtCamera(Point(0.5, -1, -3), look_at=Point(0, 0.2, 2), fov=50, **lens)
    cam.prepare()
    return cam


def test_every_lens_ray_of_a_pixel_meets_the_same_point_of_the_focus_plane():
    rng = np.random.default_rng(3)
    n = 2000
    px, py = rng.uniform(0, 319, n), rng.uniform(0, 179, n)
    lens = (rng.uniform(0, 1, n), rng.uniform(0, 1, n))
    cam = camera(aperture=0.4, focus_distance=4.0)
    o, d = cam.rays(px, py, 320, 180, lens=lens)
    _, d0 = camera().rays(px, py, 320, 180)
    forward = np.array([-0.5, 1.2, 5]) / np.linalg.norm([-0.5, 1.2, 5])
    pos = np.array([0.5, -1, -3.0])
    o, d, d0 = np.array(o), np.array(d), np.array(d0)
    focus = pos[:, None] + d0 * (4.0 / (forward @ d0))  # the pinhole ray on the plane
    along = np.sum((focus - o) * d, axis=0)
    assert np.allclose(o + d * along, focus, atol=1e-9)
    offset = o - pos[:, None]
    assert np.allclose(forward @ offset, 0, atol=1e-12)  # the lens is square to the view
    assert np.linalg.norm(offset, axis=0).max() <= 0.2 + 1e-12  # within the aperture
    assert np.allclose(np.linalg.norm(d, axis=0), 1)


def test_focus_distance_none_focuses_on_look_at():
    cam = camera(aperture=0.4)
    centre = (np.array([159.5]), np.array([89.5]))
    for u in (0.1, 0.5, 0.9):
        o, d = cam.rays(*centre, 320, 180, lens=(np.array([u]), np.array([1 - u])))
        look_at = np.array([0, 0.2, 2.0])
        p = np.array(o).ravel()
        toward = (look_at - p) / np.linalg.norm(look_at - p)
        assert np.allclose(np.array(d).ravel(), toward, atol=1e-12)


@pytest.mark.parametrize("n", [2, 4])
def test_lens_samples_fill_each_pixels_strata_once(n):
    pixels = np.arange(1000, 1500, dtype=np.int64)
    cells = []
    for k in range(n * n):  # the first 4 (16) samples: one in each of the 2x2 (4x4) strata
        u, v = progressive(pixels, k, seed=5, stream=1)
        assert ((u >= 0) & (u < 1) & (v >= 0) & (v < 1)).all()
        cells.append(np.floor(u * n) + n * np.floor(v * n))
    cells = np.array(cells)
    assert (np.sort(cells, axis=0) == np.arange(n * n)[:, None]).all()
    orders = len({tuple(c) for c in cells.T})  # pixels visit the strata in their own order
    assert orders > (100 if n == 4 else 4)  # (a shifted Sobol net has 8 orders of 4 quarters)


def test_lens_samples_are_a_pure_function_of_pixel_sample_and_seed():
    cam = camera(aperture=0.2)
    whole = LensSamples(cam, 0, 600, seed=9)
    part = LensSamples(cam, 200, 400, seed=9)  # another worker's rows
    for k in range(4):
        a, b = whole.at(k)["lens"], part.at(k)["lens"]
        assert np.array_equal(a[0][200:400], b[0])
        assert np.array_equal(a[1][200:400], b[1])
    other = LensSamples(cam, 0, 600, seed=10).at(0)["lens"]
    assert not np.array_equal(other[0], whole.at(0)["lens"][0])
    assert LensSamples(camera(), 0, 600, seed=9).at(0) == {}  # a pinhole gets none


def test_concentric_disk_stays_in_the_disk_and_keeps_the_centre():
    rng = np.random.default_rng(1)
    x, y = concentric_disk(*rng.uniform(0, 1, (2, 10000)))
    r = np.hypot(x, y)
    assert r.max() <= 1 + 1e-12
    assert abs((r < 0.5).mean() - 0.25) < 0.02  # area preserving: a quarter within r = 1/2
    assert concentric_disk(np.array([0.5]), np.array([0.5])) == (0.0, 0.0)


DOF_SCENE = Path(__file__).resolve().parents[2] / "scenes" / "depth_of_field.py"


def test_one_and_two_workers_give_the_same_picture():
    source = SceneSource.from_path(DOF_SCENE)
    settings = RenderSettings(width=240, height=135, samples=2, seed=3)
    frames = []
    for processes in (1, 2):
        with RenderService(processes=processes) as service:
            frame, events = collect(service, service.submit(source, settings))
        blocks = [ev for ev in events if isinstance(ev, RowsReady) and not ev.coarse]
        assert len(blocks) >= 4  # the frame really is split into blocks
        frames.append(frame)
    assert frames[0] is not None
    assert np.array_equal(frames[0], frames[1])
    assert np.array_equal(frames[0], render_image(source, settings))
    other_seed = render_image(source, settings.with_(seed=4))
    assert not np.array_equal(frames[0], other_seed)  # the lens samples follow the seed
