"""Geometry: the shape interface, the primitives, CSG, meshes, transforms and the
acceleration structure (aggregates)."""

from .box import Box
from .cone import Cone
from .csg import Difference, Intersection, Union
from .cylinder import Cylinder
from .disc import Disc
from .glass_sphere import with_both_roots as with_both_roots  # for the kernel
from .mesh import Mesh
from .plane import Plane
from .prepare import prepare_all
from .shape import Shape
from .sphere import Sphere
from .transform import Transformed
from .triangle import Triangle

__all__ = [
    "Box",
    "Cone",
    "Cylinder",
    "Difference",
    "Disc",
    "Intersection",
    "Mesh",
    "Plane",
    "Shape",
    "Sphere",
    "Transformed",
    "Triangle",
    "Union",
    "prepare_all",
]
