"""Big scene files load at reading speed: each object's line, the imports, the checks' lines."""

from __future__ import annotations

import ast
import random

import pytest

from tests.tracer.helpers import write_scene
from tracer import SceneError, SceneSource
from tracer.kernel.render import load
from tracer.scene.load import load_scene
from tracer.scene.source import imported_modules
from tracer.settings import RenderSettings

HEAD = """\
from tracer import *
WIDTH, HEIGHT = 32, 18
CAMERA = LookAtCamera(Point(0, -30, -120), look_at=Point(0, 0, 0), fov=60)
LIGHTS = [Light(Point(40, -80, -60), Color(1, 1, 1))]
red = Material(Color(0.8, 0.3, 0.2))
OBJECTS = [
"""


def _spheres(count: int, bad: int | None = None) -> str:
    """Return a scene of ``count`` literal spheres, one a line (sphere ``bad`` has radius -1)."""
    rng = random.Random(count)
    lines = []
    for k in range(count):
        x, y, z = (rng.uniform(-50, 50) for _ in range(3))
        radius = -1.0 if k == bad else rng.uniform(0.2, 1.2)
        material = "red" if k % 2 else f"Material(Color({rng.random():.6f}, 0.5, 0.5))"
        lines.append(f"    Sphere(Vector({x:.9f}, {y:.9f}, {z:.9f}), {radius:.9f}, {material}),")
    return HEAD + "\n".join(lines) + "\n]\n"


def test_every_object_of_a_long_list_knows_its_own_line(tmp_path):
    path = write_scene(tmp_path, "many.py", _spheres(3000))
    scene = load_scene(SceneSource.from_path(path))
    first = HEAD.count("\n") + 1
    assert [obj._site for obj in scene.objects] == [(str(path), first + k) for k in range(3000)]
    materials = [obj.material._site[1] for obj in scene.objects[::2]]
    assert materials == [first + k for k in range(0, 3000, 2)]  # made on the sphere's line


def test_a_bad_object_deep_in_a_long_list_is_named_at_its_line(tmp_path):
    path = write_scene(tmp_path, "bad.py", _spheres(3000, bad=2500))
    with pytest.raises(SceneError) as caught:
        load(SceneSource.from_path(path), RenderSettings())
    assert caught.value.filename == str(path)
    assert caught.value.lineno == HEAD.count("\n") + 1 + 2500
    assert "radius" in caught.value.message


def _reference(text: str) -> set[tuple[str, int]]:
    """Every import of a source by walking its whole tree (as the loader did before)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name, 0) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add((node.module or "", node.level))
    return found


@pytest.mark.parametrize(
    "text",
    [
        "x = 1\n",
        "import a.b, c as d\nfrom e import f\nfrom ..g import h\nfrom . import i\n",
        "def f():\n    import inner\n    return [1,\n 2]\nclass C:\n    from k import v\n",
        "try:\n    import a\nexcept ImportError:\n    import b\nelse:\n    import c\n"
        "finally:\n    import d\n",
        "match x:\n    case 1:\n        import m\n    case _:\n        pass\n",
        "if x:\n    import a\nelse:\n    import b\nwhile y:\n    from w import z\n",
        's = "import not_this"  # import nor this\nimport real\n',
        '"""\nimport inside_a_string\n"""\nimport after\n',
        'import first\nT = """\nimport inside_a_string_that_ends_later\n"""\n',
        "from m import (\n    a,\n    b,\n)\nx = [import_ish for import_ish in ()]\n",
        "x = 1; import semi\nimported = important = 2\n",
        "import a\nthis is not python\n",
        "this is not python\nimport a\n",
        "import a\0\n",
        "",
    ],
)
def test_imports_are_found_as_a_whole_walk_finds_them(text):
    broken_after = text.startswith("import a\nthis is not")
    expect = {("a", 0)} if broken_after else _reference(text)  # see imported_modules
    assert set(imported_modules(text)) == expect


def test_a_big_scene_s_imports_come_from_its_head_alone(tmp_path):
    path = write_scene(tmp_path, "big.py", "import helper\n" + _spheres(2000))
    (tmp_path / "helper.py").write_text("import numpy\n")
    source = SceneSource.from_path(path)
    assert source.imports == (("helper", 0), ("tracer", 0))
    assert list(source.modules) == ["helper"]


@pytest.mark.parametrize(
    ("head", "animates"),
    [
        ("", False),  # from tracer import *: tracer defines no FRAMES
        ("from helper import *\n", True),  # a module of the scene's own might
        ("from . import *\n", True),
        ("x = (\nfrom helper import *\n", True),  # does not parse: assume it might
        ("FRAMES = 3\n", True),
    ],
)
def test_whether_a_big_scene_might_animate_is_read_from_its_imports(tmp_path, head, animates):
    from tracer.scene.frames import literal_frames, might_animate

    path = write_scene(tmp_path, "big.py", head + _spheres(2000))
    source = SceneSource.from_path(path)
    assert might_animate(source) is animates
    assert literal_frames(source) == (3 if "FRAMES" in head else None)
