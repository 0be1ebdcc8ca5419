"""The solids example given for the README renders as written (with scenes/gem.obj beside it)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tracer import RenderSettings, SceneSource
from tracer.kernel.render import render_image

EXAMPLE = """\
from tracer import *

WIDTH, HEIGHT = 640, 360
CAMERA = LookAtCamera(Point(0, -2, -4), look_at=Point(0, -0.3, 1), fov=50)
RED = Material(Color.from_hex("#c0281e"), reflection=0.3)
GOLD = Material(Color.from_hex("#e8b040"), reflection=0.3)
OBJECTS = [
    Plane(Point(0, 0.5, 0), Vector(0, -1, 0), ChequeredMaterial(reflection=0.2)),
    # a cube rounded by a sphere, drilled through: the hole shows the drill's gold
    Difference(
        Intersection(
            Box(Point(-0.5, -0.5, -0.5), Point(0.5, 0.5, 0.5), RED),
            Sphere(Point(0, 0, 0), 0.68, RED),
        ),
        Cylinder(Point(0, 0, -1), Point(0, 0, 1), 0.25, GOLD),
    ).rotated(Vector(0, 1, 0), 30).translated(0, 0, 1),
    Cone(Point(-1.6, 0.5, 1), Point(-1.6, -0.6, 1), 0.4, GOLD),  # base, apex, radius
    Mesh.from_obj("gem.obj", Material(Color(0.2, 0.6, 0.9))).scaled(0.4).translated(1.6, 0.12, 0.5),
]
LIGHTS = [Light(Point(-4, -7, -6)), Light(Point(5, -4, -3), Color(0.5, 0.5, 0.6))]
"""


def test_the_solids_example_renders(tmp_path):
    shutil.copy(Path(__file__).resolve().parents[2] / "scenes" / "gem.obj", tmp_path)
    path = tmp_path / "example.py"
    path.write_text(EXAMPLE)
    img = render_image(SceneSource.from_path(path), RenderSettings(width=160, height=90)).astype(
        int
    )
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    red = (r > g + 80) & (r > b + 80)
    gold = (r > b + 80) & (g > b + 50)
    blue = b > r + 60
    assert red[38:80, 62:100].mean() > 0.3  # the cube, in the middle
    assert gold[53:65, 66:78].mean() > 0.5  # the drill hole shows gold
    assert gold[45:72, 22:42].mean() > 0.4  # the cone, left
    assert blue[58:68, 125:145].mean() > 0.5  # the gem, right
