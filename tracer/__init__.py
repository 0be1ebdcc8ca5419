"""Puray Live's ray tracer: Puray's exact shading in numpy, Qt-free.

Scene files import what they need from here (or Puray's module names)::

    from tracer import Color, Point, Vector, Sphere, Plane, Material, ChequeredMaterial, Light

Textures (``Checker``, ``Noise``, ``Marble``, ``Wood``, ``Voronoi``, ``ImageTexture``) go
wherever a material takes a colour; ``BACKGROUND = Sky(zenith, horizon)`` colours the misses.
``Glass(ior, color, absorption)`` refracts; ``Light(position, color, radius)`` casts soft
shadows.

This is the one public scene API: the public names of the subpackages (their ``__all__``)
that scene files use, and the leaves' vectors, settings and errors.
"""

from . import camera, geometry, scene, shading, vector
from .camera import Camera, LookAtCamera, PurayCamera
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
from .shading import (
    Checker,
    ChequeredMaterial,
    ImageTexture,
    Light,
    Marble,
    Material,
    Noise,
    Sky,
    Texture,
    Voronoi,
    Wood,
)
from .shading.glass import Glass
from .vector import Color, Point, Vector

#: Public names of the subpackages that scene files do not use (the loader's and kernel's).
_NOT_FOR_SCENES = {"Background", "TexturedMaterial", "Transformed", "prepare_all"}

__all__ = sorted(
    {
        *camera.__all__,
        *geometry.__all__,
        *scene.__all__,
        *shading.__all__,
        "Glass",  # shading/glass.py
        *vector.__all__,
        "RenderSettings",  # settings.py
        "SceneError",  # errors.py
        "WorkerDied",
    }
    - _NOT_FOR_SCENES
)
