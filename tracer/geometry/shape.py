"""The shape interface: every primitive intersects many rays at once (structure of arrays).

A shape implements ``intersect(o, d) -> (t, hit)`` (distance along unit rays and a boolean
mask of the rays that hit at t > 0) and ``normals(p, d) -> n`` (unit normals at hit points).
``o``, ``d`` and ``p`` are triples of arrays (or floats: primary rays share the camera
origin), float64.
"""

from __future__ import annotations

import numpy as np

from ..errors import SceneError, caller_site
from ..shading.materials import Material

Triple = tuple  # (x, y, z): arrays or floats


class Shape:
    """Base of all primitives: a material and where the scene created it."""

    material: Material

    def __init__(self, material: Material | None) -> None:
        self.material = Material() if material is None else material
        self._site = caller_site()

    def prepare(self) -> None:
        """Validate the user's numbers and cache them as floats (raises SceneError)."""

    def intersect(self, o: Triple, d: Triple) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def normals(self, p: Triple, d: Triple) -> Triple:
        raise NotImplementedError


def prepare_all(objects) -> None:
    """Validate every object of a scene."""
    for obj in objects:
        if not isinstance(obj, Shape):
            raise SceneError(f"OBJECTS holds {obj!r}, which is not a shape (Sphere, Plane, ...)")
        obj.prepare()
