"""Geometry: the shape interface, the primitives, and the acceleration structure (aggregates)."""

from .plane import Plane
from .shape import Shape, prepare_all
from .sphere import Sphere

__all__ = ["Plane", "Shape", "Sphere", "prepare_all"]
