"""Depth of field: a row of balls running away from a thin-lens camera, focused on the third.

The camera's aperture (the lens diameter, in scene units) sets how fast things blur away
from the focus plane; focus_distance=None would focus on look_at, here the third ball's
centre too. Each lens sample is one anti-aliasing sample, so the blur is smooth only with
several samples per pixel: SETTINGS below asks for 4 x 4 (``--samples 6`` smoother still).
"""

from tracer import Checker, Color, Light, LookAtCamera, Material, Plane, Point, Sky, Sphere, Vector

WIDTH = 1280
HEIGHT = 720
SETTINGS = {"samples": 4, "shadows": True}

FLOOR_Y = 0.5  # y grows downwards: the floor lies below the balls
R = 0.4
COLORS = ["#e63946", "#f4a261", "#2a9d8f", "#457b9d", "#8d5bb5", "#e9c46a", "#6c757d"]


def place(k):
    """Return the centre of the k-th ball of the row (0 is nearest the camera)."""
    return Point(-1.7 + 0.95 * k, FLOOR_Y - R, 0.2 + 1.1 * k)


THIRD = place(2)
CAMERA = LookAtCamera(
    Point(-1.1, -1.0, -3.2),
    look_at=THIRD,
    fov=55,
    aperture=0.12,
    focus_distance=None,  # the plane through look_at: the third ball
)
BACKGROUND = Sky(zenith=Color.from_hex("#24508c"), horizon=Color.from_hex("#dbe7f1"))

OBJECTS = [
    Plane(
        Point(0, FLOOR_Y, 0),
        Vector(0, -1, 0),
        Material(
            Checker(Color.from_hex("#2b2d42"), Color.from_hex("#edf2f4"), size=0.5),
            ambient=0.2,
            reflection=0.2,
        ),
    ),
] + [
    Sphere(place(k), R, Material(Color.from_hex(hexcolor), reflection=0.25))
    for k, hexcolor in enumerate(COLORS)
]
LIGHTS = [
    Light(Point(-3, -5, -3), Color.from_hex("#FFFFFF")),
    Light(Point(4, -4, 0), Color.from_hex("#505058")),
]
