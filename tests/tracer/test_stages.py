"""The kernel's named stages and the reflectance-model seam: a new model plugs in untouched."""

from __future__ import annotations

import math
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from tests.tracer.helpers import write_scene
from tracer import RenderSettings, SceneSource
from tracer.kernel.records import Rays
from tracer.kernel.render import load, render_rows
from tracer.kernel.stages import nearest, surface
from tracer.pick import pick
from tracer.shading import reflectance
from tracer.shading.model import Branch
from tracer.shading.phong import phong, reflect

RNG_SEED = 20261216
KERNEL = Path(__file__).resolve().parents[2] / "tracer" / "kernel"

BALL = """\
from tracer import *
WIDTH, HEIGHT = 48, 27
CAMERA = Vector(0, 0, -1)
BACKGROUND = Color(0.8, 0.4, 0.2)
OBJECTS = [Sphere(Point(0, 0, 3), 1.0, Material(Color(1, 1, 1)))]
LIGHTS = []
"""


class PassThrough:
    """A made-up model: surfaces show nothing of their own and pass half the light straight on."""

    transmits = True

    def lets_through(self, material: object) -> bool:
        return True

    def scattering(self, mat, d, n, t):
        return Pass()

    def transmittance(self, scene, q, L, dist, toward, normals, step):
        return scene.aggregate.occluded(q, L, dist, toward=toward), None

    def fingerprint(self) -> bytes:
        return b"pass"


class Pass:
    """One pass-through bounce: every hit spawns a ray going on in its direction."""

    def normals(self, n):
        return n

    def weigh(self, local, reflection) -> None:
        local[:] = 0.0

    def children(self, p, n, d, step, last):
        if last:
            return []
        rows = np.arange(p[0].size)
        o = tuple(p[a] + d[a] * step for a in range(3))
        return [Branch("pass", rows, o, d, np.full(rows.size, 0.5))]

    def fold(self, local, child) -> None:
        if child is not None:
            local += child * 0.5

    def notes(self, row: int) -> dict:
        return {}


def chords(camera, width: int, height: int) -> np.ndarray:
    """Return each pixel's camera ray's chord through the ball (0: it misses), analytically."""
    ys, xs = np.mgrid[0:height, 0:width].astype(float)
    o, d = camera.rays(xs.ravel(), ys.ravel(), width, height)
    oc = np.array([np.broadcast_to(o[a], d[a].shape) for a in range(3)]) - np.array([[0, 0, 3]]).T
    dd = np.array(d)
    b = np.einsum("ij,ij->j", oc, dd)
    disc = b * b - (np.einsum("ij,ij->j", oc, oc) - 1.0)
    return np.where(disc > 0, 2 * np.sqrt(np.maximum(disc, 0)), 0.0).reshape(height, width)


@pytest.mark.parametrize(("depth", "inside"), [(5, 0.25), (1, 0.0)])
def test_a_new_reflectance_model_plugs_in_without_touching_the_kernel(
    tmp_path, monkeypatch, depth, inside
):
    monkeypatch.setattr(reflectance, "MODELS", (lambda materials: PassThrough(),))
    path = write_scene(tmp_path, "ball.py", BALL)
    settings = RenderSettings(max_depth=depth)
    loaded = load(SceneSource.from_path(path), settings)
    assert isinstance(loaded.kernel.model, PassThrough)
    image = render_rows(loaded, settings, 0, 27).astype(int)
    chord = chords(loaded.scene.camera, 48, 27)
    bg = np.array([0.8, 0.4, 0.2]) * 255
    # through the ball: in at the front, out at the back (both roots), two halvings; or the
    # depth limit stops the ray inside (black)
    assert np.all(np.abs(image[chord > 0.01] - np.rint(bg * inside)) == 0)
    assert np.all(image[chord == 0] == np.rint(bg))
    assert (chord > 0.01).sum() > 40
    x, y = 24, 13  # the middle of the ball
    p = pick(loaded, settings, x, y)
    assert p.rgb == tuple(int(v) for v in image[y, x])
    kinds = [(b.kind, b.parent, b.weight) for b in p.bounces]
    if depth == 5:
        assert kinds == [("camera", None, 1.0), ("pass", 0, 0.5), ("pass", 1, 0.5)]
        assert p.bounces[2].object is None  # out of the ball: the background
    else:
        assert kinds == [("camera", None, 1.0), ("pass", 0, 0.5)]


def test_the_kernel_names_no_reflectance_model():
    for path in KERNEL.glob("*.py"):
        text = path.read_text().lower()
        assert "glass" not in text, path.name
        assert "fresnel" not in text, path.name


class Table:
    """One material and one light, for Phong's equation by hand."""

    camera = (0.0, 0.0, -4.0)
    lights: ClassVar = [((3.0, -4.0, -2.0), (0.9, 0.8, 0.7))]
    ambient = np.array([0.1])
    diffuse = np.array([0.6])
    specular = np.array([0.3])
    spec_k = np.array([50.0])
    one_spec_k = 50.0
    puray = True


class UnitTable(Table):
    """The same, not Puray's scene: the half vector of the unit vectors to light and camera."""

    puray = False


@pytest.mark.parametrize("table", [Table, UnitTable])
def test_phong_is_ambient_plus_lambert_plus_blinn_phong_by_hand(table):
    rng = np.random.default_rng(RNG_SEED)
    for _ in range(50):
        p = rng.uniform(-1, 1, 3)
        n = rng.normal(size=3)
        n /= np.linalg.norm(n)
        oc = rng.uniform(0, 1, 3)
        col = phong(
            table,
            tuple(np.array([c]) for c in p),
            tuple(np.array([c]) for c in n),
            np.zeros(1, dtype=np.intp),
            oc.reshape(3, 1),
        )
        to_light = np.array(Table.lights[0][0]) - p
        L = to_light / math.dist(Table.lights[0][0], p)
        V = np.array(Table.camera) - p  # Puray's: not normalised
        if not table.puray:
            V /= np.linalg.norm(V)
        H = L + V
        H /= np.linalg.norm(H)
        lambert = max(0.0, float(n @ L))
        highlight = max(0.0, float(n @ H)) ** 50
        light = np.array(Table.lights[0][1])
        expected = 0.1 + oc * 0.6 * lambert + 0.3 * light * highlight
        np.testing.assert_allclose(col[:, 0], expected, rtol=1e-12, atol=1e-15)


def test_a_mirror_reflection_keeps_the_angle_and_the_plane_of_incidence():
    rng = np.random.default_rng(RNG_SEED + 1)
    n = rng.normal(size=(3, 500))
    n /= np.linalg.norm(n, axis=0)
    d = rng.normal(size=(3, 500))
    d /= np.linalg.norm(d, axis=0)
    p = rng.normal(size=(3, 500))
    o, r = reflect(tuple(p), tuple(n), tuple(d), 0.001)
    r = np.array(r)
    np.testing.assert_allclose(np.linalg.norm(r, axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(
        np.einsum("ij,ij->j", r, n), -np.einsum("ij,ij->j", d, n), atol=1e-12
    )
    np.testing.assert_allclose(np.cross(d.T - r.T, n.T), 0.0, atol=1e-12)  # d - r along n
    np.testing.assert_allclose(np.array(o) - p, n * 0.001, atol=1e-15)


def test_surface_points_lie_on_the_ball_with_unit_outward_normals(tmp_path):
    path = write_scene(tmp_path, "ball.py", BALL.replace("0.8, 0.4, 0.2", "0.1, 0.2, 0.3"))
    kernel = load(SceneSource.from_path(path), RenderSettings()).kernel
    rng = np.random.default_rng(RNG_SEED + 2)
    d = rng.normal(size=(3, 400)) * 0.1 + np.array([[0], [0], [1.0]])
    d /= np.linalg.norm(d, axis=0)
    rays = Rays((0.0, 0.0, -1.0), tuple(d))
    hits = nearest(kernel, rays)
    idx = hits.found()
    assert idx.size > 100
    hit = surface(kernel, Rays(rays.o, tuple(a[idx] for a in d)), hits.take(idx))
    p, n = np.array(hit.p), np.array(hit.n)
    centre = np.array([[0.0], [0.0], [3.0]])
    np.testing.assert_allclose(np.linalg.norm(p - centre, axis=0), 1.0, atol=1e-12)
    np.testing.assert_allclose(n, p - centre, atol=1e-12)
    assert np.all(hit.mat == 0)
