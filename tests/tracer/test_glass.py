"""Glass: Fresnel and Snell against their analytic answers, slabs, invisibility (pbrt style)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tests.tracer.helpers import write_scene
from tracer import RenderSettings, SceneSource
from tracer.kernel.records import Rays
from tracer.kernel.render import cache, render_image
from tracer.kernel.stages import nearest, normals
from tracer.kernel.trace import MIN_DISPLACE
from tracer.pick import pick
from tracer.shading.glass import fresnel, refract

RNG_SEED = 20261202


def transmitted_power(cos_i, eta):
    """Return the transmittance from the Fresnel amplitude coefficients (a separate formula)."""
    sin2_t = eta * eta * (1 - cos_i * cos_i)
    cos_t = np.sqrt(1 - sin2_t)
    n1, n2 = eta, 1.0  # only the ratio matters
    ts = 2 * n1 * cos_i / (n1 * cos_i + n2 * cos_t)
    tp = 2 * n1 * cos_i / (n2 * cos_i + n1 * cos_t)
    return (n2 * cos_t) / (n1 * cos_i) * 0.5 * (ts * ts + tp * tp)


def test_reflectance_and_transmittance_add_up_to_one():
    rng = np.random.default_rng(RNG_SEED)
    cos_i = rng.uniform(0.01, 1.0, 5000)
    eta = 1 / rng.uniform(1.0, 2.5, 5000)  # air into glass: never total reflection
    r, _cos_t = fresnel(cos_i, eta)
    assert np.all((r >= 0) & (r <= 1))
    np.testing.assert_allclose(r + transmitted_power(cos_i, eta), 1.0, atol=1e-12)


def test_published_reflectances():
    one = np.ones(1)
    assert fresnel(one, one / 1.5)[0][0] == pytest.approx(0.04, abs=1e-15)  # 4 % head on
    assert fresnel(one, one / 1.33)[0][0] == pytest.approx(0.02006, abs=1e-5)  # water
    c45 = np.full(1, math.cos(math.radians(45)))
    assert fresnel(c45, one / 1.5)[0][0] == pytest.approx(0.05023, abs=1e-5)
    # at Brewster's angle the p polarisation is not reflected at all: R = Rs / 2
    cb = np.full(1, math.cos(math.atan(1.5)))
    assert fresnel(cb, one / 1.5)[0][0] == pytest.approx(0.5 * 0.1479, abs=1e-4)
    assert fresnel(one, one)[0][0] == 0.0  # no change of index, nothing reflected


def test_total_internal_reflection_past_the_critical_angle():
    critical = math.asin(1 / 1.5)  # glass to air: 41.8 degrees
    angles = np.radians(np.linspace(0, 89.9, 2000))
    r, cos_t = fresnel(np.cos(angles), np.full(angles.size, 1.5))
    past = angles > critical + 1e-9
    below = angles < critical - 1e-9
    assert np.all(r[past] == 1.0)
    assert np.all(cos_t[past] == 0.0)
    assert np.all(r[below] < 1.0)
    assert r[below][-1] > 0.5  # it climbs steeply as the angle nears the critical one


def test_refraction_obeys_snell_and_stays_in_the_plane_of_incidence():
    rng = np.random.default_rng(RNG_SEED + 1)
    n = rng.normal(size=(3, 1000))
    n /= np.linalg.norm(n, axis=0)
    d = rng.normal(size=(3, 1000))
    d -= n * np.maximum(np.einsum("ij,ij->j", d, n) + 0.05, 0)  # head into the surface
    d /= np.linalg.norm(d, axis=0)
    cos_i = -np.einsum("ij,ij->j", d, n)
    eta = 1 / rng.uniform(1.1, 2.0, 1000)
    _r, cos_t = fresnel(cos_i, eta)
    t = np.array(refract(tuple(d), tuple(n), eta, cos_i, cos_t))
    np.testing.assert_allclose(np.linalg.norm(t, axis=0), 1.0, atol=1e-12)
    sin_i = np.linalg.norm(np.cross(d.T, n.T), axis=1)
    sin_t = np.linalg.norm(np.cross(t.T, n.T), axis=1)
    np.testing.assert_allclose(eta * sin_i, sin_t, atol=1e-12)  # n1 sin i = n2 sin t
    np.testing.assert_allclose(np.einsum("ij,ij->j", np.cross(d.T, n.T).T, t), 0, atol=1e-12)
    assert np.all(np.einsum("ij,ij->j", t, n) < 0)  # it goes on through


SLAB = """\
from tracer import *
WIDTH, HEIGHT = 8, 8
CAMERA = Vector(0, 0, -1)
OBJECTS = [Box(Point(-50, -50, 1), Point(50, 50, 1.4), Glass({ior}))]
LIGHTS = []
"""


def through(kernel, o, d):
    """Return the glass hits of rays (o, d) at their nearest surface, and the hit points."""
    hits = nearest(kernel, Rays(o, d))
    t, hit, prim = hits.t, hits.obj, hits.prim
    assert np.all(hit == 0)
    p = tuple(o[a] + d[a] * t for a in range(3))
    n = normals(kernel, p, d, hit, prim)
    return kernel.model.scattering(kernel.material_of(hit, prim), d, n, t), p


@pytest.mark.parametrize("ior", [1.33, 1.5, 2.4])
def test_a_slab_shifts_a_ray_but_does_not_bend_it(tmp_path, ior):
    path = write_scene(tmp_path, "slab.py", SLAB.format(ior=ior))
    kernel = cache.load(SceneSource.from_path(path), RenderSettings()).kernel
    rng = np.random.default_rng(RNG_SEED + 2)
    d = rng.normal(size=(3, 500))
    d[2] = np.abs(d[2]) + 0.5  # toward the slab, up to about 70 degrees off its normal
    d /= np.linalg.norm(d, axis=0)
    o = tuple(np.zeros(500) + c for c in (0.0, 0.0, 0.0))
    entry, p = through(kernel, o, tuple(d))
    assert entry.through.size == 500
    inner_o, inner_d = entry.refracted(p, MIN_DISPLACE)
    bent = np.einsum("ij,ij->j", np.array(inner_d), d)
    assert np.all(bent < 1 - 1e-6) or ior == 1.0  # inside, the ray is bent toward the normal
    exit_hits, q = through(kernel, inner_o, inner_d)
    assert exit_hits.through.size == 500  # parallel faces: never totally reflected
    _o, out_d = exit_hits.refracted(q, MIN_DISPLACE)
    np.testing.assert_allclose(np.array(out_d), d, atol=1e-12)  # same direction as it came
    line = np.array(q) - np.einsum("ij,ij->j", np.array(q), d) * d  # off the original line
    shift = np.linalg.norm(line, axis=0)
    oblique = d[2] < 0.99
    assert np.all(shift[oblique] > 1e-3)
    # the shift of a slab of thickness h: h sin(i - r) / cos r
    cos_i = d[2]
    sin_r = np.sqrt(1 - cos_i * cos_i) / ior
    cos_r = np.sqrt(1 - sin_r * sin_r)
    sin_i = np.sqrt(1 - cos_i * cos_i)
    expected = 0.4 * (sin_i * cos_r - cos_i * sin_r) / cos_r
    np.testing.assert_allclose(shift, expected, atol=1e-3)  # the offsets are 1e-4


SCENE = """\
from tracer import *
WIDTH, HEIGHT = 96, 54
CAMERA = LookAtCamera(Point(0, -1, -3), look_at=Point(0, 0, 1), fov=60)
BACKGROUND = Sky(Color(0.2, 0.4, 0.8), Color(0.9, 0.9, 1.0))
OBJECTS = [
    Plane(Point(0, 0.5, 0), Vector(0, -1, 0), ChequeredMaterial(reflection=0)),
    Sphere(Point(0.3, 0, 1.5), 0.5, Material(Color(0.9, 0.2, 0.1), reflection=0)),
]
LIGHTS = [Light(Point(-2, -5, -2), Color(1, 1, 1))]
"""
EXTRA = """OBJECTS += [
    Sphere(Point(-0.2, -0.1, 0.6), 0.45, Glass(1.0)),
    Box(Point(0.4, -0.6, 0.2), Point(1.2, 0.45, 0.4), Glass(ior=1.0)),  # off the floor
]
"""


@pytest.mark.parametrize("shadows", [False, True], ids=["no-shadows", "shadows"])
def test_glass_of_index_one_is_invisible(tmp_path, shadows):
    plain = write_scene(tmp_path, "plain.py", SCENE)
    glass = write_scene(tmp_path, "glass.py", SCENE + EXTRA)
    settings = RenderSettings(shadows=shadows)
    a = render_image(SceneSource.from_path(plain), settings).astype(int)
    b = render_image(SceneSource.from_path(glass), settings).astype(int)
    assert np.abs(a - b).max() <= 1  # a rounding hair: rays restart a step past the glass
    assert np.count_nonzero(np.abs(a - b).max(axis=2)) <= a.shape[0] * a.shape[1] // 100


def test_real_glass_is_visible_and_tinted(tmp_path):
    plain = write_scene(tmp_path, "plain.py", SCENE)
    tinted = SCENE + EXTRA.replace("Glass(1.0)", "Glass(1.5, Color(0.2, 1, 0.2))")
    glass = write_scene(tmp_path, "glass.py", tinted)
    a = render_image(SceneSource.from_path(plain), RenderSettings()).astype(int)
    b = render_image(SceneSource.from_path(glass), RenderSettings()).astype(int)
    changed = np.abs(a - b).max(axis=2) > 8
    assert changed.sum() > 300
    # seen through the green ball, red and blue drop much more than green
    ball = (slice(20, 30), slice(36, 44))
    assert (a[ball][..., 0] - b[ball][..., 0]).mean() > 2 * (
        a[ball][..., 1] - b[ball][..., 1]
    ).mean()


INSIDE = """\
from tracer import *
WIDTH, HEIGHT = 8, 8
CAMERA = Vector(0, 0, -1)
OBJECTS = [
    Sphere(Point(0, 0, 0), 1.0, Glass(1.5)),
    Sphere(Point(5, 0, 0), 1.0, Material(Color(1, 0, 0))),
]
LIGHTS = []
"""


def test_a_ray_inside_a_glass_sphere_hits_its_far_side_and_a_plain_one_keeps_puray_rule(tmp_path):
    path = write_scene(tmp_path, "inside.py", INSIDE)
    kernel = cache.load(SceneSource.from_path(path), RenderSettings()).kernel
    rng = np.random.default_rng(RNG_SEED + 3)
    d = rng.normal(size=(3, 200))
    d /= np.linalg.norm(d, axis=0)
    hits = nearest(kernel, Rays((0.0, 0.0, 0.0), tuple(d)))
    t, hit = hits.t, hits.obj
    assert np.all(hit == 0)
    np.testing.assert_allclose(t, 1.0, atol=1e-12)
    hit = nearest(kernel, Rays((5.0, 0.0, 0.0), tuple(d))).obj
    assert not np.any(hit == 1)  # from inside a plain sphere: no hit on it (Puray's near root)


def test_absorption_darkens_with_the_distance_inside(tmp_path):
    body = SCENE + EXTRA.replace("Glass(1.0)", "Glass(1.0, absorption={a})")
    images = []
    for a in (0.0, 1.0, 3.0):
        path = write_scene(tmp_path, f"a{a}.py", body.format(a=a))
        images.append(render_image(SceneSource.from_path(path), RenderSettings()).astype(int))
    ball = (slice(20, 30), slice(36, 44))
    means = [float(img[ball].mean()) for img in images]
    assert means[0] > means[1] > means[2]


GLASS_SCENE = Path(__file__).resolve().parents[2] / "scenes" / "glass.py"


def test_the_pick_follows_a_ray_into_a_glass_ball_and_out_again():
    settings = RenderSettings(width=160, height=90, max_depth=5)
    p = pick(cache.load(SceneSource.from_path(GLASS_SCENE), settings), settings, 67, 41)
    ball = p.bounces[0]
    assert (ball.object.index, ball.material.type) == (1, "Glass")
    assert ball.fresnel == pytest.approx(0.04, abs=0.02)  # nearly head on: about 4 %
    inside = [b for b in p.children(0) if b.kind == "refraction"]
    assert len(inside) == 1
    assert inside[0].weight == 1 - ball.fresnel
    assert ball.transmission == pytest.approx((1 - ball.fresnel,) * 3)  # clear: no tint
    k = p.bounces.index(inside[0])
    out = [b for b in p.children(k) if b.kind == "refraction"]
    assert len(out) == 1  # it leaves through the far side
    assert inside[0].object.index == 1  # the far side of the same ball
    assert np.dot(inside[0].normal, inside[0].direction) < 0  # normal turned toward the ray
