"""Puray's virus poster: an orange core with a crown of 32 spikes, lit by one orange light.

Each spike is Puray's: a stalk of three small spheres, each one radius further out than the
last (the first centred on the core's surface), capped by a yellow blob; every spike's angle
is nudged by a random whole number of degrees, so the crown looks grown rather than drawn
(``puray render --seed K`` grows another one).
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
    """Return the spheres of one spike at ``degrees`` from straight down (Puray's y is down)."""
    angle = math.radians(degrees)
    spheres = []
    for k in range(STALK_SPHERES):
        d = CORE_RADIUS + k * STALK_RADIUS
        spheres.append(
            Sphere(Point(d * math.sin(angle), d * math.cos(angle), 0), STALK_RADIUS, STALK)
        )
    d = CORE_RADIUS + (STALK_SPHERES - 1) * STALK_RADIUS + BLOB_RADIUS
    spheres.append(Sphere(Point(d * math.sin(angle), d * math.cos(angle), 0), BLOB_RADIUS, BLOB))
    return spheres


OBJECTS = [Sphere(Point(0, 0, 0), CORE_RADIUS, CORE)]
for i in range(SPIKES):
    OBJECTS += spike(i * 360 / SPIKES + random.randint(-2, 2))

LIGHTS = [Light(Point(1.5, -0.5, -10), Color.from_hex("#FF4900"))]
