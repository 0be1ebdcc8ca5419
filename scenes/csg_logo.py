"""The CSG logo: solids made by combining and subtracting spheres, cylinders and boxes.

In the middle, the classic: (box ∩ sphere) minus three crossed cylinders; the cut faces show
the cutters' material. Beside it a dumbbell (a union) and a bitten box (a difference).
Best seen with shadows and 2 x 2 samples, which SETTINGS below asks for.
"""

from tracer import (
    Box,
    ChequeredMaterial,
    Color,
    Cylinder,
    Difference,
    Intersection,
    Light,
    LookAtCamera,
    Material,
    Plane,
    Point,
    Sphere,
    Union,
    Vector,
)

WIDTH = 960
HEIGHT = 540
SETTINGS = {"shadows": True, "samples": 2}
CAMERA = LookAtCamera(Point(0.3, -2.4, -5.2), look_at=Point(0, -0.3, 1.1), fov=48)

RED = Material(Color.from_hex("#c0281e"), ambient=0.08, reflection=0.25)
GOLD = Material(Color.from_hex("#e8b040"), ambient=0.08, reflection=0.35)
BLUE = Material(Color.from_hex("#2050d0"), ambient=0.08, reflection=0.25)
CHROME = Material(Color.from_hex("#d8d8e0"), ambient=0.05, diffuse=0.4, reflection=0.75)
FLOOR = ChequeredMaterial(
    Color.from_hex("#f2efe6"), Color.from_hex("#2b2b33"), ambient=0.15, reflection=0.25
)


def rounded_cube(center: Point, size: float) -> Intersection:
    """A cube with its corners shaved off by a sphere."""
    h = size / 2
    box = Box(Point(-h, -h, -h), Point(h, h, h), RED)
    ball = Sphere(Point(0, 0, 0), h * 1.35, RED)
    return Intersection(box, ball).translated(center.x, center.y, center.z)


def crossed_cylinders(center: Point, length: float, radius: float) -> Union:
    """Three cylinders along x, y and z through ``center``."""
    h = length / 2
    x, y, z = center.x, center.y, center.z
    return Union(
        Cylinder(Point(x - h, y, z), Point(x + h, y, z), radius, GOLD),
        Cylinder(Point(x, y - h, z), Point(x, y + h, z), radius, GOLD),
        Cylinder(Point(x, y, z - h), Point(x, y, z + h), radius, GOLD),
    )


CENTER = Point(0, -0.45, 1.2)
LOGO = Difference(rounded_cube(CENTER, 1.5), crossed_cylinders(CENTER, 1.8, 0.4))
# Turn the logo about its own vertical axis so three faces show.
LOGO = LOGO.translated(0, 0, -1.2).rotated(Vector(0, 1, 0), -30).translated(0, 0, 1.2)

DUMBBELL = Union(
    Sphere(Point(-2.2, -0.03, 0.5), 0.33, CHROME),
    Sphere(Point(-2.2, -0.03, 1.7), 0.33, CHROME),
    Cylinder(Point(-2.2, -0.03, 0.5), Point(-2.2, -0.03, 1.7), 0.12, CHROME),
)

BITTEN = Difference(
    Box(Point(1.5, -0.5, 0.6), Point(2.3, 0.3, 1.4), BLUE),
    Sphere(Point(1.5, -0.5, 0.6), 0.5, GOLD),
    Cylinder(Point(2.0, -0.05, 0.0), Point(2.0, -0.05, 2.0), 0.17, GOLD),
)

OBJECTS = [
    Plane(Point(0, 0.3, 0), Vector(0, -1, 0), FLOOR),
    LOGO,
    DUMBBELL,
    BITTEN,
]
LIGHTS = [
    Light(Point(-4, -7, -6), Color.from_hex("#ffffff")),
    Light(Point(5, -4, -3), Color.from_hex("#8088a0")),
]
