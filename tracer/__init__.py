"""Puray Live's ray tracer: Puray's exact shading in numpy, Qt-free.

Scene files import what they need from here (or Puray's module names)::

    from tracer import Color, Point, Vector, Sphere, Plane, Material, ChequeredMaterial, Light

Textures (``Checker``, ``Noise``, ``Marble``, ``Wood``, ``Voronoi``, ``ImageTexture``) go
wherever a material takes a colour; ``BACKGROUND = Sky(zenith, horizon)`` colours the misses.
``Glass(ior, color, absorption)`` refracts; ``Light(position, color, radius)`` casts soft
shadows.

This is the one public scene API: the public names of the subpackages (their ``__all__``)
that scene files use, and the leaves' vectors, settings and errors. Besides, from Python (a
notebook, a script): ``render(scene)`` returns a :class:`Picture` (shown inline in Jupyter)
and ``watch(path)`` a live view that re-renders on save (see tracer/notebook/).
"""

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from .notebook import Picture, Watch, render, watch

#: Rendering from Python (notebooks, scripts: tracer/notebook/), imported on first use, so
#: that ``import tracer`` (in every worker process, by every scene) does not pay for it.
_NOTEBOOK = ("Picture", "Watch", "render", "watch")

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
        *_NOTEBOOK,  # not for scenes, but ``from tracer import *`` in a notebook gives them
    }
    - _NOT_FOR_SCENES
)


def __getattr__(name: str):
    """Import the notebook API (``tracer.render``, ``tracer.watch``...) when first used."""
    if name in _NOTEBOOK:
        from . import notebook

        return getattr(notebook, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
