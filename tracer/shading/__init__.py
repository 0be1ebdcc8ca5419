"""Shading: materials, textures, backgrounds, lights, and the reflectance models (Phong, glass)."""

from .background import Background, Sky
from .image_texture import ImageTexture
from .lights import Light
from .materials import ChequeredMaterial, Material, TexturedMaterial
from .textures import Checker, Marble, Noise, Texture, Wood
from .voronoi import Voronoi

__all__ = [
    "Background",
    "Checker",
    "ChequeredMaterial",
    "ImageTexture",
    "Light",
    "Marble",
    "Material",
    "Noise",
    "Sky",
    "Texture",
    "TexturedMaterial",
    "Voronoi",
    "Wood",
]
