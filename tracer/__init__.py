"""Puray Live's ray tracer: Puray's exact shading in numpy, Qt-free.

Scene files import what they need from here (or Puray's module names)::

    from tracer import Color, Point, Vector, Sphere, Plane, Material, ChequeredMaterial, Light

Textures (``Checker``, ``Noise``, ``Marble``, ``Wood``, ``Voronoi``, ``ImageTexture``) go
wherever a material takes a colour; ``BACKGROUND = Sky(zenith, horizon)`` colours the misses.
``Glass(ior, color, absorption)`` refracts; ``Light(position, color, radius)`` casts soft
shadows.
"""

from .camera.cameras import Camera, LookAtCamera, PurayCamera
from .errors import SceneError, WorkerDied
from .geometry import (
    Box,
    Cone,
    Cylinder,
    Difference,
    Disc,
    Intersection,
    Mesh,
    Plane,
    Shape,
    Sphere,
    Triangle,
    Union,
)
from .scene.load import Scene, SceneSource, load_scene
from .settings import RenderSettings
from .shading.background import Sky
from .shading.glass import Glass
from .shading.image_texture import ImageTexture
from .shading.lights import Light
from .shading.materials import ChequeredMaterial, Material
from .shading.textures import Checker, Marble, Noise, Texture, Wood
from .shading.voronoi import Voronoi
from .vector import Color, Point, Vector

__all__ = [
    "Box",
    "Camera",
    "Checker",
    "ChequeredMaterial",
    "Color",
    "Cone",
    "Cylinder",
    "Difference",
    "Disc",
    "Glass",
    "ImageTexture",
    "Intersection",
    "Light",
    "LookAtCamera",
    "Marble",
    "Material",
    "Mesh",
    "Noise",
    "Plane",
    "Point",
    "PurayCamera",
    "RenderSettings",
    "Scene",
    "SceneError",
    "SceneSource",
    "Shape",
    "Sky",
    "Sphere",
    "Texture",
    "Triangle",
    "Union",
    "Vector",
    "Voronoi",
    "Wood",
    "WorkerDied",
    "load_scene",
]
