"""A new Puray Live scene: edit and save, and the window re-renders it.

A scene defines WIDTH, HEIGHT, CAMERA, OBJECTS and LIGHTS, and may say how it is best
rendered in SETTINGS (samples, shadows, depth; the sidebar or a flag overrides them).
Colours are 0..1 (or hex), y grows downwards, the camera looks along +z. Helper modules saved
beside this file can be imported too, and editing them re-renders as well.
"""

from tracer import ChequeredMaterial, Color, Light, Material, Point, Sphere, Vector

WIDTH = 640
HEIGHT = 360
SETTINGS = {"samples": 2, "shadows": True}  # 2 x 2 samples per pixel, cast shadows

# Where the eye is: Puray's pinhole, looking through the z = 0 plane.
CAMERA = Vector(0, -0.35, -1)

OBJECTS = [
    # The floor: a huge sphere with a chessboard.
    Sphere(
        Point(0, 10000.5, 1),
        10000.0,
        ChequeredMaterial(
            color1=Color.from_hex("#2b2d42"),
            color2=Color.from_hex("#edf2f4"),
            ambient=0.2,
            reflection=0.2,
        ),
    ),
    Sphere(Point(0, -0.1, 1.5), 0.6, Material(Color.from_hex("#ef233c"), reflection=0.3)),
]

LIGHTS = [
    Light(Point(1.5, -0.5, -10), Color.from_hex("#FFFFFF")),
    Light(Point(-0.5, -10.5, 0), Color.from_hex("#E6E6E6")),
]
