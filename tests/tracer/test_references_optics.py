"""Glass against optics written down by hand: Fresnel's laws in their sine/tangent form and
published reflectances, an index-1 tinted glass that leaves exactly tint x background, an
object inside tinted glass seen tinted, and a tinted, absorbing slab by Beer-Lambert."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tracer import RenderSettings, SceneSource
from tracer.kernel.render import load, render_rows
from tracer.shading.glass import fresnel


def fresnel_by_hand(theta_i: float, n1: float, n2: float) -> tuple[float, float]:
    """Return (Rs, Rp) by Fresnel's sine and tangent laws (Hecht, Optics, 4.42-4.43)."""
    if theta_i == 0:
        r = ((n1 - n2) / (n1 + n2)) ** 2
        return r, r
    theta_t = math.asin(n1 / n2 * math.sin(theta_i))
    rs = math.sin(theta_i - theta_t) ** 2 / math.sin(theta_i + theta_t) ** 2
    rp = math.tan(theta_i - theta_t) ** 2 / math.tan(theta_i + theta_t) ** 2
    return rs, rp


def engine_r(theta_i: float, n1: float, n2: float) -> float:
    r, _cos_t = fresnel(np.array([math.cos(theta_i)]), np.array([n1 / n2]))
    return float(r[0])


@pytest.mark.parametrize(("n2", "published"), [(1.5, 0.04), (1.333, 0.0204), (2.417, 0.1719)])
def test_head_on_reflectance_is_the_square_of_the_index_contrast(n2, published):
    expected = ((1 - n2) / (1 + n2)) ** 2
    assert expected == pytest.approx(published, abs=1e-4)  # water, glass, diamond
    assert engine_r(0.0, 1.0, n2) == pytest.approx(expected, rel=1e-12)
    assert engine_r(0.0, n2, 1.0) == pytest.approx(expected, rel=1e-12)  # from inside too


@pytest.mark.parametrize("degrees", [10, 30, 45, 60, 75, 85, 89])
@pytest.mark.parametrize("n2", [1.33, 1.5, 2.4])
def test_oblique_reflectance_is_the_mean_of_the_sine_and_tangent_laws(degrees, n2):
    rs, rp = fresnel_by_hand(math.radians(degrees), 1.0, n2)
    assert engine_r(math.radians(degrees), 1.0, n2) == pytest.approx((rs + rp) / 2, rel=1e-9)


def test_published_values_for_glass_at_45_degrees():
    rs, rp = fresnel_by_hand(math.radians(45), 1.0, 1.5)
    assert (rs, rp) == (pytest.approx(0.0920, abs=1e-4), pytest.approx(0.0085, abs=1e-4))
    assert engine_r(math.radians(45), 1.0, 1.5) == pytest.approx(0.0503, abs=1e-4)


@pytest.mark.parametrize(("n1", "n2"), [(1.0, 1.5), (1.5, 1.0), (1.0, 2.4)])
def test_at_brewster_s_angle_only_s_light_reflects(n1, n2):
    brewster = math.atan(n2 / n1)
    rs, rp = fresnel_by_hand(brewster, n1, n2)
    assert rp == pytest.approx(0.0, abs=1e-25)
    assert engine_r(brewster, n1, n2) == pytest.approx(rs / 2, rel=1e-9)  # R = (Rs + 0) / 2
    # and nowhere else is R that small for s light: the minimum of R_p is there
    near = [
        engine_r(brewster + dx, n1, n2) - fresnel_by_hand(brewster + dx, n1, n2)[0] / 2
        for dx in (-0.05, 0.05)
    ]
    assert all(x > 1e-6 for x in near)


@pytest.mark.parametrize("n", [1.33, 1.5, 2.4])
def test_total_internal_reflection_beyond_the_critical_angle(n):
    critical = math.asin(1 / n)
    for theta in np.linspace(critical + 1e-6, math.pi / 2 - 1e-6, 50):
        r, cos_t = fresnel(np.array([math.cos(theta)]), np.array([n]))
        assert r[0] == 1.0
        assert cos_t[0] == 0.0
    below = critical - 1e-3
    rs, rp = fresnel_by_hand(below, n, 1.0)
    assert engine_r(below, n, 1.0) == pytest.approx((rs + rp) / 2, rel=1e-6)
    assert engine_r(below, n, 1.0) < 1.0


BG = (0.9, 0.6, 0.4)
TINT = (0.5, 0.8, 0.3)

PANE = """\
from tracer import *
WIDTH, HEIGHT = 64, 48
CAMERA = LookAtCamera(Point(0.3, -0.2, -3), look_at=Point(0, 0, 0), fov=50)
BACKGROUND = Color{bg}
OBJECTS = [{objects}]
LIGHTS = [Light(Point(-2, -3, -4), Color(1, 1, 1))]
"""


def load_text(tmp_path, text: str, name: str = "scene.py"):
    path = tmp_path / name
    path.write_text(text)
    return load(SceneSource.from_path(path), RenderSettings())


def render_with_ids(loaded, settings: RenderSettings | None = None):
    settings = settings or RenderSettings()
    h, w = loaded.scene.height, loaded.scene.width
    ids = np.empty((h, w), dtype=np.int32)
    return render_rows(loaded, settings, 0, h, ids).astype(int), ids


def byte(c) -> np.ndarray:
    return np.rint(np.clip(np.asarray(c) * 255, 0, 255)).astype(int)


@pytest.mark.parametrize(
    "shape",
    ["Sphere(Point(0, 0, 0), 0.8, {g})", "Box(Point(-0.7, -0.5, -0.4), Point(0.6, 0.5, 0.5), {g})"],
    ids=["sphere", "box"],
)
def test_a_tinted_glass_of_index_one_shows_exactly_tint_times_background(tmp_path, shape):
    glass = f"Glass(1.0, Color{TINT})"
    loaded = load_text(tmp_path, PANE.format(bg=BG, objects=shape.format(g=glass)))
    img, ids = render_with_ids(loaded)
    through = ids == 0
    assert 300 < through.sum() < through.size - 300
    tinted = byte(np.multiply(TINT, BG))
    assert (img[through] == tinted).all(), np.unique(img[through], axis=0)
    assert (img[~through] == byte(BG)).all()


def test_an_object_inside_tinted_glass_is_seen_tinted(tmp_path):
    # The ray enters the glass (tinted) and meets a matt ball inside: pixel = tint x ball.
    matt = "Material(Color(1, 1, 1), ambient=0.6, diffuse=0, specular=0, reflection=0)"
    ball = f"Sphere(Point(0, 0, 0), 0.3, {matt})"
    glass = f"Box(Point(-0.9, -0.7, -0.6), Point(0.9, 0.7, 0.6), Glass(1.0, Color{TINT}))"
    loaded = load_text(tmp_path, PANE.format(bg=BG, objects=f"{glass}, {ball}"))
    img, ids = render_with_ids(loaded)
    # the id buffer names the first hit (the glass): through it, the ball or the background
    seen = img[ids == 0]
    ball = (seen != byte(np.multiply(TINT, BG))).any(axis=1)
    assert ball.sum() > 50
    assert (seen[ball] == byte(np.multiply(TINT, 0.6))).all(), np.unique(seen[ball], axis=0)


SLAB = """\
from tracer import *
WIDTH, HEIGHT = 64, 48
CAMERA = LookAtCamera(Point(0.2, -0.1, -2), look_at=Point(0, 0, 1), fov=60)
BACKGROUND = Color{bg}
GLASS = Glass(1.0, Color{tint}, absorption={a})
OBJECTS = [Box(Point(-50, -50, 0.5), Point(50, 50, 0.5 + {h}), GLASS)]
LIGHTS = []
"""


@pytest.mark.parametrize(("h", "a"), [(0.3, 1.0), (0.05, 12.0), (1.0, 0.25)])
def test_a_tinted_absorbing_slab_follows_beer_lambert(tmp_path, h, a):
    loaded = load_text(tmp_path, SLAB.format(bg=BG, tint=TINT, h=h, a=a))
    img, ids = render_with_ids(loaded)
    assert (ids == 0).all()  # every pixel looks through the slab
    cam = loaded.scene.camera
    ys, xs = np.divmod(np.arange(64 * 48), 64)
    _o, d = cam.rays(xs.astype(float), ys.astype(float), 64, 48)
    inside = h / np.abs(d[2])  # the path across the slab: thickness over cos
    expected = byte(np.array(TINT)[:, None] * np.exp(-a * inside) * np.array(BG)[:, None])
    diff = np.abs(img.reshape(-1, 3) - expected.T)
    assert diff.max() <= 1  # exp and the products in another order: a rounding at most
    assert (diff == 0).mean() > 0.95
