"""Every bundled scene, and scenes of every solid, mesh and CSG, render the same bytes through
the compiled walk as through the numpy engine (a consistency test: the references are in
test_compiled_walk.py, test_exact.py and test_references_*.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.tracer.test_compiled_walk import route, sphere_walks  # noqa: F401 (a fixture)
from tracer import RenderSettings, SceneSource
from tracer.accel import aggregates, compiled
from tracer.accel.grid_structure import GridStructure
from tracer.kernel.render import load, render_rows

pytest.importorskip("numba")

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = [p for p in sorted((ROOT / "scenes").glob("*.py")) if p.stem != "showcase_materials"]

SOLIDS = """\
import numpy as np
from tracer import *
WIDTH, HEIGHT = 96, 64
CAMERA = LookAtCamera(Point(0.5, -2.5, -5), look_at=Point(0, 0, 0), fov=55)
LIGHTS = [Light(Point(-3, -6, -5)), Light(Point(4, -2, -3), Color(0.5, 0.5, 0.5))]
RED = Material(Color(0.9, 0.1, 0.1), reflection=0.3)
GLASS = Glass(ior=1.5)
OBJECTS = [Plane(Point(0, 1, 0), Vector(0, -1, 0), ChequeredMaterial(reflection=0.2))]
for i in range(-3, 4):
    for j in range(-2, 3):
        x, z = i * 0.7, j * 0.7
        k = (i + 2 * j) % 6
        if k == 0:
            OBJECTS.append(Box(Point(x - 0.2, 1, z - 0.2), Point(x + 0.2, 0.5, z + 0.2), RED))
        elif k == 1:
            OBJECTS.append(Cylinder(Point(x, 1, z), Point(x + 0.1, 0.3, z), 0.2))
        elif k == 2:
            OBJECTS.append(Cone(Point(x, 1, z), Point(x, 0.2, z - 0.1), 0.25, RED))
        elif k == 3:
            OBJECTS.append(Disc(Point(x, 0.6, z), Vector(0.2, -1, 0.3), 0.25))
        elif k == 4:
            OBJECTS.append(Difference(Box(Point(x - 0.25, 1, z - 0.25),
                                          Point(x + 0.25, 0.5, z + 0.25)),
                                      Sphere(Point(x, 0.5, z), 0.3)))
        else:
            OBJECTS.append(Sphere(Point(x, 0.7, z), 0.3, GLASS))
OBJECTS.append(Mesh.from_obj("gem.obj", RED).scaled(0.5).translated(0, -0.3, -1))
OBJECTS.append(Mesh.from_obj("gem.obj", Material(Color(0.2, 0.6, 0.9)), smooth=True)
               .scaled(0.6).translated(1.4, -0.3, -1.6))
OBJECTS.append(Triangle(Point(-2, 0, 2), Point(2, 0, 2), Point(0, -2, 2.5)))
"""


def render(path: Path, settings: RenderSettings) -> np.ndarray:
    loaded = load(SceneSource.from_path(path), settings)
    height = settings.height or loaded.scene.height
    return render_rows(loaded, settings, 0, height)


@pytest.fixture(autouse=True, params=["just-in-time", "ahead-of-time"])
def kernels(request, monkeypatch):
    """Each route of the compiled walk."""
    monkeypatch.setattr(compiled, "_loaded", [route(request.param)])
    monkeypatch.setattr(compiled, "_warm", [True])  # numba started: no cold start to weigh


def both(monkeypatch, path: Path, settings: RenderSettings):
    """Return (numpy engine's picture, compiled walk's picture, the compiled structure)."""
    with monkeypatch.context() as m:
        m.setenv(compiled.OFF, "1")
        slow = render(path, settings)
    with monkeypatch.context() as m:
        m.delenv(compiled.OFF, raising=False)
        m.setattr(compiled, "MIN_PRIMS", 1)  # every structure compiled, however small
        m.setattr(aggregates, "MIN_PRIMS", 1)
        loaded = load(SceneSource.from_path(path), settings)
        height = settings.height or loaded.scene.height
        fast = render_rows(loaded, settings, 0, height)
    return slow, fast, loaded.kernel.aggregate.structure


@pytest.mark.usefixtures("sphere_walks")
@pytest.mark.parametrize("scene", BUNDLED, ids=lambda p: p.stem)
@pytest.mark.parametrize("shadows", [False, True], ids=["plain", "shadows"])
def test_every_bundled_scene_is_the_same_compiled(monkeypatch, scene, shadows):
    frame = 3 if scene.stem in ("coronavirus_animated", "showcase_orbit") else 0
    settings = RenderSettings(width=96, height=54, shadows=shadows, samples=1, frame=frame)
    slow, fast, structure = both(monkeypatch, scene, settings)
    assert walks_compiled(structure) or structure is None
    np.testing.assert_array_equal(fast, slow)
    assert len(np.unique(fast.reshape(-1, 3), axis=0)) > 20


@pytest.mark.parametrize("shadows", [False, True], ids=["plain", "shadows"])
def test_solids_meshes_csg_and_glass_are_the_same_compiled(monkeypatch, tmp_path, shadows):
    shutil.copy(ROOT / "scenes" / "gem.obj", tmp_path)
    path = tmp_path / "solids.py"
    path.write_text(SOLIDS)
    slow, fast, structure = both(monkeypatch, path, RenderSettings(shadows=shadows, max_depth=4))
    assert walks_compiled(structure)
    np.testing.assert_array_equal(fast, slow)
    assert len(np.unique(fast.reshape(-1, 3), axis=0)) > 200


def walks_compiled(structure) -> bool:
    """Tell whether a structure walks compiled: the hierarchy, or a sphere grid walked so."""
    if isinstance(structure, GridStructure):
        return structure.spheres is not None and structure.spheres.usable()
    return isinstance(structure, compiled.CompiledStructure)
