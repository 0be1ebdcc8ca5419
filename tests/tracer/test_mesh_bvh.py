"""A mesh's own BVH is built only when a ray walks the mesh by itself, once per process."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from tests.tracer.test_mesh import brute, random_rays, torus
from tracer import Mesh, RenderSettings, SceneSource
from tracer.geometry import bvh
from tracer.kernel.render import load, render_rows, restore, snapshot

SCENE = """\
import numpy as np
from tracer import *

WIDTH, HEIGHT = 48, 32
CAMERA = LookAtCamera(Point(0.5, -1.5, -3.5), look_at=Point(0, 0, 0), fov=50)
LIGHTS = [Light(Point(-3, -6, -5))]
u, v = np.meshgrid(np.linspace(0, 2 * np.pi, 24, endpoint=False), np.linspace(0, np.pi, 13))
POINTS = np.stack((np.sin(v) * np.cos(u), np.cos(v), np.sin(v) * np.sin(u)), -1).reshape(-1, 3)
i, j = np.divmod(np.arange(12 * 24), 24)
a, b, c, d = i * 24 + j, i * 24 + (j + 1) % 24, (i + 1) * 24 + j, (i + 1) * 24 + (j + 1) % 24
FACES = np.concatenate((np.stack((a, c, b), 1), np.stack((b, c, d), 1)))
BALL = Mesh(POINTS, FACES, Material(Color(0.9, 0.4, 0.1)))


class Kept(Mesh):  # a mesh class of the scene's own: moved, it stays a Transformed
    pass


KEPT = Kept(POINTS, FACES, Material(Color(0.9, 0.4, 0.1)))
OBJECTS = [Plane(Point(0, 1, 0), Vector(0, -1, 0), Material(Color(1, 1, 1))), {ball}]
"""


@pytest.fixture
def builds(monkeypatch):
    """Count the BVHs built in this process from now on (each build takes 50 ms longer, so
    that threads racing to build one would overlap)."""
    made = []

    class Counted(bvh.BVH):
        def __init__(self, *args, **kwargs) -> None:
            made.append(self)
            time.sleep(0.05)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(bvh, "BVH", Counted)
    return made


def _load(tmp_path, ball: str):
    path = tmp_path / "ball.py"
    path.write_text(SCENE.format(ball=ball))
    settings = RenderSettings()
    return load(SceneSource.from_path(path), settings), settings


def _mesh(loaded) -> Mesh:
    """Return the scene's mesh (inside its Transformed wrapper, if moved)."""
    shapes = [getattr(obj, "shape", obj) for obj in loaded.scene.objects]
    return next(shape for shape in shapes if isinstance(shape, Mesh))


def test_a_plain_render_and_pick_of_a_mesh_build_no_bvh(tmp_path, builds):
    from tracer.pick import pick

    loaded, settings = _load(tmp_path, "BALL")
    pixels = render_rows(loaded, settings, 0, 32)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 10  # the ball is drawn, shaded
    picked = pick(loaded, settings, 24, 16)
    assert picked.bounces[0].object.index == 1  # the pixel at the centre sees the ball
    assert builds == []
    assert not _mesh(loaded)._bvh.built


def test_a_moved_mesh_is_a_mesh_that_renders_as_the_unmoved_one(tmp_path, builds):
    plain, settings = _load(tmp_path, "BALL")
    moved, _ = _load(tmp_path, "BALL.rotated(Vector(0, 1, 0), 0.0)")  # its vertices moved
    assert type(moved.scene.objects[1]) is Mesh
    assert np.array_equal(render_rows(moved, settings, 0, 32), render_rows(plain, settings, 0, 32))
    assert builds == []  # the scene's structure walks its triangles: no BVH of its own


def test_threads_walking_a_fresh_mesh_build_one_bvh_and_agree(builds):
    verts, faces = torus(40, 20)
    mesh = Mesh(verts, faces)
    mesh.prepare()
    o, d = random_rays(4)
    expect = brute(mesh, o, d)
    results: list = [None] * 8
    start = threading.Barrier(8)

    def walk(k: int) -> None:
        start.wait()
        results[k] = mesh.intersect(o, d)[0]

    threads = [threading.Thread(target=walk, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1
    for t in results:
        assert np.array_equal(t, expect)


def test_an_unbuilt_bvh_travels_as_nothing_and_is_built_where_needed(tmp_path, builds):
    loaded, settings = _load(tmp_path, "KEPT.rotated(Vector(0, 1, 0), 0.0)")
    data = snapshot(loaded)
    assert data is not None
    again = restore(data)
    assert not _mesh(again)._bvh.built
    assert again.fingerprint() == loaded.fingerprint()
    own = render_rows(loaded, settings, 0, 32)  # builds the loader's tree
    assert _mesh(loaded)._bvh.built
    assert loaded.fingerprint() == again.fingerprint()  # a built tree changes no fingerprint
    assert np.array_equal(render_rows(again, settings, 0, 32), own)
    assert len(builds) == 2  # one per load: each copy built its own when it first needed it
