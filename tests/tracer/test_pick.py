"""The pick: one pixel's recorded path gives the rendered pixel exactly, and names the lines."""

from __future__ import annotations

import json
import random
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tests.tracer.helpers import BUNDLED, pink_in_blue, write_scene
from tracer import RenderSettings, SceneSource
from tracer.kernel.render import cache, id_dtype, read_ids, render_image, render_rows
from tracer.pick import Pick, pick

ROOT = Path(__file__).resolve().parents[2]
TWOBALLS = ROOT / "scenes" / "twoballs.py"


def line_of(path: Path, text: str, after: int = 0) -> int:
    """Return the 1-based number of the first line containing ``text`` (plus ``after``)."""
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line) + after


def picked(path: Path, settings: RenderSettings, x: int, y: int) -> Pick:
    source = SceneSource.from_path(path)
    return pick(cache.load(source, settings), settings, x, y)


def grid(width: int, height: int, count: int, seed: int) -> list[tuple[int, int]]:
    """Return every 5th pixel both ways, the far corner and ``count`` random pixels (seeded)."""
    rng = random.Random(seed)
    lattice = [(x, y) for y in range(0, height, 5) for x in range(0, width, 5)]
    spots = [(rng.randrange(width), rng.randrange(height)) for _ in range(count)]
    return [*lattice, (width - 1, height - 1), *spots]


def adds_up(bounce) -> bool:
    """Tell whether ambient + each light's diffuse + specular, in the kernel's order, is local.

    Glass weights the sum (its highlights) by its Fresnel reflectance.
    """
    for c in range(3):
        total = np.float64(bounce.ambient[c])
        for term in bounce.lights:
            total += term.diffuse[c]
            total += term.specular[c]
        if bounce.fresnel is not None:
            total *= bounce.fresnel
        if total != bounce.local[c]:
            return False
    return True


def folds(p, index: int, bounce) -> None:
    """Assert the bounce's colour is local + its children's weighted colours, as trace folds."""
    children = p.children(index)
    reflected = [c for c in children if c.kind == "reflection"]
    refracted = [c for c in children if c.kind == "refraction"]
    assert len(reflected) == bounce.reflected
    assert len(refracted) == (bounce.transmission is not None)
    total = np.float64(bounce.local)
    for child in reflected:
        weight = bounce.material.reflection if bounce.fresnel is None else bounce.fresnel
        assert child.weight == weight
        total = total + np.float64(child.color) * weight
    for child in refracted:
        assert child.weight == 1 - bounce.fresnel
        total = total + np.float64(child.color) * np.float64(bounce.transmission)
    assert bounce.color == tuple(total * bounce.attenuation)


@pytest.mark.parametrize("shadows", [False, True], ids=["no-shadows", "shadows"])
@pytest.mark.parametrize("scene", BUNDLED, ids=lambda p: p.stem)
def test_a_pick_gives_exactly_the_rendered_pixel(scene, shadows):
    settings = RenderSettings(width=80, height=45, max_depth=5, shadows=shadows)
    image = render_image(SceneSource.from_path(scene), settings)
    for x, y in grid(80, 45, 150, seed=11):
        p = picked(scene, settings, x, y)
        assert p.rgb == tuple(int(v) for v in image[y, x]), (scene.name, x, y)
        for index, bounce in enumerate(p.bounces):
            if bounce.object is None:  # nothing hit: black, as in Puray, unless a BACKGROUND
                if "BACKGROUND" not in scene.read_text():
                    assert bounce.color == (0.0, 0.0, 0.0)
                continue
            assert adds_up(bounce), (scene.name, x, y, index)
            folds(p, index, bounce)


def test_with_anti_aliasing_the_pick_follows_the_centre_sample():
    centre = render_image(SceneSource.from_path(TWOBALLS), RenderSettings(width=64, height=36))
    settings = RenderSettings(width=64, height=36, samples=3)
    for x, y in grid(64, 36, 40, seed=3):
        assert picked(TWOBALLS, settings, x, y).rgb == tuple(int(v) for v in centre[y, x])


def test_the_pink_balls_reflection_in_the_blue_ball_names_the_pink_balls_line():
    x, y = pink_in_blue(160, 90)
    p = picked(TWOBALLS, RenderSettings(width=160, height=90), x, y)
    blue, pink = p.bounces[0], p.bounces[1]
    assert (blue.kind, blue.object.index, blue.object.type) == ("camera", 1, "Sphere")
    assert blue.object.line == line_of(TWOBALLS, "# Blue ball", after=1)
    assert (pink.kind, pink.parent, pink.weight) == ("reflection", 0, 0.5)
    assert (pink.object.index, pink.object.file) == (2, str(TWOBALLS))
    assert pink.object.line == line_of(TWOBALLS, "# Pink ball", after=1)
    assert pink.material.type == "Material"
    assert pink.surface == pytest.approx((0x80 / 255, 0x39 / 255, 0x80 / 255))
    assert [t.light.line for t in pink.lights] == [
        line_of(TWOBALLS, "Light(Point(1.5"),
        line_of(TWOBALLS, "Light(Point(-0.5"),
    ]


SHADOWED = """\
from tracer import Color, Light, Material, Plane, Point, Sphere, Vector

WIDTH, HEIGHT = 64, 36
CAMERA = Vector(0, -0.35, -1)
OBJECTS = [
    Plane(Point(0, 0.5, 0), Vector(0, -1, 0), Material(Color(0.8, 0.8, 0.8))),
    Sphere(Point(0, 0, 3), 0.3, Material(Color(1, 0, 0))),  # the blocker
]
LIGHTS = [Light(Point(0, -10, 3), Color(1, 1, 1))]
"""


def test_a_shadowed_light_says_so_and_names_what_blocks_it(tmp_path):
    scene = write_scene(tmp_path, "shadow.py", SHADOWED)
    # the floor right under the ball (0, 0.5, 3) seen through the z = 0 plane at y = -0.1375
    x, y = 31, 13
    dark = picked(scene, RenderSettings(shadows=True), x, y).bounces[0]
    assert dark.object.type == "Plane"
    (term,) = dark.lights
    assert term.shadowed is True
    assert term.blocker.line == line_of(scene, "the blocker")
    assert term.diffuse == (0.0, 0.0, 0.0)
    assert term.lambert == 0.0
    lit = picked(scene, RenderSettings(shadows=False), x, y).bounces[0]
    assert lit.lights[0].shadowed is None
    assert lit.lights[0].diffuse[0] > 0.5


CUSTOM = """\
from tracer import Color, Light, Material, Point, Sphere, Vector


class Glow(Material):
    def __init__(self, color):
        super().__init__(color, ambient=0.6, reflection=0.0)


class Ball(Sphere):
    def __init__(self, x, material):
        super().__init__(Point(x, 0, 2), 0.5, material)


def ball(x):
    return Sphere(Point(x, 0, 2), 0.5, Material(Color(0, 1, 0)))


WIDTH, HEIGHT = 64, 36
CAMERA = Vector(0, 0, -1)
OBJECTS = [
    Ball(-0.8, Glow(Color(1, 0, 0))),  # created here
    ball(0.8),
]
LIGHTS = [Light(Point(0, -5, -5))]
"""


def test_scene_classes_are_named_by_their_class_and_the_line_that_created_them(tmp_path):
    scene = write_scene(tmp_path, "custom.py", CUSTOM)
    settings = RenderSettings()
    left = picked(scene, settings, 23, 17).bounces[0]
    here = line_of(scene, "# created here")
    assert (left.object.type, left.object.line) == ("Ball", here)
    assert (left.material.type, left.material.line) == ("Glow", here)
    right = picked(scene, settings, 40, 17).bounces[0]
    helper = line_of(scene, "return Sphere(")  # the innermost line of scene code
    assert (right.object.type, right.object.line) == ("Sphere", helper)
    assert (right.material.type, right.material.line) == ("Material", helper)


def test_materials_from_a_helper_module_are_placed_where_the_scene_made_them():
    showcase = ROOT / "scenes" / "showcase.py"
    source = SceneSource.from_path(showcase)
    loaded = cache.load(source, RenderSettings())
    made = {type(o.material).__name__: o.material._site for o in loaded.scene.objects}
    for name in ("Stripes", "Gradient"):
        file, line = made[name]
        assert file == str(showcase)
        assert f"{name}(" in showcase.read_text().splitlines()[line - 1]


def test_a_pick_is_plain_json_and_rejects_pixels_off_the_frame():
    p = picked(TWOBALLS, RenderSettings(width=64, height=36), 40, 20)
    data = json.loads(json.dumps(p.to_dict()))
    assert data["rgb"] == list(p.rgb)
    assert data["bounces"][0]["object"]["file"] == str(TWOBALLS)
    with pytest.raises(ValueError, match=r"pixel \(64, 0\) is outside the 64x36 frame"):
        picked(TWOBALLS, RenderSettings(width=64, height=36), 64, 0)


def test_a_ray_into_the_void_is_black(tmp_path):
    body = textwrap.dedent("""\
        from tracer import Light, Material, Point, Sphere, Vector
        WIDTH, HEIGHT = 32, 18
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 3), 0.2, Material())]
        LIGHTS = [Light(Point(0, -5, -5))]
        """)
    p = picked(write_scene(tmp_path, "void.py", body), RenderSettings(), 0, 0)
    assert len(p.bounces) == 1
    assert p.bounces[0].object is None
    assert p.rgb == (0, 0, 0)


@pytest.mark.parametrize("samples", [1, 3])
@pytest.mark.parametrize("scene", BUNDLED, ids=lambda p: p.stem)
def test_the_id_buffer_names_the_object_the_pick_hits_first(scene, samples):
    settings = RenderSettings(width=80, height=45, samples=samples, shadows=True)
    loaded = cache.load(SceneSource.from_path(scene), settings)
    ids = np.full((45, 80), -2, np.int32)
    with_ids = render_rows(loaded, settings, 0, 45, ids)
    assert np.array_equal(with_ids, render_rows(loaded, settings, 0, 45))
    assert ids.min() >= -1
    assert len(np.unique(ids)) > 1
    small = np.empty((45, 80), id_dtype(len(loaded.scene.objects)))  # what workers send
    render_rows(loaded, settings, 0, 45, small)
    assert np.array_equal(read_ids(small.tobytes(), 45, 80), ids)
    for x, y in grid(80, 45, 60, seed=5):
        first = pick(loaded, settings, x, y).bounces[0].object
        assert ids[y, x] == (first.index if first else -1), (scene.name, x, y)
