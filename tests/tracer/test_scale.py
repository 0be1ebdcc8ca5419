"""Pictures do not depend on scale: one scene at 1 mm, 1 m and 1 km renders the same picture.

The scene: a bumpy closed mesh (a subdivided icosahedron with smooth normals and a wavy
radius), a box and a sphere on a mirror-ish floor, lit by one light, shadows on, reflections
five deep; every length (camera, light, objects) times the scale. Spawned rays start off
surfaces by a bound on the hit point's rounding error (tracer/kernel/offsets.py), so nothing
leaks at 1 mm (Puray's absolute 1e-4 is a tenth of the scene there) and nothing speckles at
1 km. "No leak" is measured against a 1 m render whose offset is a tiny fixed 1e-7; "no acne"
by a convex flat-faced mesh, which cannot shadow itself: with shadows on, every pixel of it
that faces the light keeps exactly its colour without shadows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.tracer.solid_helpers import differing, is_picture
from tracer import RenderSettings, SceneSource
from tracer.kernel import offsets, scene_arrays
from tracer.kernel.render import load, render_rows

SCALES = (1e-3, 1.0, 1e3)
#: At most this share of pixels may differ by more than 2 levels (the issue's bar).
SHARE = 0.005

SCENE = """\
from pathlib import Path

import numpy as np
from tracer import *

S = {scale!r}
WIDTH, HEIGHT = 128, 96


def icosphere(levels):
    t = (1 + 5 ** 0.5) / 2
    v = [(-1, t, 0), (1, t, 0), (-1, -t, 0), (1, -t, 0), (0, -1, t), (0, 1, t), (0, -1, -t),
         (0, 1, -t), (t, 0, -1), (t, 0, 1), (-t, 0, -1), (-t, 0, 1)]
    f = [(0, 11, 5), (0, 5, 1), (0, 1, 7), (0, 7, 10), (0, 10, 11), (1, 5, 9), (5, 11, 4),
         (11, 10, 2), (10, 7, 6), (7, 1, 8), (3, 9, 4), (3, 4, 2), (3, 2, 6), (3, 6, 8),
         (3, 8, 9), (4, 9, 5), (2, 4, 11), (6, 2, 10), (8, 6, 7), (9, 8, 1)]
    v = [np.array(p, float) / np.linalg.norm(p) for p in v]
    for _ in range(levels):
        mid = {{}}
        def middle(a, b):
            key = (min(a, b), max(a, b))
            if key not in mid:
                p = v[a] + v[b]
                v.append(p / np.linalg.norm(p))
                mid[key] = len(v) - 1
            return mid[key]
        g = []
        for a, b, c in f:
            ab, bc, ca = middle(a, b), middle(b, c), middle(c, a)
            g += [(a, ab, ca), (b, bc, ab), (c, ca, bc), (ab, bc, ca)]
        f = g
    return np.array(v), np.array(f)


v, f = icosphere({levels})
bump = 1 + {bump} * np.sin(5 * v[:, 0]) * np.cos(4 * v[:, 1]) * np.sin(3 * v[:, 2] + 1)
normals = v.copy() if {smooth} else None
v = v * bump[:, None] * 0.6 + [0, -0.6 * bump.max() - 0.004, 0]  # 4 mm over the floor
FLOOR = Material(Color(0.8, 0.8, 0.75), ambient=0.1, reflection=0.3)
OBJECTS = [
    Plane(Point(0, 0, 0), Vector(0, -1, 0), FLOOR),
    Mesh(v * S, f, Material(Color(0.9, 0.35, 0.2), ambient=0.08, {shine}), normals),
    Box(Point(0.8 * S, -0.5 * S, -0.4 * S), Point(1.2 * S, 0, 0), Material(Color(0.2, 0.5, 0.9))),
    Sphere(Point(-1.0 * S, -0.25 * S, -0.3 * S), 0.25 * S, Material(Color(0.3, 0.8, 0.3))),
]
LIGHTS = [Light(Point(-2 * S, -4 * S, -1.5 * S), Color(1, 1, 1))]
CAMERA = LookAtCamera(Point(0.4 * S, -1.4 * S, -3 * S), look_at=Point(0, -0.45 * S, 0), fov=50)
"""

SETTINGS = RenderSettings(shadows=True)


class FixedOffset:
    """An offset of one fixed length (the reference renders': tiny, or Puray's 1e-4)."""

    def __init__(self, length: float) -> None:
        self.length = length
        self.puray = False

    def __call__(self, p, t) -> float:
        return self.length

    def most(self, extent: float) -> float:
        return self.length


SHINY = "reflection=0.25"
#: No highlight and no reflection: with shadows, only the lambert term of faces that face
#: the light could change, and on a convex mesh none may.
MATT = "specular=0.0, reflection=0.0"


def scene(tmp_path, scale: float, levels=3, bump=0.12, smooth=True, shine=SHINY):
    """Return the loaded test scene at ``scale`` (metres per unit)."""
    path = tmp_path / f"scene_{scale:g}_{levels}_{bump}_{smooth}_{len(shine)}.py"
    text = SCENE.format(scale=scale, levels=levels, bump=bump, smooth=smooth, shine=shine)
    path.write_text(text)
    return load(SceneSource.from_path(path), SETTINGS)


def render(tmp_path, scale: float, **kw) -> np.ndarray:
    """Render the test scene at ``scale`` with shadows."""
    loaded = scene(tmp_path, scale, **kw)
    return render_rows(loaded, SETTINGS, 0, loaded.scene.height)


def self_shadowed(tmp_path, scale: float) -> int:
    """Return how many pixels of a convex flat-faced matt mesh shadows change (acne)."""
    loaded = scene(tmp_path, scale, levels=2, bump=0.0, smooth=False, shine=MATT)
    ids = np.empty((96, 128), dtype=np.int32)
    lit = render_rows(loaded, SETTINGS, 0, 96, ids)
    unshadowed = render_rows(loaded, SETTINGS.with_(shadows=False), 0, 96)
    mesh = ids == 1
    assert mesh.sum() > 1000
    return differing(lit[mesh][:, None], unshadowed[mesh][:, None])


def off_share(a: np.ndarray, b: np.ndarray) -> float:
    """Return the share of pixels that differ by more than 2 levels."""
    return differing(a, b, tolerance=2) / (a.shape[0] * a.shape[1])


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    return {scale: render(folder, scale) for scale in SCALES}


@pytest.mark.parametrize("scale", [1e-3, 1e3])
def test_a_scene_at_1mm_and_1km_renders_the_picture_it_renders_at_1m(pictures, scale):
    assert is_picture(pictures[1.0])
    share = off_share(pictures[scale], pictures[1.0])
    assert share <= SHARE, f"{share:.2%} of pixels differ by more than 2 levels at scale {scale}"


@pytest.fixture(scope="module")
def no_leak_reference(tmp_path_factory):
    """The 1 m picture with every spawned ray 1e-7 off the surface: nothing leaks through."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scene_arrays, "offset_rule", lambda *_: FixedOffset(1e-7))
        return render(tmp_path_factory.mktemp("reference"), 1.0)


@pytest.mark.parametrize("scale", SCALES)
def test_no_scale_leaks_light_or_loses_shadow(pictures, no_leak_reference, scale):
    share = off_share(pictures[scale], no_leak_reference)
    assert share <= SHARE, f"{share:.2%} of pixels off the no-leak reference at scale {scale}"


def test_puray_s_fixed_offset_would_leak_at_1mm(tmp_path, no_leak_reference, monkeypatch):
    # The check above can fail: with Puray's 1e-4 (a tenth of this scene at 1 mm), it does.
    monkeypatch.setattr(scene_arrays, "offset_rule", lambda *_: FixedOffset(1e-4))
    assert off_share(render(tmp_path, 1e-3), no_leak_reference) > 10 * SHARE


@pytest.mark.parametrize("scale", SCALES)
def test_a_convex_flat_mesh_never_shadows_itself(tmp_path, scale):
    # A convex polyhedron cannot block the light from its own faces: every pixel of it is
    # the same with shadows on as with them off (acne would darken some).
    assert self_shadowed(tmp_path, scale) == 0


def test_zero_offsets_would_speckle_the_convex_mesh(tmp_path, monkeypatch):
    # The acne check can fail: spawned rays that start on the surface hit it again.
    monkeypatch.setattr(scene_arrays, "offset_rule", lambda *_: FixedOffset(0.0))
    assert self_shadowed(tmp_path, 1.0) > 50


def test_the_offset_is_a_bound_on_the_hit_point_s_rounding_scaled_with_it():
    rule = offsets.ErrorBoundOffset()
    p = (np.array([3.0, -2e3]), np.array([-4.0, 1.0]), np.array([0.5, 5.0]))
    step = rule(p, np.array([1.0, 10.0]))
    np.testing.assert_array_equal(step, [offsets.RELATIVE * 5.0, offsets.RELATIVE * 2010.0])
    assert 2**-52 * 2**19 < offsets.RELATIVE < 1e-9  # far above rounding, far below sight


def test_puray_s_scenes_keep_puray_s_offset_and_others_scale_with_the_hit(tmp_path):
    root = Path(__file__).resolve().parents[2] / "scenes"
    twoballs = load(SceneSource.from_path(root / "twoballs.py"), RenderSettings()).kernel
    assert twoballs.puray
    assert twoballs.offset((np.ones(2),) * 3, np.ones(2)) == offsets.MIN_DISPLACE == 1e-4
    glass = load(SceneSource.from_path(root / "glass.py"), RenderSettings()).kernel
    assert not glass.puray
    assert isinstance(glass.offset, offsets.ErrorBoundOffset)


def test_a_scene_written_for_puray_keeps_puray_s_rule_with_a_look_at_camera(tmp_path):
    # Write to Scene turns Puray's camera into a LookAtCamera; the file still imports Puray's
    # modules, so it renders as the window's view of it did: with Puray's arithmetic.
    root = Path(__file__).resolve().parents[2] / "scenes"
    text = (root / "twoballs.py").read_text()
    text = text.replace(
        "CAMERA = Vector(0, -0.35, -1)",
        "from tracer import LookAtCamera\n"
        "CAMERA = LookAtCamera(Point(0, -0.35, -1), Point(0, 0, 1))",
    )
    path = tmp_path / "twoballs.py"
    path.write_text(text)
    assert load(SceneSource.from_path(path), RenderSettings()).kernel.puray
    assert offsets.imports_puray("import vector\n")
    assert offsets.imports_puray("from sphere import Sphere\n")
    assert not offsets.imports_puray("from tracer import Sphere\nimport numpy\n")
    assert not offsets.imports_puray("from .sphere import x\n")  # relative: the scene's own
