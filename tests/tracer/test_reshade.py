"""Re-shading after an edit: the same bytes as a full render, without tracing what it need not.

Each test renders a scene's first version with G-buffers kept (as the window's workers do),
then an edited version both ways: re-shaded from the G-buffers, and traced from scratch
with nothing kept. The bytes must be equal, and the way the frame was made ("re-shaded",
"re-lit", "traced") must be the one the edit allows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tracer.accel.aggregates import Aggregate
from tracer.kernel import render
from tracer.kernel.gbuffer import GBufferStore
from tracer.kernel.rerender import Reshading
from tracer.scene.source import SceneSource
from tracer.settings import RenderSettings

SCENES = Path(__file__).resolve().parents[2] / "scenes"
SMALL = RenderSettings(width=192, height=108, reshade_cache_mb=256)
BLUE = 'Material(Color.from_hex("#0000FF"))'


class Session:
    """Render versions of one scene file as a worker does for the window: blocks, G-buffers."""

    def __init__(self, path: Path, settings: RenderSettings = SMALL, rows: int = 20) -> None:
        self.path, self.settings, self.rows = str(path), settings, rows
        self.store = GBufferStore()
        self.store.set_limit(settings.reshade_cache_mb)

    def render(self, text: str) -> tuple[np.ndarray, str]:
        """Return the frame of this version and how it was made (the slowest block's way)."""
        loaded = render.load(SceneSource(self.path, text), self.settings)
        settings = self.settings.under_scene(loaded.scene.settings)
        width, height = render.frame_size(loaded.scene, settings)
        rows, paths = [], set()
        for y0 in range(0, height, self.rows):
            reshade = Reshading(loaded, self.settings, self.store)
            y1 = min(height, y0 + self.rows)
            rows.append(render.render_block(loaded, self.settings, y0, y1, None, reshade))
            paths.add(reshade.path)
        frame = np.frombuffer(b"".join(rows), np.uint8).reshape(height, width, 3)
        path = next(p for p in ("traced", "re-lit", "re-shaded") if p in paths)
        return frame, path


def traced(path: Path, text: str, settings: RenderSettings = SMALL) -> np.ndarray:
    """Return the frame a render with nothing kept makes (``puray render``'s)."""
    plain = settings.with_(reshade_cache_mb=0)
    loaded = render.load(SceneSource(str(path), text), plain)
    height = render.frame_size(loaded.scene, plain.under_scene(loaded.scene.settings))[1]
    return render.render_rows(loaded, plain, 0, height)


def edited(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


@pytest.fixture
def nearest_calls(monkeypatch):
    """Count the nearest-hit queries the acceleration structure answers."""
    calls = []
    original = Aggregate.nearest

    def counted(self, o, d):
        calls.append(d[0].size)
        return original(self, o, d)

    monkeypatch.setattr(Aggregate, "nearest", counted)
    return calls


def twoballs() -> str:
    return (SCENES / "twoballs.py").read_text()


def test_a_colour_edit_is_reshaded_without_one_intersection(nearest_calls):
    session, text = Session(SCENES / "twoballs.py"), twoballs()
    first, how = session.render(text)
    assert how == "traced"
    assert nearest_calls  # the first version was traced
    nearest_calls.clear()
    green = edited(text, "#0000FF", "#00FF00")
    frame, how = session.render(green)
    assert how == "re-shaded"
    assert nearest_calls == []  # no ray was intersected again
    np.testing.assert_array_equal(frame, traced(SCENES / "twoballs.py", green))
    assert (frame != first).any(axis=2).mean() > 0.05  # the ball and its reflections changed
    back, how = session.render(text)
    assert how == "re-shaded"
    np.testing.assert_array_equal(back, first)


@pytest.mark.parametrize("shadows", [False, True])
def test_a_light_edit_is_relit_with_new_shadow_rays(shadows, nearest_calls):
    settings = SMALL.with_(shadows=shadows)
    session, text = Session(SCENES / "twoballs.py", settings), twoballs()
    session.render(text)
    nearest_calls.clear()
    moved = edited(text, "Point(1.5, -0.5, -10)", "Point(3.5, -2.5, -6)")
    frame, how = session.render(moved)
    assert how == "re-lit"
    assert nearest_calls == []  # shadow rays are any-hit queries: no nearest hit again
    np.testing.assert_array_equal(frame, traced(SCENES / "twoballs.py", moved, settings))


def test_edits_that_change_which_rays_exist_stay_exact():
    session, text = Session(SCENES / "twoballs.py", SMALL.with_(shadows=True)), twoballs()
    session.render(text)
    dull = edited(text, BLUE, 'Material(Color.from_hex("#0000FF"), reflection=0.0)')
    for version in (dull, text, dull):  # the ball stops reflecting, reflects, stops again
        frame, how = session.render(version)
        assert how == "re-shaded"  # the rays it reflected before are still kept
        expected = traced(SCENES / "twoballs.py", version, SMALL.with_(shadows=True))
        np.testing.assert_array_equal(frame, expected)


def test_hits_a_replay_did_not_reach_are_shaded_again_when_reached():
    # The blue ball stops reflecting while the pink ball, seen in it, changes colour: the
    # pink hits behind the blue ball are not reached, their kept colours are the old pink.
    # When the blue ball reflects again they must show the new pink.
    session, text = Session(SCENES / "twoballs.py"), twoballs()
    session.render(text)
    dull = edited(text, BLUE, 'Material(Color.from_hex("#0000FF"), reflection=0.0)')
    dull = edited(dull, "#803980", "#30E080")
    for version in (dull, edited(text, "#803980", "#30E080")):
        frame, how = session.render(version)
        assert how == "re-shaded"
        np.testing.assert_array_equal(frame, traced(SCENES / "twoballs.py", version))


def test_a_material_that_starts_reflecting_is_traced_again():
    dull = edited(twoballs(), BLUE, 'Material(Color.from_hex("#0000FF"), reflection=0.0)')
    session = Session(SCENES / "twoballs.py")
    session.render(dull)  # its rays never reflected off the blue ball
    frame, how = session.render(twoballs())
    assert how == "traced"  # the G-buffer has no hits for the new reflected rays
    np.testing.assert_array_equal(frame, traced(SCENES / "twoballs.py", twoballs()))
    frame, how = session.render(dull)
    assert how == "re-shaded"  # kept again, with the reflected rays this time
    np.testing.assert_array_equal(frame, traced(SCENES / "twoballs.py", dull))


def test_moving_an_object_or_the_camera_traces_again():
    session, text = Session(SCENES / "twoballs.py"), twoballs()
    session.render(text)
    for version in (
        edited(text, "Point(0.75, -0.1, 1)", "Point(0.7, -0.1, 1)"),
        edited(text, "CAMERA = Vector(0, -0.35, -1)", "CAMERA = Vector(0, -0.3, -1)"),
    ):
        frame, how = session.render(version)
        assert how == "traced"
        np.testing.assert_array_equal(frame, traced(SCENES / "twoballs.py", version))


def test_a_comment_edit_keeps_every_pixel(nearest_calls):
    session, text = Session(SCENES / "twoballs.py"), twoballs()
    first, _ = session.render(text)
    nearest_calls.clear()
    frame, how = session.render("# a comment on top\n" + text)
    assert how == "re-shaded"
    assert nearest_calls == []
    np.testing.assert_array_equal(frame, first)


GLASS_EDITS = {
    "tint": ('color=Color.from_hex("#f0b060")', 'color=Color.from_hex("#60b0f0")'),
    "absorption": ("absorption=0.6", "absorption=0.9"),
    "index": ("Glass(ior=1.6", "Glass(ior=1.4"),
    "red ball": ('"#d62839"), reflection=0.3', '"#28d639"), reflection=0.3'),
    "red ball dull": ('"#d62839"), reflection=0.3', '"#d62839"), reflection=0.0'),
    "floor": ("ambient=0.25", "ambient=0.35"),
}


@pytest.mark.parametrize("edit", sorted(GLASS_EDITS))
@pytest.mark.parametrize("shadows", [False, True])
def test_glass_scene_edits_are_exact(edit, shadows):
    # soft shadows (the light has a radius), 2 x 2 samples, reflections and refractions
    settings = RenderSettings(width=96, height=54, samples=2, shadows=shadows, reshade_cache_mb=64)
    path, text = SCENES / "glass.py", (SCENES / "glass.py").read_text()
    session = Session(path, settings)
    session.render(text)
    version = edited(text, *GLASS_EDITS[edit])
    frame, how = session.render(version)
    np.testing.assert_array_equal(frame, traced(path, version, settings))
    if edit == "index":
        assert how == "traced"  # refracted rays go elsewhere: nothing kept applies
    elif shadows and edit in ("tint", "absorption"):
        assert how == "re-lit"  # the glass's shadows change colour too
    else:
        assert how == "re-shaded"


@pytest.mark.parametrize(
    ("scene", "old", "new"),
    [
        ("textures.py", "#707078", "#907078"),  # a light's colour
        ("textures.py", "Point(4, -3, -1)", "Point(4, -3, -2)"),
        ("csg_logo.py", '"#c0281e"', '"#20c01e"'),  # one solid's colour in a CSG cut
        ("csg_logo.py", "reflection=0.35", "reflection=0.0"),
        ("mesh.py", '"#d04a1c"', '"#1cd04a"'),  # a mesh's material
    ],
)
def test_textured_csg_and_mesh_scenes_are_exact(scene, old, new):
    settings = RenderSettings(width=96, height=54, shadows=True, reshade_cache_mb=64)
    path = SCENES / scene
    session = Session(path, settings)
    session.render(path.read_text())
    version = edited(path.read_text(), old, new)
    frame, how = session.render(version)
    assert how in ("re-shaded", "re-lit")
    np.testing.assert_array_equal(frame, traced(path, version, settings))


ONE_BALL = """\
from color import Color
from light import Light
from material import Material
from point import Point
from sphere import Sphere
from vector import Vector

WIDTH = 64
HEIGHT = 48
CAMERA = Vector(0, 0, -1)
OBJECTS = [Sphere(Point(0.2, 0.1, 1.5), 1.0, Material(Color(RGB), ambient=0.1, reflection=0.0))]
LIGHTS = [Light(Point(-4, -3, -2), Color(0.9, 0.8, 0.7))]
"""


def by_hand(x: int, y: int, rgb: tuple) -> tuple[int, ...]:
    """Return pixel (x, y) of ONE_BALL by hand: Puray's camera ray, the sphere's near root,
    Puray's Phong (ambient white, diffuse without the light's colour, specular 50 with the
    half vector of L and camera - p), rounded."""
    width, height = 64, 48
    cam, centre = (0.0, 0.0, -1.0), (0.2, 0.1, 1.5)
    light, light_rgb = (-4.0, -3.0, -2.0), (0.9, 0.8, 0.7)

    def unit(v):
        m = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) ** 0.5
        return (v[0] / m, v[1] / m, v[2] / m)

    def dot(a, b):
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]

    aspect = width / height
    target = (-1 + x * 2 / (width - 1), -1 / aspect + y * (2 / aspect) / (height - 1), 0.0)
    d = unit(tuple(t - c for t, c in zip(target, cam, strict=True)))
    s = tuple(o - c for o, c in zip(cam, centre, strict=True))
    b, c = 2 * dot(d, s), dot(s, s) - 1.0
    t = (-b - (b * b - 4 * c) ** 0.5) / 2
    p = tuple(o + t * k for o, k in zip(cam, d, strict=True))
    n = unit(tuple(a - k for a, k in zip(p, centre, strict=True)))
    to_light = unit(tuple(a - k for a, k in zip(light, p, strict=True)))
    half = unit(tuple(a + (k - q) for a, k, q in zip(to_light, cam, p, strict=True)))
    kd, ks = max(0.0, dot(n, to_light)), max(0.0, dot(n, half)) ** 50
    colour = [0.1 + rgb[i] * kd + light_rgb[i] * ks for i in range(3)]
    return tuple(round(255 * min(1.0, max(0.0, v))) for v in colour)


def test_a_reshaded_pixel_is_phong_with_the_new_colour_by_hand(tmp_path, nearest_calls):
    path = tmp_path / "ball.py"
    session = Session(path, RenderSettings(reshade_cache_mb=16))
    session.render(ONE_BALL.replace("RGB", "0.8, 0.1, 0.1"))
    frame, how = session.render(ONE_BALL.replace("RGB", "0.1, 0.7, 0.3"))
    assert how == "re-shaded"
    assert len(nearest_calls) == 3  # one per block (of 20 rows) of the first version only
    for x, y in ((34, 25), (28, 20), (40, 30)):  # on the ball: lit, near the highlight, darker
        expected = by_hand(x, y, (0.1, 0.7, 0.3))
        assert np.abs(frame[y, x].astype(int) - expected).max() <= 1, (x, y)
        assert np.abs(frame[y, x].astype(int) - by_hand(x, y, (0.8, 0.1, 0.1))).max() > 20


CUSTOM = """\
from tracer import Color, Light, LookAtCamera, Material, Point, Sphere

WIDTH = 80
HEIGHT = 60
CAMERA = LookAtCamera(Point(0, 0, -4), look_at=Point(0, 0, 0), fov=40)
STRIPES = 4.0


def shade(x):
    return 0.5 + 0.5 * (int(x * STRIPES) % 2)


class Stripes(Material):
    def color_at(self, position):
        return Color(shade(position.x), 0.3, 0.2)


OBJECTS = [Sphere(Point(0, 0, 0), 1.0, Stripes(Color(1, 1, 1), reflection=0.0))]
LIGHTS = [Light(Point(-3, -3, -5), Color(1, 1, 1))]
"""


def test_a_material_reading_a_changed_global_is_shaded_again(tmp_path):
    path = tmp_path / "stripes.py"
    session = Session(path, RenderSettings(reshade_cache_mb=16))
    first, _ = session.render(CUSTOM)
    version = CUSTOM.replace("STRIPES = 4.0", "STRIPES = 7.0")  # code unchanged, a global not
    frame, how = session.render(version)
    assert how == "re-shaded"
    np.testing.assert_array_equal(frame, traced(path, version, RenderSettings()))
    assert (frame != first).any()


def test_over_the_memory_bound_every_frame_is_traced():
    settings = SMALL.with_(reshade_cache_mb=1)  # a frame's G-buffers need ~10 MB here
    session, text = Session(SCENES / "twoballs.py", settings), twoballs()
    session.render(text)
    assert session.store.nbytes <= 1 << 20
    green = edited(text, "#0000FF", "#00FF00")
    frame, how = session.render(green)
    assert how == "traced"
    np.testing.assert_array_equal(frame, traced(SCENES / "twoballs.py", green))
    assert session.store.nbytes <= 1 << 20


def test_a_full_store_drops_later_samples_first():
    settings = RenderSettings(width=96, height=54, samples=2, reshade_cache_mb=256)
    session, text = Session(SCENES / "twoballs.py", settings), twoballs()
    session.render(text)
    sizes = dict(session.store.sizes)
    firsts = sum(size for key, size in sizes.items() if key[-1] == 0)
    session.store.set_limit(1)  # too small: drop down to what fits, latest samples first
    session.store.limit = firsts + 1  # room for exactly the first samples
    assert session.store._evict(session.store.limit, None)
    assert {key[-1] for key in session.store.pieces} == {0}


def test_a_ball_turned_to_glass_is_traced_and_the_ids_stay_right():
    session, text = Session(SCENES / "twoballs.py"), twoballs()
    session.render(text)
    glass = "from tracer import Glass\n" + edited(text, BLUE, "Glass(ior=1.5)")
    frame, how = session.render(glass)
    assert how == "traced"  # rays now pass through the ball: its both roots count
    np.testing.assert_array_equal(frame, traced(SCENES / "twoballs.py", glass))
    loaded = render.load(SceneSource(str(SCENES / "twoballs.py"), text), SMALL)
    session.render(text)
    ids = np.empty((20, 192), np.int8)
    reshade = Reshading(loaded, SMALL, session.store)
    render.render_block(loaded, SMALL, 40, 60, ids, reshade)
    assert reshade.path == "re-shaded"
    expected = np.empty((20, 192), np.int8)
    render.render_block(loaded, SMALL.with_(reshade_cache_mb=0), 40, 60, expected)
    np.testing.assert_array_equal(ids, expected)  # which object each pixel shows first
    assert {0, 1, 2} <= set(np.unique(ids).tolist())
