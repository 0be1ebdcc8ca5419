"""CSG: intervals against point-in-solid truth, identities that render like the operand,
materials of cut surfaces, normals out of the result, and refused operands."""

from __future__ import annotations

import numpy as np
import pytest

from tests.tracer.solid_helpers import HEAD, differing, is_picture, render
from tracer import Box, Difference, Intersection, Point, Sphere, Union
from tracer.errors import SceneError

from .test_primitives import SOLIDS, N, in_intervals, rays


def truth_of(op, insides):
    if op == "union":
        return lambda p: np.logical_or.reduce([f(p) for f in insides])
    if op == "intersection":
        return lambda p: np.logical_and.reduce([f(p) for f in insides])
    return lambda p: insides[0](p) & ~np.logical_or.reduce([f(p) for f in insides[1:]])


NODES = {"union": Union, "intersection": Intersection, "difference": Difference}


def shape(name):
    """Return the test's solid as a scene would give it (a plain Sphere, not its adapter)."""
    solid = SOLIDS[name][0]
    return getattr(solid, "sphere", solid)


@pytest.mark.parametrize("op", list(NODES))
def test_node_intervals_match_point_membership(op):
    names = ["box", "cylinder", "cone", "sphere"]
    node = NODES[op](*(shape(n) for n in names))
    node.prepare()
    inside = truth_of(op, [SOLIDS[n][1] for n in names])
    o, d = rays(11)
    iv = node.intervals(o, d)
    t = np.random.default_rng(12).uniform(-1, 7, size=(N, 64))
    p = [o[k][:, None] + d[k][:, None] * t for k in range(3)]
    truth, got = inside(p), in_intervals(iv, t)
    bounds = np.concatenate((iv.t_in, iv.t_out), 1)
    near = np.min(np.abs(t[:, :, None] - bounds[:, None]), 2)
    assert not ((truth != got) & (near > 1e-9)).any()
    assert truth.any()


def test_nested_nodes_match_point_membership():
    box, cyl, cone, sph = (shape(n) for n in ("box", "cylinder", "cone", "sphere"))
    outer = Union(Difference(box, cyl), Intersection(cone, sph))
    outer.prepare()
    inside_box, inside_cyl, inside_cone, inside_sph = (
        SOLIDS[n][1] for n in ("box", "cylinder", "cone", "sphere")
    )

    def inside(p):
        return (inside_box(p) & ~inside_cyl(p)) | (inside_cone(p) & inside_sph(p))

    o, d = rays(13)
    iv = outer.intervals(o, d)
    t = np.random.default_rng(14).uniform(-1, 7, size=(N, 64))
    p = [o[k][:, None] + d[k][:, None] * t for k in range(3)]
    bounds = np.concatenate((iv.t_in, iv.t_out), 1)
    near = np.min(np.abs(t[:, :, None] - bounds[:, None]), 2)
    assert not ((inside(p) != in_intervals(iv, t)) & (near > 1e-9)).any()


FLOOR = "Plane(Point(0, 0.8, 0), Vector(0, -1, 0), FLOOR)"
SHAPES = {
    "box": "Box(Point(-0.6, -0.5, -0.4), Point(0.5, 0.6, 0.7), RED)",
    "cylinder": "Cylinder(Point(0, 0.6, 0), Point(0.2, -0.7, 0.3), 0.5, RED)",
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize(
    "wrap",
    [
        "Union({a})",
        "Intersection({a}, Box(Point(-3, -3, -3), Point(3, 3, 3), BLUE))",
        "Difference({a}, Sphere(Point(9, 0, 9), 1, BLUE))",
        "Union(Union({a}), Difference({a}, Box(Point(5, 5, 5), Point(6, 6, 6))))",
    ],
)
def test_identities_render_like_the_solid(tmp_path, shape, wrap):
    a = SHAPES[shape]
    plain = render(tmp_path, f"{FLOOR}, {a}")
    node = render(tmp_path, f"{FLOOR}, {wrap.format(a=a)}")
    assert is_picture(plain)
    assert differing(plain, node) == 0


def test_union_of_a_sphere_renders_like_the_sphere(tmp_path):
    # A plain sphere keeps Puray's arithmetic; in CSG it uses both roots: same picture,
    # up to the last bit of rounding.
    a = "Sphere(Point(0, 0, 0.2), 0.7, RED)"
    plain = render(tmp_path, f"{FLOOR}, {a}")
    node = render(tmp_path, f"{FLOOR}, Union({a})")
    assert differing(plain, node, tolerance=1) == 0


def cut_scene(painted: str = "") -> str:
    box = "Box(Point(-0.6, -0.6, -0.6), Point(0.6, 0.6, 0.6), RED)"
    return f"{FLOOR}, Difference({box}, Sphere(Point(0, -0.6, -0.6), 0.5, BLUE){painted})"


def test_a_cut_shows_the_cutters_material_unless_the_node_paints(tmp_path):
    cut = render(tmp_path, cut_scene(), camera=(0, -2, -3), size=(80, 80))
    painted = render(tmp_path, cut_scene(", material=RED"), camera=(0, -2, -3), size=(80, 80))
    bluish = (cut[..., 2].astype(int) - cut[..., 0]) > 60
    assert bluish.sum() > 100  # the bowl cut into the corner is blue
    assert ((painted[..., 2].astype(int) - painted[..., 0]) > 60).sum() < bluish.sum() / 20


def test_a_cutters_normals_point_out_of_the_result():
    node = Difference(Box(Point(-1, -1, -1), Point(1, 1, 1)), Sphere(Point(0, 0, -1), 0.5))
    node.prepare()
    o = (np.zeros(3), np.zeros(3), np.full(3, -3.0))
    d = (np.array([0.0, 0.05, -0.05]), np.zeros(3), np.ones(3))
    d = tuple(c / np.sqrt(d[0] ** 2 + 1) for c in d)
    t, hit, prim = node.intersect(o, d)
    assert hit.all()
    assert np.allclose(t, 2.5, atol=0.02)  # the bottom of the bowl, not the box's face (2)
    p = tuple(o[k] + d[k] * t for k in range(3))
    n = node.normals(p, d, prim)
    assert (n[2] < -0.95).all()  # towards the camera: out of the box, into the bowl
    assert (sum(n[k] * d[k] for k in range(3)) < 0).all()


def test_bounds_of_nodes():
    a = Box(Point(0, 0, 0), Point(2, 2, 2))
    b = Box(Point(1, 1, 1), Point(3, 3, 3))
    for node, lo, hi in [
        (Union(a, b), 0, 3),
        (Intersection(a, b), 1, 2),
        (Difference(a, b), 0, 2),
    ]:
        node.prepare()
        assert node.bounds() == ((lo,) * 3, (hi,) * 3)


@pytest.mark.parametrize(
    ("operand", "name"),
    [
        ("Plane(Point(0, 0, 0), Vector(0, 1, 0))", "Plane"),
        ("Disc(Point(0, 0, 0), Vector(0, 1, 0), 1)", "Disc"),
        ("Triangle(Point(0, 0, 0), Point(1, 0, 0), Point(0, 1, 0))", "Triangle"),
    ],
)
def test_an_open_operand_is_refused_at_the_nodes_line(tmp_path, operand, name):
    with pytest.raises(SceneError) as err:
        render(tmp_path, f"\n    Union(Sphere(Point(0, 0, 0), 1), {operand}),\n")
    assert "Union operand 2 must be a closed solid" in err.value.message
    assert f"not a {name}" in err.value.message
    assert err.value.lineno == len(HEAD.splitlines()) + 2  # the Union's line


def test_cylinder_cut_through_a_box_makes_a_hole(tmp_path):
    box = "Box(Point(-0.6, -0.6, -0.6), Point(0.6, 0.6, 0.6), RED)"
    drill = "Cylinder(Point(0, 0, -1), Point(0, 0, 1), 0.3, BLUE)"
    img = render(tmp_path, f"Difference({box}, {drill})", camera=(0, 0, -3), shadows=False)
    assert img[32, 48].max() == 0  # looking straight through the hole: the black sky
    assert img[32, 30].max() > 0


def test_two_loads_of_a_solids_scene_agree_on_its_fingerprint(tmp_path):
    from pathlib import Path

    from tracer import RenderSettings, SceneSource
    from tracer.kernel.render import load

    scenes = Path(__file__).resolve().parents[2] / "scenes"
    prints = {}
    for name in ("csg_logo.py", "mesh.py"):
        source = SceneSource.from_path(scenes / name)
        a, b = load(source, RenderSettings()), load(source, RenderSettings())
        assert a.fingerprint() == b.fingerprint()
        prints[name] = a.fingerprint()
    text = (scenes / "csg_logo.py").read_text()
    changed = tmp_path / "csg_logo.py"
    changed.write_text(text.replace("h * 1.35", "h * 1.3"))
    other = load(SceneSource.from_path(changed), RenderSettings())
    assert other.fingerprint() != prints["csg_logo.py"]
