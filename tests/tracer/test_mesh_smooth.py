"""Meshes as users expect: smooth shading from computed normals, creases, and up axes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.tracer.solid_helpers import differing, is_picture, render
from tracer import Mesh
from tracer.errors import SceneError
from tracer.kernel.render import render_image
from tracer.scene.source import SceneSource
from tracer.settings import RenderSettings

from .test_mesh import CUBE_OBJ

LEVELS = 8  # "differs": by more than this many levels of 255 in some channel


def uv_sphere(nu: int = 32, nv: int = 16, radius: float = 1.0) -> str:
    """Return OBJ text of a UV sphere: nu segments around, nv rings from pole to pole."""
    lines = [f"v 0 {-radius} 0"]
    for i in range(1, nv):
        theta = math.pi * i / nv
        for j in range(nu):
            phi = 2 * math.pi * j / nu
            x, z = (
                radius * math.sin(theta) * math.cos(phi),
                radius * math.sin(theta) * math.sin(phi),
            )
            lines.append(f"v {x!r} {-radius * math.cos(theta)!r} {z!r}")
    lines.append(f"v 0 {radius} 0")
    ring = lambda i, j: 2 + (i - 1) * nu + j % nu  # noqa: E731 (OBJ indices from 1)
    last = 2 + (nv - 1) * nu
    for j in range(nu):
        lines.append(f"f 1 {ring(1, j + 1)} {ring(1, j)}")
        for i in range(1, nv - 1):
            a, b = ring(i, j), ring(i, j + 1)
            lines.append(f"f {a} {b} {ring(i + 1, j + 1)} {ring(i + 1, j)}")
        lines.append(f"f {ring(nv - 1, j)} {ring(nv - 1, j + 1)} {last}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def sphere_obj(tmp_path):
    (tmp_path / "ball.obj").write_text(uv_sphere())
    return tmp_path


def test_a_smoothed_uv_sphere_looks_like_a_true_sphere(sphere_obj):
    true = render(sphere_obj, "Sphere(Point(0, 0, 0), 1, RED)", size=(120, 90))
    smooth = render(sphere_obj, "Mesh.from_obj('ball.obj', RED, smooth=True)", size=(120, 90))
    flat = render(sphere_obj, "Mesh.from_obj('ball.obj', RED)", size=(120, 90))
    ball = (true != render(sphere_obj, "", size=(120, 90))).any(axis=2)
    assert is_picture(true)
    assert ball.mean() > 0.3
    inner = ball.copy()  # 3 pixels in from the rim, where the polygon's outline is not
    for _ in range(3):
        inner &= np.roll(inner, 1, 0) & np.roll(inner, -1, 0)
        inner &= np.roll(inner, 1, 1) & np.roll(inner, -1, 1)

    def off(img, levels, where):
        return (np.abs(img.astype(int) - true).max(axis=2) > levels)[where].mean()

    assert off(flat, 4, ball) > 0.3  # facets: about 38 % of the ball's pixels
    assert off(smooth, 8, ball) < 0.06  # only along the 32-gon's outline
    assert off(smooth, 8, inner) < 0.005
    assert off(smooth, 4, inner) < 0.06
    assert off(flat, 8, inner) > 0.2


def test_interpolated_normals_are_unit_and_radial_at_the_vertices(sphere_obj):
    mesh = Mesh.from_obj(sphere_obj / "ball.obj", smooth=True)
    mesh.prepare()
    tris = mesh._tris
    m = len(tris)
    prim = np.arange(m)
    corners = (tris.a, tris.a + tris.e1, tris.a + tris.e2)
    d = tuple(-np.ones(m) * c for c in (0.0, 0.0, 1.0))
    for corner in corners:  # at every vertex of every face: the sphere's own normal
        p = tuple(corner.T)
        n = np.stack(mesh.normals(p, d, prim), axis=1)
        radial = corner / np.linalg.norm(corner, axis=1, keepdims=True)
        assert np.allclose(np.linalg.norm(n, axis=1), 1.0, atol=1e-12)
        assert np.degrees(np.arccos(np.clip((n * radial).sum(1), -1, 1))).max() < 0.5
    rng = np.random.default_rng(3)  # inside faces: unit, and nearer the radial than flat
    b, c = rng.uniform(0, 0.5, size=(2, m))
    inside = tris.a + b[:, None] * tris.e1 + c[:, None] * tris.e2
    n = np.stack(mesh.normals(tuple(inside.T), d, prim), axis=1)
    radial = inside / np.linalg.norm(inside, axis=1, keepdims=True)
    assert np.allclose(np.linalg.norm(n, axis=1), 1.0, atol=1e-12)

    def degrees(a):
        return np.degrees(np.arccos(np.clip((a * radial).sum(1), -1, 1)))

    assert degrees(n).max() < 1.0
    assert degrees(mesh._flat).max() > 3.0  # the facets' own normals: several degrees off


def test_smoothing_works_on_arrays_too(sphere_obj):
    from_file = Mesh.from_obj(sphere_obj / "ball.obj", smooth=True)
    from_file.prepare()
    arrays = Mesh(from_file.vertices, from_file.faces, smooth=True)
    arrays.prepare()
    assert np.array_equal(arrays._corners, from_file._corners)


def cube_normals(tmp_path, smooth) -> tuple[np.ndarray, np.ndarray]:
    (tmp_path / "cube.obj").write_text(CUBE_OBJ)
    mesh = Mesh.from_obj(tmp_path / "cube.obj", smooth=smooth)
    mesh.prepare()
    tris, m = mesh._tris, len(mesh._tris)
    p = tris.a + 0.3 * tris.e1 + 0.3 * tris.e2  # a point near each face's first corner
    n = mesh.normals(tuple(p.T), (np.zeros(m), np.zeros(m), np.ones(m)), np.arange(m))
    return np.stack(n, axis=1), mesh._flat


def test_a_crease_angle_keeps_a_cube_flat(tmp_path):
    creased, flat = cube_normals(tmp_path, 30)
    assert np.allclose(creased, flat, atol=1e-12)
    rounded, _ = cube_normals(tmp_path, True)
    assert not np.allclose(rounded, flat, atol=1e-3)  # without the crease it rounds off
    cube = "Mesh.from_obj('cube.obj', RED{}).rotated(Vector(0, 1, 0), 30)"
    assert (
        differing(render(tmp_path, cube.format("")), render(tmp_path, cube.format(", smooth=30")))
        == 0
    )


def test_normals_in_the_file_win(tmp_path):
    faces = CUBE_OBJ.splitlines()[9:]
    first = "f " + " ".join(f"{i}//1" for i in faces[0].split()[1:])
    given = f"vn 0 0 -1\n{first}\n" + "\n".join(faces[1:])
    (tmp_path / "vn.obj").write_text("\n".join(CUBE_OBJ.splitlines()[:9]) + "\n" + given + "\n")
    mesh = Mesh.from_obj(tmp_path / "vn.obj", smooth=True)
    mesh.prepare()
    assert np.array_equal(mesh._corners[0], [[0, 0, -1]] * 3)  # the first quad's two faces
    assert np.array_equal(mesh._corners[1], [[0, 0, -1]] * 3)
    assert not np.allclose(mesh._corners[2], [[0, 0, 1]] * 3)  # computed: rounded


WEDGE_OBJ = """\
v 0 0 0
v 1 0 0
v 0 1.5 0
v 0 0 0.7
f 1 3 2
f 1 2 4
f 1 4 3
f 2 3 4
"""


@pytest.mark.parametrize("up", ["y", "z"])
def test_up_turns_the_model_by_a_proper_rotation(tmp_path, up):
    (tmp_path / "wedge.obj").write_text(WEDGE_OBJ)
    turn = {"y": "Vector(1, 0, 0), 180", "z": "Vector(1, 0, 0), 90"}[up]
    place = ".translated(-0.3, 0, 0)"
    ours = render(tmp_path, f"Mesh.from_obj('wedge.obj', RED, up='{up}'){place}")
    rotated = render(tmp_path, f"Mesh.from_obj('wedge.obj', RED).rotated({turn}){place}")
    plain = render(tmp_path, f"Mesh.from_obj('wedge.obj', RED){place}")
    assert differing(plain, ours, LEVELS) > 500  # it did turn
    assert differing(ours, rotated) == 0  # the same picture, to the last level


def test_up_as_in_the_file_keeps_the_very_numbers(tmp_path):
    (tmp_path / "wedge.obj").write_text(WEDGE_OBJ)
    mesh = Mesh.from_obj(tmp_path / "wedge.obj", up="-y")
    assert np.array_equal(mesh.vertices, Mesh.from_obj(tmp_path / "wedge.obj").vertices)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            "Mesh.from_obj('wedge.obj', up='x')",
            "Mesh.from_obj up must be 'y', 'z' or '-y', got 'x'",
        ),
        ("Mesh.from_obj('wedge.obj', smooth=200)", "Mesh smooth must be True, False or a crease"),
        ("Mesh([[0, 0, 0]], [[0, 0, 0]], smooth='yes')", "Mesh smooth must be True, False"),
    ],
)
def test_bad_up_or_smooth_is_an_error_at_the_line(tmp_path, call, message):
    (tmp_path / "wedge.obj").write_text(WEDGE_OBJ)
    scene = tmp_path / "bad.py"
    scene.write_text(
        "from tracer import *\nWIDTH, HEIGHT = 8, 8\nCAMERA = Vector(0, 0, -1)\nLIGHTS = []\n"
        f"OBJECTS = [\n    {call},\n]\n"
    )
    with pytest.raises(SceneError) as info:
        render_image(SceneSource.from_path(scene), RenderSettings())
    assert info.value.message.startswith(message)
    assert (info.value.filename, info.value.lineno) == (str(scene), 6)
