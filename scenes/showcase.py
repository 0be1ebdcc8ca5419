"""What Puray cannot draw: an infinite chequered floor, a look-at camera, shadows, a mirror
ball and vectorised custom materials (stripes and a gradient, from showcase_materials.py).

It asks to be seen with shadows and 2 x 2 samples (SETTINGS below); a flag overrides, e.g.
``puray render scenes/showcase.py --no-shadows --samples 1`` for a quick look.
"""

from showcase_materials import Gradient, Stripes

from tracer import (
    ChequeredMaterial,
    Color,
    Light,
    LookAtCamera,
    Material,
    Plane,
    Point,
    Sphere,
    Vector,
)

WIDTH = 1280
HEIGHT = 720
SETTINGS = {"shadows": True, "samples": 2}
CAMERA = LookAtCamera(Point(0, -1.1, -3.6), look_at=Point(0, 0.05, 1.2), fov=55)

FLOOR_Y = 0.5  # Puray's y grows downwards: the floor lies below the balls


def resting(x, z, radius):
    """Return the centre of a ball of ``radius`` lying on the floor at (x, z)."""
    return Point(x, FLOOR_Y - radius, z)


OBJECTS = [
    Plane(
        Point(0, FLOOR_Y, 0),
        Vector(0, -1, 0),
        ChequeredMaterial(
            color1=Color.from_hex("#2b2d42"),
            color2=Color.from_hex("#edf2f4"),
            ambient=0.15,
            reflection=0.25,
        ),
    ),
    # A far wall painted as a sky: lit only by the lights, matt, no highlight
    Plane(
        Point(0, 0, 40),
        Vector(0, 0, -1),
        Gradient(
            Color.from_hex("#9ec3e6"),
            Color.from_hex("#1d3557"),
            p0=Point(0, FLOOR_Y, 40),
            p1=Point(0, -8, 40),
            ambient=0.0,
            diffuse=0.7,
            specular=0.0,
            reflection=0.0,
        ),
    ),
    # A mirror: little colour of its own, most of what it shows is reflected
    Sphere(
        resting(0, 1.2, 0.55),
        0.55,
        Material(Color.from_hex("#f0f0f0"), ambient=0.0, diffuse=0.15, reflection=0.9),
    ),
    Sphere(
        resting(-1.35, 1.6, 0.4),
        0.4,
        Stripes(
            Color.from_hex("#e63946"),
            Color.from_hex("#f1faee"),
            width=0.08,
            direction=Vector(1, 1, 0.3),
            reflection=0.1,
        ),
    ),
    Sphere(
        resting(1.3, 1.5, 0.45),
        0.45,
        Gradient(
            Color.from_hex("#ffd166"),
            Color.from_hex("#ef476f"),
            p0=Point(0.9, FLOOR_Y - 0.9, 1.5),
            p1=Point(1.7, FLOOR_Y, 1.5),
            reflection=0.1,
        ),
    ),
    Sphere(resting(0.6, 0.2, 0.2), 0.2, Material(Color.from_hex("#06d6a0"), reflection=0.3)),
]
LIGHTS = [
    Light(Point(-3, -4, -2), Color.from_hex("#FFFFFF")),
    Light(Point(3, -3, -1), Color.from_hex("#606078")),
]
