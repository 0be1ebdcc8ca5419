"""Glass: clear, tinted and smoky balls and a glass slab over a chequered floor, under a sky.

Glass reflects and refracts by the exact Fresnel equations: look at the balls' rims, which
mirror the sky, and their centres, which show the floor upside down. The slab shifts what is
behind it without bending it. The light has a radius, so with shadows on it casts soft
shadows (and glass only dims the light it lets through); each light sample is one
anti-aliasing sample, so SETTINGS below asks for shadows and 3 x 3 samples.
"""

from tracer import (
    Box,
    Checker,
    Color,
    Glass,
    Light,
    LookAtCamera,
    Material,
    Plane,
    Point,
    Sky,
    Sphere,
    Vector,
)

WIDTH = 1280
HEIGHT = 720
SETTINGS = {"shadows": True, "samples": 3}

FLOOR_Y = 0.5  # y grows downwards: the floor lies below the balls

CAMERA = LookAtCamera(Point(0.2, -1.3, -3.6), look_at=Point(0, 0.05, 1.2), fov=50)
BACKGROUND = Sky(zenith=Color.from_hex("#2f5f9e"), horizon=Color.from_hex("#e4ecf4"))

FLOOR = Material(
    Checker(Color.from_hex("#30333f"), Color.from_hex("#f2efe6"), size=0.5),
    ambient=0.25,
    reflection=0.15,
)
CLEAR = Glass(ior=1.5)
AMBER = Glass(ior=1.5, color=Color.from_hex("#f0b060"))
SMOKE = Glass(ior=1.6, color=Color.from_hex("#b8d8e8"), absorption=0.6)
SLAB = Glass(ior=1.5, color=Color.from_hex("#d8f0e8"), absorption=0.3)


def on_floor(x, z, r):
    """Return the centre of a ball of radius r resting on the floor at (x, z)."""
    return Point(x, FLOOR_Y - r, z)


OBJECTS = [
    Plane(Point(0, FLOOR_Y, 0), Vector(0, -1, 0), FLOOR),
    Sphere(on_floor(-0.35, 1.0, 0.6), 0.6, CLEAR),
    Sphere(on_floor(-1.75, 1.9, 0.45), 0.45, AMBER),
    Sphere(on_floor(1.55, 2.3, 0.55), 0.55, SMOKE),
    Sphere(on_floor(0.75, 0.05, 0.22), 0.22, Material(Color.from_hex("#d62839"), reflection=0.3)),
    Sphere(on_floor(0.55, 3.2, 0.4), 0.4, Material(Color.from_hex("#e9c46a"), reflection=0.3)),
    # an upright slab, a little turned: the floor and the yellow ball behind it shift sideways
    Box(Point(-0.6, -0.9, -0.06), Point(0.6, FLOOR_Y - 0.002, 0.06), SLAB)  # not in the floor
    .rotated(Vector(0, 1, 0), -12)
    .translated(1.05, 0, 1.4),
]
LIGHTS = [
    Light(Point(-3.0, -6.0, -2.0), Color.from_hex("#fff6e8"), radius=0.9),
    Light(Point(4.0, -3.0, -4.0), Color.from_hex("#59606e")),
]
