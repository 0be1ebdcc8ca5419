"""A Puray scene with a material of its own: a Material subclass that paints stripes.

Puray's materials give their colour by ``color_at(position)``; this one overrides it, as a
Puray user would, so the engine asks it point by point.
"""

from color import Color
from light import Light
from material import ChequeredMaterial, Material
from point import Point
from sphere import Sphere
from vector import Vector

WIDTH = 320
HEIGHT = 200
CAMERA = Vector(0.1, -0.4, -1.2)


class Stripes(Material):
    """Horizontal bands ``width`` high: the material's colour, then ``other``."""

    def __init__(self, color, other, width=0.1, **kwargs):
        super().__init__(color, **kwargs)
        self.other = other
        self.width = width

    def color_at(self, position):
        if int((position.y + 10) / self.width) % 2 == 0:
            return self.color
        return self.other


OBJECTS = [
    Sphere(
        Point(0, 10000.5, 1),
        10000.0,
        ChequeredMaterial(Color.from_hex("#202020"), Color.from_hex("#d0d0c0"), reflection=0.3),
    ),
    Sphere(
        Point(-0.6, 0.0, 1.4), 0.5, Stripes(Color.from_hex("#e04020"), Color.from_hex("#f0e0a0"))
    ),
    Sphere(
        Point(0.55, 0.1, 1.1),
        0.4,
        Stripes(Color.from_hex("#2050c0"), Color.from_hex("#ffffff"), width=0.07, reflection=0.2),
    ),
    Sphere(Point(0.1, 0.35, 0.6), 0.15, Material(Color.from_hex("#40c040"), ambient=0.1)),
]
LIGHTS = [
    Light(Point(1.5, -2.5, -3), Color.from_hex("#FFFFFF")),
    Light(Point(-2, -4, 0.5), Color.from_hex("#806060")),
]
