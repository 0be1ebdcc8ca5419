"""Glass spheres: both roots, so a ray inside one hits its far side.

Puray's spheres keep the near-root rule (a ray starting inside does not hit them) and their
exact arithmetic; a plain Sphere whose material is glass is handed to the acceleration
structure as a closed solid instead (solid.py's SphereSolid: the first boundary in front).
"""

from __future__ import annotations

import numpy as np

from .shape import Hittable
from .solid import SphereSolid
from .sphere import Sphere


class GlassSphere(SphereSolid):
    """A Sphere tested with both roots, one primitive of its own (no class batch)."""

    def __init__(self, sphere: Sphere) -> None:
        super().__init__(sphere)
        self._site = getattr(sphere, "_site", None)

    @classmethod
    def batch(cls, shapes: list) -> None:
        return None

    def primitives(self) -> None:
        return None

    def materials(self) -> list:
        return [self.material]

    def material_ids(self, prim: np.ndarray) -> np.ndarray:
        return np.zeros(np.shape(prim), dtype=np.intp)


def with_both_roots(objects: list, is_glass) -> list[Hittable]:
    """Return ``objects`` with the plain spheres made of glass turned into GlassSpheres."""
    return [
        GlassSphere(obj) if type(obj) is Sphere and is_glass(obj.material) else obj
        for obj in objects
    ]
