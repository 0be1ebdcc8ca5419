"""Puray's virus poster: an orange core with a crown of 32 spikes, lit by one orange light.

Each spike is three small stacked spheres standing on the core's surface, capped by a
yellow blob; every spike's angle is nudged by a random whole number of degrees, so the
crown looks grown rather than drawn (``puray render --seed K`` grows another one).
"""

import math
import random

from color import Color
from light import Light
from material import Material
from point import Point
from sphere import Sphere
from vector import Vector

WIDTH = 1920
HEIGHT = 1080
RENDERED_IMG = "coronavirus.ppm"
CAMERA = Vector(0, 0, -1)

CORE_RADIUS = 0.2
SPIKES = 32
STALK_SPHERES = 3
STALK_RADIUS = 0.008
BLOB_RADIUS = 0.01

CORE = Material(Color.from_hex("#FF7701"))
STALK = Material(Color.from_hex("#d47721"))
BLOB = Material(Color.from_hex("#febd14"))


def spike(degrees):
    """Return the spheres of one spike pointing at ``degrees`` in the x-y plane."""
    angle = math.radians(degrees)
    dx, dy = math.cos(angle), math.sin(angle)
    spheres = []
    for k in range(STALK_SPHERES):
        distance = CORE_RADIUS + (2 * k + 1) * STALK_RADIUS
        spheres.append(Sphere(Point(dx * distance, dy * distance, 0), STALK_RADIUS, STALK))
    distance = CORE_RADIUS + 2 * STALK_SPHERES * STALK_RADIUS + BLOB_RADIUS
    spheres.append(Sphere(Point(dx * distance, dy * distance, 0), BLOB_RADIUS, BLOB))
    return spheres


OBJECTS = [Sphere(Point(0, 0, 0), CORE_RADIUS, CORE)]
for i in range(SPIKES):
    OBJECTS += spike(i * 360 / SPIKES + random.randint(-2, 2))

LIGHTS = [Light(Point(1.5, -0.5, -10), Color.from_hex("#FF4900"))]
