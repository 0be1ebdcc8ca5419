"""A moved mesh's own BVH (geometry/bvh.py) keeps rays that lie in a box's face plane.

A ray with a zero direction component whose origin lies exactly on a box face along that
axis computes 0 * inf = NaN there; the boxes took that as "outside", so such rays missed a
flat mesh seen head-on: Puray's camera sends the picture's middle column with dx = 0 from
x = 0, straight along the mesh's vertex column at x = 0. And a flat box has no slack between
its slabs: a ray through a triangle at a leaf box's edge could enter a hair past its exit.
"""

from __future__ import annotations

import numpy as np
import pytest

from tracer import Mesh, RenderSettings, SceneSource
from tracer.geometry import prepare_all
from tracer.geometry.bvh import keep_min
from tracer.geometry.triangles import hit_pairs
from tracer.kernel.render import load, render_image

SCENE = """\
import numpy as np
from tracer import *
WIDTH, HEIGHT = 65, 33
CAMERA = Vector(0, 0, -4)
LIGHTS = [Light(Point(0.3, -0.2, -6))]
g = np.linspace(-2.5, 2.5, 21)  # vertices at x = 0 and y = 0 among them
V = np.array([[x, y, 3.0] for y in g for x in g])
n = len(g)
F = [(j * n + i, j * n + i + 1, (j + 1) * n + i + 1) for j in range(n - 1) for i in range(n - 1)]
F += [(j * n + i, (j + 1) * n + i + 1, (j + 1) * n + i) for j in range(n - 1) for i in range(n - 1)]
class Own(Mesh):  # a mesh class of the scene's own: moved, it stays a Transformed
    pass
OBJECTS = [{kind}(V, F, Material(Color(0.9, 0.3, 0.1), ambient=0.3)){move}]
"""


def render(tmp_path, move: str, kind: str = "Own") -> np.ndarray:
    path = tmp_path / "flat.py"
    path.write_text(SCENE.format(move=move, kind=kind))
    return render_image(SceneSource.from_path(path), RenderSettings(width=65, height=33))


@pytest.mark.parametrize("kind", ["Own", "Mesh"])  # walked by its own BVH / the scene's
def test_a_flat_moved_mesh_seen_head_on_shows_in_the_middle_column(tmp_path, kind):
    img = render(tmp_path, ".translated(0, 0, 1)", kind)
    background = img.sum(axis=2) < 30
    assert not background[:, 32].any(), "the middle column misses the mesh"
    assert background.mean() < 0.01  # (a ray through a shared edge may slip between two)


def test_the_bvh_finds_what_testing_every_triangle_finds(tmp_path):
    """Every pixel's ray of that scene, in the mesh's own space: the same nearest triangle."""
    path = tmp_path / "flat.py"
    path.write_text(SCENE.format(move=".translated(0, 0, 1)", kind="Own"))
    loaded = load(SceneSource.from_path(path), RenderSettings(width=65, height=33))
    moved = loaded.scene.objects[0]
    py, px = np.divmod(np.arange(65 * 33), 65)
    o, d = loaded.scene.camera.rays(px.astype(float), py.astype(float), 65, 33)
    o, d, _stretch = moved._local(tuple(np.full(px.size, c) for c in o), d)
    mesh = moved.shape
    t, prim = mesh._bvh.nearest(o, d)
    m = len(mesh._tris)
    rays, tris = np.repeat(np.arange(px.size), m), np.tile(np.arange(m), px.size)
    tt, ok, _u, _v = hit_pairs(mesh._tris, o, d, rays, tris)
    best, first = np.full(px.size, np.inf), np.full(px.size, -1)
    keep_min(rays[ok], tt[ok], tris[ok], best, first)
    np.testing.assert_array_equal(t, best)
    hit = np.flatnonzero(prim >= 0)  # its triangle (one of those meeting there at a tie)
    t_own, ok_own, _u, _v = hit_pairs(mesh._tris, o, d, hit, prim[hit])
    assert ok_own.all()
    np.testing.assert_array_equal(t_own, best[hit])
    assert np.isfinite(best).mean() > 0.99


def test_rays_along_box_faces_hit_a_flat_mesh_on_its_vertex_lines():
    g = np.linspace(-1, 1, 9)
    v = np.array([[x, y, 2.0] for y in g for x in g])
    n = len(g)
    f = [
        (j * n + i, j * n + i + 1, (j + 1) * n + i + 1) for j in range(n - 1) for i in range(n - 1)
    ]
    f += [
        (j * n + i, (j + 1) * n + i + 1, (j + 1) * n + i)
        for j in range(n - 1)
        for i in range(n - 1)
    ]
    mesh = Mesh(v, f).translated(0, 0, 0.5)
    prepare_all([mesh])
    x, y = np.meshgrid(np.linspace(-0.75, 0.75, 7), np.linspace(-0.75, 0.75, 7))
    o = (x.ravel(), y.ravel(), np.full(x.size, 5.0))  # on the leaves' faces, straight down z
    d = (np.zeros(x.size), np.zeros(x.size), np.full(x.size, -1.0))
    t, hit, *_ = mesh.intersect(o, d)
    assert hit.all()
    np.testing.assert_array_equal(t, np.full(x.size, 2.5))
