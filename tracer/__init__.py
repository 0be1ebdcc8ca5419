"""Puray Live's ray tracer: Puray's exact shading in numpy, Qt-free.

Scene files import what they need from here (or Puray's module names)::

    from tracer import Color, Point, Vector, Sphere, Plane, Material, ChequeredMaterial, Light
"""

from .cameras import Camera, LookAtCamera, PurayCamera
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
from .scene import Scene, SceneSource, load_scene
from .settings import RenderSettings
from .shading.lights import Light
from .shading.materials import ChequeredMaterial, Material
from .vector import Color, Point, Vector

__all__ = [
    "Box",
    "Camera",
    "ChequeredMaterial",
    "Color",
    "Cone",
    "Cylinder",
    "Difference",
    "Disc",
    "Intersection",
    "Light",
    "LookAtCamera",
    "Material",
    "Mesh",
    "Plane",
    "Point",
    "PurayCamera",
    "RenderSettings",
    "Scene",
    "SceneError",
    "SceneSource",
    "Shape",
    "Sphere",
    "Triangle",
    "Union",
    "Vector",
    "WorkerDied",
    "load_scene",
]
