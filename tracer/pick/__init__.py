"""Pixel provenance: the path of one pixel's ray through the kernel's stages.

``records`` (what a pick holds: plain data), ``recorder`` (:func:`pick`, which follows the
ray through tracer/kernel/stages.py).
"""

from .recorder import pick
from .records import Bounce, LightTerm, Made, MaterialUsed, ObjectHit, OffFrame, Pick

__all__ = [
    "Bounce",
    "LightTerm",
    "Made",
    "MaterialUsed",
    "ObjectHit",
    "OffFrame",
    "Pick",
    "pick",
]
