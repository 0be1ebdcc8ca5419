"""Every texture on a ball, on a chequered floor under a sky.

Back row, left to right: Marble, Wood, Voronoi (with edges), a composition (Marble whose
light stone is itself a Noise).
Front row, left to right: Noise, a mirror (it shows the sky and the others), Checker.
The floor is a Checker too.

Textures are solid: they colour points in space, so a ball shows the slice of the pattern
it cuts. Meant to be seen with anti-aliasing and shadows: SETTINGS below asks for both.
"""

from tracer import (
    Checker,
    Color,
    Light,
    LookAtCamera,
    Marble,
    Material,
    Noise,
    Plane,
    Point,
    Sky,
    Sphere,
    Vector,
    Voronoi,
    Wood,
)

WIDTH = 1280
HEIGHT = 720
SETTINGS = {"samples": 3, "shadows": True}
CAMERA = LookAtCamera(Point(0, -1.55, -4.2), look_at=Point(0, -0.5, 1.8), fov=56)
BACKGROUND = Sky(zenith=Color.from_hex("#2f5f9e"), horizon=Color.from_hex("#e4edf5"))

FLOOR_Y = 0.5  # y grows downwards: the floor lies below the balls
R = 0.45


def ball(x, z, texture, **shading):
    """Return a ball of radius R lying on the floor at (x, z), coloured by ``texture``."""
    return Sphere(Point(x, FLOOR_Y - R, z), R, Material(texture, **shading))


WHITE = Color.from_hex("#f4f1ea")
MARBLE = Marble(WHITE, Color.from_hex("#3d4a45"), scale=2.5, turbulence=4)
WOOD = Wood(Color.from_hex("#e3b47c"), Color.from_hex("#6b3a1a"), scale=1.0, rings=12)
CELLS = Voronoi(
    Color.from_hex("#ffb703"), Color.from_hex("#e85d04"), scale=7, edge=Color.from_hex("#2b1d0e")
)
NOISE = Noise(Color.from_hex("#1d3557"), Color.from_hex("#a8dadc"), scale=4, octaves=5)
CHECKS = Checker(Color.from_hex("#e63946"), WHITE, size=0.15)
COMPOSED = Marble(Noise(Color.from_hex("#6a4c93"), Color.from_hex("#c3aed6"), scale=6), WHITE)

OBJECTS = [
    Plane(
        Point(0, FLOOR_Y, 0),
        Vector(0, -1, 0),
        Material(
            Checker(Color.from_hex("#5b6169"), Color.from_hex("#b9b4a8"), size=1.0),
            ambient=0.2,
            reflection=0.1,
        ),
    ),
    ball(-1.95, 2.6, MARBLE, reflection=0.15),  # back row, 1st
    ball(-0.65, 2.6, WOOD, reflection=0.05, specular=0.4),  # back row, 2nd
    ball(0.65, 2.6, CELLS, reflection=0.1),  # back row, 3rd
    ball(1.95, 2.6, COMPOSED, reflection=0.1),  # back row, 4th
    ball(-1.3, 1.1, NOISE, reflection=0.1),  # front row, left
    ball(0.0, 1.1, Color.from_hex("#f0f0f0"), ambient=0.0, diffuse=0.1, reflection=0.9),
    ball(1.3, 1.1, CHECKS, reflection=0.1),  # front row, right
]
LIGHTS = [
    Light(Point(-3, -5, -2), Color.from_hex("#FFFFFF")),
    Light(Point(4, -3, -1), Color.from_hex("#707078")),
]
