"""Textures: analytic answers, determinism, range, composition, and materials that take them.

Invariant tests in the pbrt style: random points with fixed seeds against answers worked
out another way (Python's own floor and parity, a brute-force nearest feature point).
"""

from __future__ import annotations

import math
import pickle
import subprocess
import sys
from pathlib import Path

import cloudpickle
import numpy as np
import pytest

from tests.tracer.helpers import collect
from tracer import (
    Checker,
    ChequeredMaterial,
    Color,
    Marble,
    Material,
    Noise,
    RenderSettings,
    SceneSource,
    Voronoi,
    Wood,
)
from tracer.kernel.render import load, render_image
from tracer.shading.color_source import surface_colors
from tracer.shading.materials import TexturedMaterial, is_plain
from tracer.shading.noise import fbm, perlin, permutation
from tracer.shading.voronoi import features, nearest_features
from tracer.workers.service import RenderService, RowsReady

ROOT = Path(__file__).resolve().parents[2]
RED, BLUE, WHITE = Color(1, 0, 0), Color(0, 0, 1), Color(1, 1, 1)


def points(n: int = 4000, seed: int = 7, spread: float = 20.0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-spread, spread, (n, 3))


def every_texture():
    """One of each procedural texture, some composed (as a scene would write them)."""
    return {
        "checker": Checker(RED, BLUE, size=0.7),
        "noise": Noise(RED, BLUE, scale=1.3, octaves=5),
        "marble": Marble(WHITE, Color(0.2, 0.3, 0.25), scale=2, turbulence=4),
        "wood": Wood(Color(0.85, 0.65, 0.4), Color(0.45, 0.25, 0.1), scale=0.8, rings=6),
        "voronoi": Voronoi(RED, BLUE, scale=3, edge=Color(0, 0, 0)),
        "composed": Marble(Noise(RED, WHITE, scale=3), Voronoi(BLUE, WHITE, scale=2), scale=1.5),
    }


TEXTURE_CODE = """
import numpy as np, sys
sys.path.insert(0, {root!r})
from tests.tracer.test_textures import every_texture, points
for name, texture in every_texture().items():
    sys.stdout.write(name + " " + texture.colors_at(points()).tobytes().hex()[:20000] + "\\n")
"""


def test_textures_give_the_same_colours_in_another_process():
    here = {name: t.colors_at(points()) for name, t in every_texture().items()}
    code = TEXTURE_CODE.format(root=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    there = dict(line.split(" ", 1) for line in out.splitlines())
    assert set(there) == set(here)
    for name, colors in here.items():
        assert colors.tobytes().hex()[:20000] == there[name], name


@pytest.mark.parametrize("name", list(every_texture()))
def test_textures_are_deterministic_in_range_and_vary(name):
    texture = every_texture()[name]
    p = points()
    first = texture.colors_at(p)
    assert first.shape == (len(p), 3)
    assert first.dtype == np.float64
    assert np.array_equal(first, texture.colors_at(p.copy()))  # a second call
    assert np.array_equal(first, every_texture()[name].colors_at(p))  # a second instance
    assert (first >= 0).all()
    assert (first <= 1).all()
    shades = len(np.unique(first.round(6), axis=0))
    assert shades == 2 if name == "checker" else shades > 100  # a pattern, not a flat colour
    # Each point's colour depends only on that point: any subset gives the same colours.
    assert np.array_equal(first[::3], texture.colors_at(p[::3]))


@pytest.mark.parametrize("name", list(every_texture()))
def test_textures_survive_the_trip_to_another_worker(name):
    texture = every_texture()[name]
    p = points(500)
    copy = pickle.loads(cloudpickle.dumps(texture))
    assert np.array_equal(copy.colors_at(p), texture.colors_at(p))


def test_checker_matches_the_parity_of_the_cells():
    size = 0.37
    checker = Checker(RED, BLUE, size=size)
    p = points(5000, seed=3)
    got = checker.colors_at(p)
    for (x, y, z), rgb in zip(p.tolist(), got, strict=True):
        cells = sum(math.floor(c / size + Checker.BIAS) for c in (x, y, z))
        expected = (1, 0, 0) if cells % 2 == 0 else (0, 0, 1)
        assert tuple(rgb) == expected


def test_a_floor_on_a_cell_boundary_does_not_speckle():
    # Hit points of a plane at y = 0 or y = size round to either side of the boundary.
    rng = np.random.default_rng(5)
    checker = Checker(RED, BLUE, size=0.5)
    for level in (0.0, 0.5, -1.0):
        xz = rng.uniform(-3, 3, (2000, 2))
        wobble = rng.choice([-1, 0, 1], 2000) * np.spacing(max(abs(level), 1e-300)) * 4
        p = np.stack([xz[:, 0], level + wobble, xz[:, 1]], axis=1)
        flat = np.stack([xz[:, 0], np.full(2000, level), xz[:, 1]], axis=1)
        assert np.array_equal(checker.colors_at(p), checker.colors_at(flat))


def test_perlin_noise_is_zero_on_the_lattice_and_smooth_between():
    lattice = np.random.default_rng(2).integers(-50, 50, (300, 3)).astype(np.float64)
    assert np.all(perlin(lattice) == 0.0)
    p = points(2000, spread=30)
    n = perlin(p)
    assert np.abs(n).max() <= 1.0
    assert n.std() > 0.1
    step = 1e-6
    near = perlin(p + step)
    assert np.abs(near - n).max() < 1e-4  # continuous: a tiny step, a tiny change


def test_the_permutation_table_is_a_permutation_and_depends_on_the_seed():
    table = permutation(0)
    assert sorted(table[:256].tolist()) == list(range(256))
    assert np.array_equal(table[:256], table[256:])
    assert not np.array_equal(permutation(1), table)
    p = points(200)
    assert not np.array_equal(fbm(p, 3, seed=1), fbm(p, 3, seed=0))


def test_voronoi_finds_the_nearest_feature_points():
    p = points(300, seed=11, spread=4)
    f1, f2, _ = nearest_features(p, seed=0)
    # Brute force: the feature points of all 7x7x7 cubes around each point.
    offsets = np.array(np.meshgrid(*[np.arange(-3, 4)] * 3, indexing="ij")).reshape(3, -1).T
    for q, a, b in zip(p, f1, f2, strict=True):
        feats, _ = features(np.floor(q).astype(np.int64) + offsets, seed=0)
        order = np.argsort(np.linalg.norm(feats - q, axis=1))
        assert np.array_equal(a, feats[order[0]])
        assert np.array_equal(b, feats[order[1]])


def test_voronoi_edges_follow_the_bisector():
    black = Color(0, 0, 0)
    cells = Voronoi(RED, RED, scale=1, edge=black)
    p = points(3000, spread=5)
    f1, f2, _ = nearest_features(p, seed=0)
    gap = np.linalg.norm(p - f2, axis=1) - np.linalg.norm(p - f1, axis=1)
    colors = cells.colors_at(p)
    assert np.all(colors[gap > 0.2] == [1, 0, 0])  # far from any edge: the cell's colour
    assert np.all(colors[gap < 1e-3, 0] < 0.1)  # on the bisector: the edge colour


def test_textures_compose_with_textures_and_user_textures():
    class Stripes:  # a user's texture: only colors_at, no base class
        def colors_at(self, p):
            return np.where((np.floor(p[:, :1] * 4) % 2) == 0, [0.0, 1.0, 0.0], [1.0, 1.0, 1.0])

    p = points(3000, spread=2)
    inner = Noise(RED, BLUE, scale=2)
    composed = Checker(inner, Stripes(), size=0.5)
    got = composed.colors_at(p)
    even = Checker(WHITE, Color(0, 0, 0), size=0.5).colors_at(p)[:, 0] == 1
    assert np.array_equal(got[even], inner.colors_at(p)[even])
    assert np.array_equal(got[~even], Stripes().colors_at(p)[~even])


def test_materials_take_textures_and_plain_colours_stay_plain():
    marble = Marble(WHITE, BLUE)
    textured = Material(color=marble, reflection=0.2)
    assert isinstance(textured, TexturedMaterial)
    assert textured.reflection == 0.2
    assert not is_plain(textured)
    assert is_plain(Material(RED))
    assert type(Material(RED)) is Material
    p = points(100)
    assert np.array_equal(surface_colors(textured, p), marble.colors_at(p))
    positional = Material(marble, 0.1)
    assert isinstance(positional, TexturedMaterial)
    assert positional.ambient == 0.1
    copy = pickle.loads(cloudpickle.dumps(textured))
    assert np.array_equal(surface_colors(copy, p), marble.colors_at(p))
    scalar = textured.color_at(type("P", (), {"x": 0.3, "y": 0.2, "z": 0.1})())
    assert np.allclose(
        [scalar.x, scalar.y, scalar.z], marble.colors_at(np.array([[0.3, 0.2, 0.1]]))[0]
    )


WALL = """\
from tracer import *
WIDTH = 48
HEIGHT = 32
CAMERA = Vector(0, 0, -1)
MATTE = dict(ambient=0.0, diffuse=1.0, specular=0.0, reflection=0.0)
LIGHTS = [Light(Point(0, 0, -1))]
"""


def render_wall(tmp_path: Path, material: str) -> np.ndarray:
    scene = tmp_path / "wall.py"
    scene.write_text(WALL + f"OBJECTS = [Plane(Point(0, 0, 2), Vector(0, 0, -1), {material})]\n")
    return render_image(SceneSource.from_path(scene), RenderSettings())


def test_a_textured_wall_shows_the_texture(tmp_path):
    # Diffuse light only: each pixel is the texture's colour where its ray meets z = 2, dimmed.
    image = render_wall(
        tmp_path, "Material(Checker(Color(1, 0, 0), Color(0, 0, 1), 0.25), **MATTE)"
    )
    w, h = 48, 32
    aspect = w / h
    for j in range(h):
        for i in range(w):
            # Puray's camera: from (0, 0, -1) through (x, y, 0); the wall is at z = 2.
            x = (-1 + i * 2 / (w - 1)) * 3
            y = (-1 / aspect + j * 2 / aspect / (h - 1)) * 3
            if min(abs(x / 0.25 - round(x / 0.25)), abs(y / 0.25 - round(y / 0.25))) < 0.05:
                continue  # too close to a boundary to call
            cells = math.floor(x / 0.25) + math.floor(y / 0.25) + math.floor(2 / 0.25 + 1e-6)
            r, g, b = image[j, i]
            assert g == 0
            assert (r > 100 and b == 0) if cells % 2 == 0 else (b > 100 and r == 0)


def test_chequered_material_takes_textures(tmp_path):
    noise = "Noise(Color(1, 1, 0), Color(0, 1, 1), scale=3)"
    image = render_wall(tmp_path, f"ChequeredMaterial({noise}, Color(0, 0, 0), **MATTE)")
    lit = image.sum(axis=2) > 0
    assert 0.3 < lit.mean() < 0.7  # the board's dark squares stay black
    assert len(np.unique(image[lit], axis=0)) > 20  # the light ones carry the noise
    assert (image[lit][:, 1] >= image[lit][:, [0, 2]].max(axis=1)).all()  # green: 1 in both


def test_chequered_material_with_plain_colours_is_unchanged():
    p = points(2000, spread=3)
    board = ChequeredMaterial(RED, BLUE)
    out = np.empty((3, len(p)))
    board._fill(p[:, 0], p[:, 1], p[:, 2], out)
    for (x, _y, z), rgb in zip(p.tolist(), out.T, strict=True):
        first = int((x + 5.0) * 3.0) % 2 == int(z * 3.0) % 2
        assert tuple(rgb) == ((1, 0, 0) if first else (0, 0, 1))


def test_the_textures_scene_is_the_same_on_one_and_two_workers():
    source = SceneSource.from_path(ROOT / "scenes" / "textures.py")
    settings = RenderSettings(width=200, height=112, samples=2)
    frames = []
    for processes in (1, 2):
        with RenderService(processes=processes) as service:
            frame, events = collect(service, service.submit(source, settings))
        assert sum(isinstance(ev, RowsReady) and not ev.coarse for ev in events) >= 2
        frames.append(frame)
    assert frames[0] is not None
    assert np.array_equal(frames[0], frames[1])
    assert np.array_equal(frames[0], render_image(source, settings))


def test_the_kernel_asks_textured_materials_and_gathers_plain_ones(tmp_path):
    scene = tmp_path / "scene.py"
    scene.write_text(
        WALL
        + "BLUE = Color(0, 0, 1)\nclass Shiny(Material):\n"
        + "    pass\n"
        + "OBJECTS = [\n"
        + "    Sphere(Point(0, 0, 3), 1, Material(Color(1, 0, 0))),\n"
        + "    Sphere(Point(1, 0, 3), 1, Material(Marble(Color(1, 1, 1), Color(0, 0, 0)))),\n"
        + "    Sphere(Point(2, 0, 3), 1, ChequeredMaterial(Noise(Color(1, 1, 1), BLUE))),\n"
        + "    Sphere(Point(3, 0, 3), 1, Shiny(Color(0, 1, 0))),\n"
        + "]\n"
    )
    loaded = load(SceneSource.from_path(scene), RenderSettings())
    assert loaded.kernel.patterned == [1, 2]
    assert [is_plain(obj.material) for obj in loaded.scene.objects] == [True, False, False, True]
    # A scene's own subclass given a texture is not plain either (the kernel must ask it).
    assert not is_plain(type("Shiny", (Material,), {})(Marble(RED, BLUE)))


def test_a_scene_subclass_of_material_takes_a_texture_too(tmp_path):
    scene = tmp_path / "subclass.py"
    scene.write_text(
        "from tracer import Color, Light, Material, Marble, Point, Sphere, Vector\n"
        "class Mine(Material):\n"
        "    pass\n"
        "WIDTH, HEIGHT = 64, 36\n"
        "CAMERA = Vector(0, 0, -1)\n"
        "veins = Marble(Color(1, 0, 0), Color(1, 1, 1), 4, 3)\n"
        "OBJECTS = [Sphere(Point(0, 0, 2), 1, Mine(veins, specular=0, reflection=0))]\n"
        "LIGHTS = [Light(Point(0, 0, -10))]\n"
    )
    from tracer.kernel.render import render_image
    from tracer.scene.load import SceneSource
    from tracer.settings import RenderSettings

    image = render_image(SceneSource.from_path(scene), RenderSettings())
    ball = image[10:26, 24:40].reshape(-1, 3)
    assert len(np.unique(ball, axis=0)) > 20  # veins, not one flat colour
