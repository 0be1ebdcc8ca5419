"""Puray Live's ray tracer: Puray's exact shading in numpy, Qt-free.

Scene files import what they need from here (or Puray's module names)::

    from tracer import Color, Point, Vector, Sphere, Plane, Material, ChequeredMaterial, Light
"""

from .camera import Camera, LookAtCamera, PurayCamera
from .errors import SceneError, WorkerDied
from .lights import Light
from .materials import ChequeredMaterial, Material
from .scene import Scene, SceneSource, load_scene
from .settings import RenderSettings
from .shapes import Plane, Shape, Sphere
from .vector import Color, Point, Vector

__all__ = [
    "Camera",
    "ChequeredMaterial",
    "Color",
    "Light",
    "LookAtCamera",
    "Material",
    "Plane",
    "Point",
    "PurayCamera",
    "RenderSettings",
    "Scene",
    "SceneError",
    "SceneSource",
    "Shape",
    "Sphere",
    "Vector",
    "WorkerDied",
    "load_scene",
]
