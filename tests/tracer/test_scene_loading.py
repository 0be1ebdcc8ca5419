"""Loading scene files: Puray's format, our own API, sibling modules, seeding."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tests.tracer.helpers import PURAY_HEADER, write_scene
from tracer import LookAtCamera, Plane, SceneError, Sphere
from tracer.kernel.render import render_image
from tracer.scene.load import SceneSource, load_scene
from tracer.settings import RenderSettings

OWN_API = textwrap.dedent(
    """
    from tracer import Color, Light, LookAtCamera, Material, Plane, Point, Sphere, Vector

    WIDTH, HEIGHT = 64, 48
    CAMERA = LookAtCamera(Point(0, -1, -3), Point(0, 0, 0), fov=50)
    OBJECTS = [
        Plane(Point(0, 0.5, 0), Vector(0, -1, 0), Material(Color.from_hex("#808080"))),
        Sphere(Point(0, 0, 0), 0.5, Material(Color.from_hex("#ff0000"), reflection=0)),
    ]
    LIGHTS = [Light(Point(2, -4, -3), Color.from_hex("#FFFFFF"))]
    """
)


def test_puray_scene_uses_our_classes(tmp_path):
    body = PURAY_HEADER + textwrap.dedent(
        """
        WIDTH, HEIGHT = 32, 18
        RENDERED_IMG = "x.ppm"
        CAMERA = Vector(0, -0.35, -1)
        OBJECTS = [Sphere(Point(0, 0, 1), 0.5, Material(Color.from_hex("#00FF00")))]
        LIGHTS = [Light(Point(1.5, -0.5, -10), Color.from_hex("#FFFFFF"))]
        """
    )
    scene = load_scene(SceneSource.from_path(write_scene(tmp_path, "puray.py", body)))
    assert (scene.width, scene.height, scene.rendered_img) == (32, 18, "x.ppm")
    assert isinstance(scene.objects[0], Sphere)
    assert "sphere" not in sys.modules  # Puray's names do not leak out of the load


def test_own_api_scene_with_plane_and_look_at_camera(tmp_path):
    source = SceneSource.from_path(write_scene(tmp_path, "own.py", OWN_API))
    scene = load_scene(source)
    assert isinstance(scene.camera, LookAtCamera)
    assert isinstance(scene.objects[0], Plane)
    img = render_image(source, RenderSettings()).astype(int)
    centre = img[24, 32]
    assert centre[0] > centre[1] + 100  # the red ball in the middle
    floor = img[45, 5]
    assert abs(floor[0] - floor[1]) < 5
    assert floor[0] > 20


def test_sibling_module_edits_are_seen_without_restarting(tmp_path):
    (tmp_path / "mymats.py").write_text(
        "from tracer import Color, Material\nBALL = Material(Color.from_hex('#ff0000'))\n"
    )
    body = OWN_API.replace(
        'Material(Color.from_hex("#ff0000"), reflection=0)', "mymats.BALL"
    ).replace("from tracer import", "import mymats\nfrom tracer import")
    path = write_scene(tmp_path, "uses_sibling.py", body)
    source = SceneSource.from_path(path)
    assert [p for p in source.files if p.endswith("mymats.py")]
    red = render_image(source, RenderSettings())[24, 32]
    (tmp_path / "mymats.py").write_text(
        "from tracer import Color, Material\nBALL = Material(Color.from_hex('#0000ff'))\n"
    )
    blue = render_image(SceneSource.from_path(path), RenderSettings())[24, 32]
    assert red[0] > red[2]
    assert blue[2] > blue[0]
    assert "mymats" not in sys.modules


def test_every_load_seeds_random_sources_identically(tmp_path):
    body = PURAY_HEADER + textwrap.dedent(
        """
        import random
        import numpy as np
        WIDTH, HEIGHT = 8, 8
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(random.random(), float(np.random.rand()), 3), 0.1)]
        LIGHTS = []
        """
    )
    source = SceneSource.from_path(write_scene(tmp_path, "rnd.py", body))
    first = load_scene(source, seed=5).objects[0].center
    again = load_scene(source, seed=5).objects[0].center
    other = load_scene(source, seed=6).objects[0].center
    assert (first.x, first.y) == (again.x, again.y)
    assert (first.x, first.y) != (other.x, other.y)


def test_numpy_random_is_seeded_alike_when_the_scene_imports_it_first(tmp_path):
    """A fresh worker has not imported numpy.random: it is seeded as the scene imports it."""
    body = PURAY_HEADER + textwrap.dedent(
        """
        import numpy as np
        WIDTH, HEIGHT = 8, 8
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, float(np.random.rand()), 3), 0.1)]
        LIGHTS = []
        """
    )
    path = write_scene(tmp_path, "rnd.py", body)
    fresh = textwrap.dedent(
        f"""
        import sys
        from tracer.scene.load import SceneSource, load_scene
        assert "numpy.random" not in sys.modules
        scene = load_scene(SceneSource.from_path({str(path)!r}), seed=5)
        print(repr(scene.objects[0].center.y), "numpy.random" in sys.modules)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", fresh], capture_output=True, text=True, check=True
    ).stdout.split()
    here = load_scene(SceneSource.from_path(path), seed=5).objects[0].center.y
    assert out == [repr(here), "True"]


def test_syntax_error_names_file_and_line(tmp_path):
    path = write_scene(tmp_path, "bad.py", "WIDTH = 10\nHEIGHT = (\n")
    with pytest.raises(SceneError) as info:
        load_scene(SceneSource.from_path(path))
    assert info.value.filename == str(path)
    assert info.value.lineno == 2
    assert str(info.value).startswith(f"{path}:2: syntax error")


def test_exception_in_sibling_module_points_into_that_module(tmp_path):
    (tmp_path / "helper_mod.py").write_text("x = 1\ny = x / 0\n")
    path = write_scene(tmp_path, "main_scene.py", "import helper_mod\nWIDTH = 1\n")
    with pytest.raises(SceneError) as info:
        load_scene(SceneSource.from_path(path))
    err = info.value
    assert err.filename == str(tmp_path / "helper_mod.py")
    assert err.lineno == 2
    assert "ZeroDivisionError" in err.message
    assert [f.filename for f in err.frames] == [str(path), str(tmp_path / "helper_mod.py")]
    assert "tracer" not in err.details().replace(str(tmp_path), "")


def test_numbers_render_the_same_whatever_the_numpy_integer_type(tmp_path):
    body = OWN_API.replace(
        "WIDTH, HEIGHT = 64, 48", "import numpy\nWIDTH, HEIGHT = numpy.int64(64), 48"
    )
    img = render_image(
        SceneSource.from_path(write_scene(tmp_path, "np.py", body)), RenderSettings()
    )
    assert img.shape == (48, 64, 3)
    assert np.any(img)


def test_material_subclass_with_other_defaults_renders_like_the_same_material(tmp_path):
    glossy = (
        OWN_API.replace(
            "from tracer import", "from tracer import Material as _M\nfrom tracer import"
        )
        .replace('Material(Color.from_hex("#ff0000"), reflection=0)', "Glossy()")
        .replace(
            "WIDTH, HEIGHT",
            "class Glossy(_M):\n    def __init__(self):\n"
            "        super().__init__(Color.from_hex('#ff0000'), reflection=0)\n\nWIDTH, HEIGHT",
        )
    )
    a = render_image(
        SceneSource.from_path(write_scene(tmp_path, "a.py", OWN_API)), RenderSettings()
    )
    b = render_image(SceneSource.from_path(write_scene(tmp_path, "b.py", glossy)), RenderSettings())
    np.testing.assert_array_equal(a, b)


def test_a_file_with_a_utf8_bom_loads_like_python_runs_it(tmp_path):
    path = tmp_path / "windows.py"
    path.write_bytes(b"\xef\xbb\xbf" + OWN_API.replace("\n", "\r\n").encode())
    reference = render_image(
        SceneSource.from_path(write_scene(tmp_path, "plain.py", OWN_API)), RenderSettings()
    )
    np.testing.assert_array_equal(
        render_image(SceneSource.from_path(path), RenderSettings()), reference
    )


def test_a_pep263_coding_line_is_honoured(tmp_path):
    body = "# -*- coding: latin-1 -*-\n# Caf\xe9 scene: the comment is Latin-1\n" + OWN_API
    path = tmp_path / "latin.py"
    path.write_bytes(body.encode("latin-1"))
    scene = load_scene(SceneSource.from_path(path))
    assert scene.width == 64
    bad = tmp_path / "bad.py"
    bad.write_bytes(b"x = '\xff'\n")
    with pytest.raises(SceneError, match="not a UTF-8 text file") as info:
        SceneSource.from_path(bad)
    assert info.value.filename == str(tmp_path / "bad.py")
