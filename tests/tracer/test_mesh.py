"""Meshes: the BVH finds what testing every triangle finds; OBJ in all its forms and errors;
a mesh cube renders like the Box; closed meshes cut like solids."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.tracer.solid_helpers import differing, is_picture, render
from tracer import Mesh, RenderSettings, SceneSource
from tracer.errors import SceneError
from tracer.geometry.obj import parse_obj
from tracer.geometry.triangles import hit_pairs
from tracer.kernel.render import load

CUBE_OBJ = """\
# a unit cube, quads, outward winding
v -0.5 -0.5 -0.5
v 0.5 -0.5 -0.5
v 0.5 0.5 -0.5
v -0.5 0.5 -0.5
v -0.5 -0.5 0.5
v 0.5 -0.5 0.5
v 0.5 0.5 0.5
v -0.5 0.5 0.5
f 1 4 3 2
f 5 6 7 8
f 1 2 6 5
f 4 8 7 3
f 1 5 8 4
f 2 3 7 6
"""


def torus(nu=40, nv=20, big=0.8, small=0.3):
    """Return (vertices, faces) of a closed torus."""
    a = np.repeat(np.linspace(0, 2 * math.pi, nu, endpoint=False), nv)
    b = np.tile(np.linspace(0, 2 * math.pi, nv, endpoint=False), nu)
    ring = big + small * np.cos(b)
    verts = np.stack((ring * np.cos(a), small * np.sin(b), ring * np.sin(a)), axis=1)
    i, j = np.divmod(np.arange(nu * nv), nv)
    q = np.stack((i * nv + j, (i + 1) % nu * nv + j, (i + 1) % nu * nv + (j + 1) % nv))
    q = np.vstack((q, i * nv + (j + 1) % nv)).T
    faces = np.concatenate((q[:, [0, 1, 2]], q[:, [0, 2, 3]]))
    return verts, faces


def random_rays(seed, n=3000):
    rng = np.random.default_rng(seed)
    o = rng.normal(size=(3, n))
    o *= 3 / np.linalg.norm(o, axis=0)
    d = rng.uniform(-1, 1, size=(3, n)) - o
    d /= np.linalg.norm(d, axis=0)
    return tuple(o), tuple(d)


def brute(mesh, o, d):
    n, m = d[0].size, len(mesh._tris)
    rays, prims = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
    t, ok, _, _ = hit_pairs(mesh._tris, o, d, rays, prims)
    t = np.where(ok, t, np.inf).reshape(n, m)
    return t.min(axis=1)


@pytest.mark.parametrize(("seed", "size"), [(1, (40, 20)), (2, (20, 10)), (3, (10, 5))])
def test_bvh_finds_the_nearest_triangle_like_testing_all(seed, size):
    verts, faces = torus(*size)
    rng = np.random.default_rng(seed)
    soup = rng.uniform(-1, 1, size=(300, 3))  # plus a soup of random triangles
    faces = np.vstack((faces, len(verts) + np.arange(300).reshape(100, 3)))
    verts = np.vstack((verts, soup))
    mesh = Mesh(verts, faces)
    mesh.prepare()
    assert mesh._bvh.tree.depth == {(40, 20): 9, (20, 10): 7, (10, 5): 6}[size]  # odd and even
    o, d = random_rays(seed)
    t, hit, prim = mesh.intersect(o, d)
    expect = brute(mesh, o, d)
    assert 0.2 < hit.mean() < 0.95
    assert np.array_equal(hit, np.isfinite(expect))
    assert np.array_equal(t[hit], expect[hit])  # same arithmetic: bit for bit
    batch = mesh.primitives()
    tb, ok = batch.intersect_pairs(o, d, np.flatnonzero(hit), prim[hit])
    assert ok.all()
    assert np.array_equal(tb, t[hit])
    assert batch.lo.shape == batch.hi.shape == (len(faces), 3)


def test_closed_mesh_intervals_count_crossings():
    verts, faces = torus()
    mesh = Mesh(verts, faces)
    mesh.prepare()
    assert mesh.closed
    o, d = random_rays(3)
    iv = mesh.intervals(o, d)
    t = np.random.default_rng(4).uniform(-1, 7, size=(d[0].size, 32))
    p = [o[k][:, None] + d[k][:, None] * t for k in range(3)]
    ring = np.sqrt(p[0] ** 2 + p[2] ** 2)
    # inside the polygonal torus ~ inside the smooth one, away from the surface
    dist = np.sqrt((ring - 0.8) ** 2 + p[1] ** 2)
    got = np.any((t[:, :, None] >= iv.t_in[:, None]) & (t[:, :, None] <= iv.t_out[:, None]), 2)
    clear = np.abs(dist - 0.3) > 0.01
    assert np.array_equal(got[clear], (dist < 0.3)[clear])


def test_open_mesh_is_not_closed():
    verts, faces = torus()
    mesh = Mesh(verts, faces[:-1])
    mesh.prepare()
    assert not mesh.closed


def write_obj(tmp_path, text: str, name="model.obj"):
    (tmp_path / name).write_text(text)
    return name


def test_a_mesh_cube_renders_like_the_box(tmp_path):
    write_obj(tmp_path, CUBE_OBJ)
    floor = "Plane(Point(0, 0.8, 0), Vector(0, -1, 0), FLOOR)"
    box = render(tmp_path, f"{floor}, Box(Point(-0.5, -0.5, -0.5), Point(0.5, 0.5, 0.5), RED)")
    mesh = render(tmp_path, f'{floor}, Mesh.from_obj("model.obj", RED)')
    assert is_picture(box)
    assert differing(box, mesh, tolerance=2) <= box.shape[0] * box.shape[1] // 200  # edges


def test_a_closed_mesh_cuts_like_its_box(tmp_path):
    write_obj(tmp_path, CUBE_OBJ)
    cutter = "Sphere(Point(0.3, -0.4, -0.5), 0.45, BLUE)"
    box = render(
        tmp_path, f"Difference(Box(Point(-0.5,-0.5,-0.5), Point(0.5,0.5,0.5), RED), {cutter})"
    )
    mesh = render(tmp_path, f'Difference(Mesh.from_obj("model.obj", RED), {cutter})')
    assert is_picture(box)
    assert differing(box, mesh, tolerance=2) <= box.shape[0] * box.shape[1] // 200


def test_obj_face_forms_negative_indices_and_fans():
    text = """\
v 0 0 0
v 1 0 0
v 1 1 0
v 0 1 0
vt 0 0
vn 0 0 -1
f 1 2 3
f 1/1 3/1 4/1
f 1//1 2//1 3//1
f -4/1/1 -2/1/1 -1/1/1
f 1 2 3 4
"""
    obj = parse_obj("x.obj", text.encode())
    assert obj.vertices.shape == (4, 3)
    expect = [[0, 1, 2], [0, 2, 3], [0, 1, 2], [0, 2, 3], [0, 1, 2], [0, 2, 3]]
    assert obj.faces.tolist() == expect
    assert obj.face_normals is not None
    assert obj.face_normals.tolist()[2:4] == [[0, 0, 0], [0, 0, 0]]
    assert obj.face_normals.tolist()[0] == [-1, -1, -1]


def test_smooth_normals_come_from_vn():
    text = "v 0 0 0\nv 1 0 0\nv 0 1 0\nvn 1 0 -1\nvn 0 1 -1\nvn 0 0 -1\nf 1//1 2//2 3//3\n"
    obj = parse_obj("x.obj", text.encode())
    mesh = Mesh(obj.vertices, obj.faces, normals=obj.normals)
    mesh._corner_index = obj.face_normals
    mesh.prepare()
    o = (np.array([0.25]), np.array([0.25]), np.array([-2.0]))
    d = (np.zeros(1), np.zeros(1), np.ones(1))
    t, hit, prim = mesh.intersect(o, d)
    assert hit[0]
    p = tuple(o[k] + d[k] * t for k in range(3))
    n = np.array([c[0] for c in mesh.normals(p, d, prim)])
    corner = np.array([[1, 0, -1], [0, 1, -1], [0, 0, -1]]) / np.array([[2**0.5], [2**0.5], [1]])
    want = 0.5 * corner[0] + 0.25 * corner[1] + 0.25 * corner[2]
    assert np.allclose(n, want / np.linalg.norm(want))
    flat = Mesh(obj.vertices, obj.faces)
    flat.prepare()
    assert np.allclose([c[0] for c in flat.normals(p, d, prim)], [0, 0, -1])  # faces the ray


def scene_with_obj(tmp_path, obj_text: str | None, call='Mesh.from_obj("model.obj")'):
    if obj_text is not None:
        write_obj(tmp_path, obj_text)
    path = tmp_path / "scene.py"
    path.write_text(
        "from tracer import *\nWIDTH, HEIGHT = 8, 8\nCAMERA = Vector(0, 0, -1)\nLIGHTS = []\n"
        f"OBJECTS = [\n    {call},\n]\n"
    )
    return path


@pytest.mark.parametrize(
    ("obj", "line", "message"),
    [
        ("v 0 0 0\nv 1 0\n", 2, "'v' needs 3 numbers, got 2"),
        ("v 0 0 0\nv 1 0 x\n", 2, "'v' needs 3 numbers, got '1 0 x'"),
        (
            "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n",
            4,
            "face vertex index 4 is out of range: 3 vertices defined so far",
        ),
        (
            "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 99999999999999999999999\n",  # beyond 64 bits
            4,
            "face vertex index 99999999999999999999999 is out of range",
        ),
        (
            "v 0 0 0\nv 1 0 0\nv 0 1 0\nvn 0 0 1\nf 1//1 2//1 3//-18446744073709551617\n",
            5,
            "face normal index -18446744073709551617 is out of range: 1 normal defined so far",
        ),
        ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 -4\n", 4, "face vertex index -4 is out of range"),
        ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 0 2\n", 4, "face vertex index 0 is out of range"),
        ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1//1 2//1 3//1\n", 4, "face normal index 1 is out"),
        ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2\n", 4, "a face needs at least 3 vertices, got 2"),
        ("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 a 3\n", 4, "bad face corner 'a'"),
        ("v 0 0 0\nv 1 0 0\nv 0 1 0\n", None, "the OBJ file has no faces"),
    ],
)
def test_malformed_obj_names_the_obj_files_line(tmp_path, obj, line, message):
    path = scene_with_obj(tmp_path, obj)
    with pytest.raises(SceneError) as err:
        load(SceneSource.from_path(path), RenderSettings())
    assert err.value.filename == str(tmp_path / "model.obj")
    assert err.value.lineno == line
    assert err.value.message.startswith(message)


def test_missing_obj_is_reported_at_the_scene_line(tmp_path):
    path = scene_with_obj(tmp_path, None)
    with pytest.raises(SceneError) as err:
        load(SceneSource.from_path(path), RenderSettings())
    assert (err.value.filename, err.value.lineno) == (str(path), 6)
    assert err.value.message == f"OBJ file not found: {tmp_path / 'model.obj'}"


def test_the_obj_file_is_part_of_the_scene(tmp_path):
    path = scene_with_obj(tmp_path, CUBE_OBJ)
    loaded = load(SceneSource.from_path(path), RenderSettings())
    assert list(loaded.files) == [str(tmp_path / "model.obj")]


QUADS = "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvt 0 0\nvn 0 0 -1\nvn 0 0 1\n"


@pytest.mark.parametrize(
    "faces",
    [
        "f 1 2 3 4\nf 4 3 2 1\n",
        "f 1/1 2/1 3/1 4/1\nf -1/1 -2/1 -3/1 -4/1\n",
        "f 1//1 2//1 3//2 4//2\nf 4//1 3//1 2//1 1//1\n",
        "f 1/1/1 2/1/1 3/1/2 4/1/2\nf -4/-1/-1 -3/-1/-2 -2/-1/-1 -1/-1/-2\n",
    ],
    ids=["v", "v/vt", "v//vn", "v/vt/vn"],
)
def test_the_whole_array_parser_agrees_with_the_line_parser(faces):
    from tracer.geometry import obj

    text = QUADS + faces
    fast, slow = obj._parse_fast(text.encode()), obj._parse_lines(text.splitlines(), "x.obj")
    assert fast is not None
    for name in ("vertices", "faces", "normals", "face_normals"):
        a, b = getattr(fast, name), getattr(slow, name)
        assert (a is None and b is None) or np.array_equal(a, b), name


def test_a_prepared_mesh_travels_as_its_vertices_and_faces_and_comes_back_exact():
    """A snapshot carries a mesh's triangles as vertices and faces, not their corner arrays."""
    import pickle

    rng = np.random.default_rng(4)
    vertices = rng.normal(size=(3000, 3)) * 1e3
    faces = rng.integers(0, 3000, size=(6000, 3))
    mesh = Mesh(vertices, faces)
    batch = mesh.primitives()
    data = pickle.dumps((mesh, batch), protocol=pickle.HIGHEST_PROTOCOL)
    arrays = sum(getattr(mesh._tris, k).nbytes for k in ("a", "e1", "e2", "lo", "hi", "tol"))
    assert len(data) < vertices.nbytes + faces.nbytes + arrays / 2
    again, batch_again = pickle.loads(data)
    for name in ("a", "e1", "e2", "lo", "hi", "tol"):
        want, got = getattr(mesh._tris, name), getattr(again._tris, name)
        assert got.view(np.int64).tolist() == want.view(np.int64).tolist(), name
    assert batch_again.lo is again._tris.lo
    o = (np.zeros(50), np.zeros(50), np.full(50, -5e3))
    d = tuple(np.asarray(c) for c in (rng.normal(size=50) * 0.2, rng.normal(size=50) * 0.2))
    d = (*d, np.ones(50))
    hits, again_hits = mesh.intersect(o, d), again.intersect(o, d)
    assert all(np.array_equal(x, y) for x, y in zip(hits, again_hits, strict=True))
