"""The test scenes of bench/peers.py, each described once: as a Puray scene file.

:func:`write_scenes` writes the scene files (twoballs is Puray's own ``scenes/twoballs.py``;
the sphere cloud and the three meshes are generated, the meshes' OBJ files by
bench/peer_meshes.py). :func:`spec_of` loads a scene file with Puray's own loader and turns
what it built into a :class:`Spec`: plain numbers that bench/peer_writers.py writes for
POV-Ray and Mitsuba and hands to Embree. The other tools therefore see the very numbers Puray
renders (camera, lights, shapes, colours and Phong coefficients), as closely as their models
allow.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from peer_meshes import MODELS, make_model  # noqa: E402

from tracer import ChequeredMaterial, LookAtCamera, Material, Mesh, Plane, Sphere  # noqa: E402
from tracer.camera.cameras import PurayCamera  # noqa: E402
from tracer.datafiles import recording  # noqa: E402
from tracer.scene.load import SceneSource, load_scene  # noqa: E402

Vec3 = tuple[float, float, float]
TWOBALLS = ROOT / "scenes" / "twoballs.py"
FLOOR_Y = 1.0  # the meshes rest on the plane y = 1 (Puray's y points down)


@dataclass(frozen=True)
class Finish:
    """Puray's Phong material; ``checker``: the second colour of its 1/3-unit chessboard."""

    color: Vec3
    ambient: float
    diffuse: float
    specular: float
    reflection: float
    checker: Vec3 | None = None


@dataclass(frozen=True)
class Ball:
    center: Vec3
    radius: float
    finish: Finish


@dataclass(frozen=True)
class Floor:
    point: Vec3
    normal: Vec3
    finish: Finish


@dataclass(frozen=True)
class Model:
    vertices: np.ndarray  # (n, 3)
    faces: np.ndarray  # (m, 3), from 0
    normals: np.ndarray | None  # (n, 3) per vertex, or None: flat
    finish: Finish


@dataclass(frozen=True)
class View:
    """A pinhole: horizontal ``fov`` across the outer pixel centres, up is -y.

    ``sheared``: Puray's own camera, whose window is the plane z = 0 centred on the origin
    whatever the position (an off-axis frustum); ``look_at`` is then the origin.
    """

    position: Vec3
    look_at: Vec3
    fov: float
    sheared: bool = False


@dataclass(frozen=True)
class Spec:
    """One test scene as plain numbers, with the render settings of one case."""

    name: str
    width: int
    height: int
    view: View
    lights: tuple[tuple[Vec3, Vec3], ...]
    items: tuple
    shadows: bool = False
    depth: int = 5

    @property
    def triangles(self) -> int:
        return sum(len(i.faces) for i in self.items if isinstance(i, Model))


CLOUD = '''"""10,000 random balls in a cube of side 4 (bench/peer_scenes.py)."""
import math
import random

from tracer import Color, Light, LookAtCamera, Material, Point, Sphere

WIDTH, HEIGHT = 960, 540
CAMERA = LookAtCamera(Point(0, 0, -6.5), look_at=Point(0, 0, 0), fov=50)
rng = random.Random(1)
PALETTE = [Material(Color(rng.random(), rng.random(), rng.random())) for _ in range(8)]
N = 10_000
radius = math.sqrt(2.5 * 16 / (N * math.pi))  # about 2.5 balls deep along a ray
OBJECTS = [
    Sphere(Point(rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-2, 2)), radius,
           rng.choice(PALETTE))
    for _ in range(N)
]
LIGHTS = [Light(Point(4, -8, -6), Color(1, 1, 1)), Light(Point(-6, -3, -2), Color(0.6, 0.6, 0.7))]
'''

MESH = '''"""{what}: a generated stand-in of {count:,} triangles (bench/peer_scenes.py)."""
from tracer import Color, Light, LookAtCamera, Material, Mesh, Plane, Point, Vector

WIDTH, HEIGHT = 960, 540
CAMERA = LookAtCamera(Point(0, -1.6, -4.8), look_at=Point(0, 0.1, 0), fov=45)
OBJECTS = [{floor}
    Mesh.from_obj("{name}.obj",
                  Material(Color(0.85, 0.5, 0.3), ambient=0.1, diffuse=0.9, specular=0.5,
                           reflection=0.0)),
]
LIGHTS = [Light(Point(-4, -6, -5), Color(1, 1, 1)), Light(Point(5, -3, -2), Color(0.45, 0.45, 0.5))]
'''
FLOOR = """
    Plane(Point(0, {y}, 0), Vector(0, -1, 0),
          Material(Color(0.6, 0.6, 0.55), ambient=0.1, specular=0.0, reflection=0.0)),"""


def write_scenes(folder: Path, meshes: tuple[str, ...] = tuple(MODELS)) -> dict[str, Path]:
    """Write the generated scenes (and the meshes' OBJ files) into ``folder``: name -> file.

    Each mesh also gets ``<name>_alone.py``: the mesh without its floor, for the bare cast.
    """
    scenes = {"twoballs": TWOBALLS}
    cloud = folder / "cloud10k.py"
    cloud.write_text(CLOUD)
    scenes["cloud10k"] = cloud
    for name in meshes:
        _, count = make_model(name, folder, FLOOR_Y)
        what = MODELS[name][0]
        for key, floor in ((name, FLOOR.format(y=FLOOR_Y)), (f"{name}_alone", "")):
            scenes[key] = folder / f"{key}.py"
            scenes[key].write_text(MESH.format(what=what, count=count, floor=floor, name=name))
    return scenes


def spec_of(path: Path, name: str, width: int, height: int) -> Spec:
    """Load a Puray scene with Puray's loader and return its numbers as a Spec."""
    source = SceneSource.from_path(path)
    with recording(source):  # relative data files: from the scene's folder
        scene = load_scene(source)
    lights = tuple((_xyz(light.position), _xyz(light.color)) for light in scene.lights)
    items = tuple(_item(obj) for obj in scene.objects)
    return Spec(name, width, height, _view(scene.camera), lights, items)


def _xyz(v) -> Vec3:
    return (float(v.x), float(v.y), float(v.z))


def _view(camera) -> View:
    if isinstance(camera, PurayCamera):
        p = _xyz(camera.source)
        fov = math.degrees(2 * math.atan(1 / math.dist(p, (0, 0, 0))))
        return View(p, (0.0, 0.0, 0.0), fov, sheared=True)
    if isinstance(camera, LookAtCamera) and camera.up is not None and _xyz(camera.up) == (0, -1, 0):
        return View(_xyz(camera.source), _xyz(camera.look_at), float(camera.fov))
    raise ValueError(f"no peer translation for the camera {type(camera).__name__}")


def _finish(m: Material) -> Finish:
    parts = (float(m.ambient), float(m.diffuse), float(m.specular), float(m.reflection))
    if type(m) is ChequeredMaterial:
        return Finish(_xyz(m.color1), *parts, checker=_xyz(m.color2))
    if type(m) is Material:
        return Finish(_xyz(m.color), *parts)
    raise ValueError(f"no peer translation for the material {type(m).__name__}")


def _item(obj):
    if type(obj) is Sphere:
        return Ball(_xyz(obj.center), float(obj.radius), _finish(obj.material))
    if type(obj) is Plane:
        return Floor(_xyz(obj.point), _xyz(obj.normal), _finish(obj.material))
    if type(obj) is Mesh:
        v = np.asarray(obj.vertices, dtype=np.float64)
        n = None if obj.normals_in is None else np.asarray(obj.normals_in, dtype=np.float64)
        if n is not None and n.shape != v.shape:
            raise ValueError("peer translation needs one normal per vertex (OBJ 'f a//a')")
        return Model(v, np.asarray(obj.faces, dtype=np.int64), n, _finish(obj.material))
    raise ValueError(f"no peer translation for the shape {type(obj).__name__}")
