"""Bad solids, meshes, CSG operands and transforms: one clear message at the scene's line.

Scenes mark their offending line with ``# <-``.
"""

from __future__ import annotations

import pytest

from tracer import RenderSettings, SceneSource
from tracer.cli.main import main
from tracer.errors import SceneError
from tracer.kernel.render import load

HEAD = "from tracer import *\nWIDTH, HEIGHT = 8, 8\nCAMERA = Vector(0, 0, -1)\nLIGHTS = []\n"


def objects(*lines: str) -> str:
    return HEAD + "OBJECTS = [\n" + "".join(f"    {line}\n" for line in lines) + "]\n"


CASES = {
    "flat box": (
        objects("Box(Point(0, 0, 0), Point(1, 0, 1)),  # <-"),
        "Box has zero size along y",
    ),
    "box corner": (
        objects("Box((0, 0, 0), Point(1, 1, 1)),  # <-"),
        "Box min_corner must be a Point, got (0, 0, 0)",
    ),
    "cylinder radius": (
        objects("Sphere(Point(0, 0, 0), 1),", "Cylinder(Point(0, 0, 0), Point(0, 1, 0), 0),  # <-"),
        "Cylinder radius must be positive and finite, got 0.0",
    ),
    "cylinder height": (
        objects("Cylinder(Point(0, 1, 0), Point(0, 1, 0), 1),  # <-"),
        "Cylinder top must differ from its base, both (0.0, 1.0, 0.0)",
    ),
    "cone apex": (
        objects("Cone(Point(1, 2, 3), Point(1, 2, 3), 0.5),  # <-"),
        "Cone apex must differ from its base",
    ),
    "cone radius": (
        objects("Cone(Point(0, 0, 0), Point(0, 1, 0), float('nan')),  # <-"),
        "Cone radius must be positive and finite, got nan",
    ),
    "disc radius": (
        objects("Disc(Point(0, 0, 0), Vector(0, 1, 0), -1),  # <-"),
        "Disc radius must be positive and finite, got -1.0",
    ),
    "disc normal": (
        objects("Disc(Point(0, 0, 0), Vector(0, 0, 0), 1),  # <-"),
        "Disc normal must not be the zero vector",
    ),
    "degenerate triangle": (
        objects("Triangle(Point(0, 0, 0), Point(1, 1, 1), Point(2, 2, 2)),  # <-"),
        "Triangle is degenerate (its corners are on one line)",
    ),
    "mesh index": (
        objects("Mesh([[0, 0, 0], [1, 0, 0], [0, 1, 0]], [[0, 1, 2], [0, 2, 3]]),  # <-"),
        "Mesh face 1 has an index out of range: [0, 2, 3] (vertices: 3)",
    ),
    "mesh vertices": (
        objects("Mesh([[0, 0], [1, 0], [0, 1]], [[0, 1, 2]]),  # <-"),
        "Mesh vertices must be (n, 3) finite numbers, got shape (3, 2)",
    ),
    "open operand": (
        objects(
            "Difference(  # <-",
            "    Sphere(Point(0, 0, 0), 1),",
            "    Plane(Point(0, 0, 0), Vector(0, 1, 0)),",
            "),",
        ),
        "Difference cutter 1 must be a closed solid",
    ),
    "not a shape": (
        objects("Union(Sphere(Point(0, 0, 0), 1), 42),  # <-"),
        "Union operand 2 must be a shape (a closed solid), got 42",
    ),
    "open mesh operand": (
        objects(
            "Intersection(Sphere(Point(0, 0, 0), 1), Mesh([[0, 0, 0], [1, 0, 0], [0, 1, 0]],"
            " [[0, 1, 2]])),  # <-"
        ),
        "Intersection operand 2 must be a closed solid",
    ),
    "empty node": (objects("Union(),  # <-"), "Union needs at least one solid"),
    "zero scale": (
        objects("Box(Point(0, 0, 0), Point(1, 1, 1)).scaled(1, 0, 1),  # <-"),
        "scale factors must not be zero, got (1.0, 0.0, 1.0)",
    ),
    "zero axis": (
        objects("Sphere(Point(0, 0, 0), 1).rotated(Vector(0, 0, 0), 30),  # <-"),
        "rotation axis must not be the zero vector",
    ),
    "nan move": (
        objects("Box(Point(0, 0, 0), Point(1, 1, 1)).translated(0, float('inf'), 0),  # <-"),
        "translated y must be finite, got inf",
    ),
    "bad child of a moved node": (
        objects(
            "Union(",
            "    Box(Point(0, 0, 0), Point(0, 1, 1)),  # <-",
            ").rotated(Vector(0, 1, 0), 45),",
        ),
        "Box has zero size along x",
    ),
}


def marked_line(text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if "# <-" in line)


@pytest.mark.parametrize("case", list(CASES))
def test_bad_solid_is_reported_at_its_line(tmp_path, case):
    text, message = CASES[case]
    path = tmp_path / "scene.py"
    path.write_text(text)
    with pytest.raises(SceneError) as err:
        load(SceneSource.from_path(path), RenderSettings())
    assert (err.value.filename, err.value.lineno) == (str(path), marked_line(text))
    assert err.value.message.startswith(message)


def test_the_cli_gives_one_message_and_no_image(tmp_path, capfd):
    text, message = CASES["cone apex"]
    path = tmp_path / "scene.py"
    path.write_text(text)
    out = tmp_path / "out.png"
    assert main(["render", str(path), "-o", str(out), "--processes", "1", "-q"]) == 2
    err = capfd.readouterr().err
    assert err.startswith(f"puray: error: {path}:{marked_line(text)}: {message}")
    assert "Traceback (most recent call last)" not in err
    assert not out.exists()


def test_a_bad_material_inside_a_csg_node_is_reported_at_its_line(tmp_path):
    text = objects(
        "Union(",
        "    Sphere(Point(0, 0, 0), 1),",
        "    Box(Point(0, 0, 0), Point(1, 1, 1), Material(ambient='lots')),  # <-",
        "),",
    )
    path = tmp_path / "scene.py"
    path.write_text(text)
    with pytest.raises(SceneError) as err:
        load(SceneSource.from_path(path), RenderSettings())
    assert (err.value.filename, err.value.lineno) == (str(path), marked_line(text))
    assert err.value.message == "material ambient must be a finite number, got 'lots'"
