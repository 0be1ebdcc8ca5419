"""Shading: materials (how a surface reacts to light) and lights."""

from .lights import Light
from .materials import ChequeredMaterial, Material

__all__ = ["ChequeredMaterial", "Light", "Material"]
