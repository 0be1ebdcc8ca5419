"""Deeply nested CSG and textures: the same on one worker and on two (render, or one message).

A worker hands the loaded scene to the others by pickling it, and checks their loads by a
fingerprint: both recurse through the nesting, which the one-worker path never does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.tracer.helpers import write_scene
from tracer.cli.main import main
from tracer.scene.nesting import MAX_NESTING

HEAD = """\
from tracer import *
WIDTH, HEIGHT = 40, 30
CAMERA = Vector(0, 0, -1)
LIGHTS = [Light(Point(0, -5, -5))]
"""

# levels: the unions, the innermost sphere, its material
CSG = (
    HEAD
    + """\
part = Sphere(Point(0, 0, 2), 0.5, Material(Color(1, 0, 0)))
for i in range({count}):
    part = Union(part, Sphere(Point(0.001 * i, 0, 2), 0.5, Material(Color(1, 0, 0))))  # <-
OBJECTS = [part]
"""
)
CSG_LEVELS = 2

# levels: the checkers, the material (a plain sphere is not a level: it holds no shapes)
TEXTURE = (
    HEAD
    + """\
layer = Color(1, 0, 0)
for i in range({count}):
    layer = Checker(layer, Color(0, 0, 1), 0.3)
OBJECTS = [Sphere(Point(0, 0, 2), 0.5, Material(layer))]  # <-
"""
)
TEXTURE_LEVELS = 1


def _render(scene: Path, processes: int, capfd) -> tuple[int, str, np.ndarray | None]:
    out = scene.with_name(f"{scene.stem}_{processes}.png")
    code = main(["render", str(scene), "-o", str(out), "-q", "--processes", str(processes)])
    err = capfd.readouterr().err
    pixels = np.asarray(Image.open(out)) if out.exists() else None
    return code, err, pixels


@pytest.mark.parametrize(("body", "levels"), [(CSG, CSG_LEVELS), (TEXTURE, TEXTURE_LEVELS)])
def test_nesting_up_to_the_limit_renders_alike_on_one_and_two_workers(
    tmp_path, capfd, body, levels
):
    scene = write_scene(tmp_path, "deep.py", body.format(count=MAX_NESTING - levels))
    one = _render(scene, 1, capfd)
    two = _render(scene, 2, capfd)
    assert (one[0], one[1]) == (0, "")
    assert (two[0], two[1]) == (0, "")
    np.testing.assert_array_equal(one[2], two[2])
    assert one[2][15, 20].max() > 100  # the lit ball (red, or blue of a checker), not black


@pytest.mark.parametrize("count", [1, 800])
@pytest.mark.parametrize(("body", "levels"), [(CSG, CSG_LEVELS), (TEXTURE, TEXTURE_LEVELS)])
def test_deeper_nesting_is_one_message_at_the_line_on_one_and_two_workers(
    tmp_path, capfd, body, levels, count
):
    text = body.format(count=MAX_NESTING - levels + count)
    scene = write_scene(tmp_path, "deeper.py", text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.endswith("# <-"))
    how = f"{MAX_NESTING + 1}" if count == 1 else f"more than {MAX_NESTING}"
    for processes in (1, 2):
        code, err, pixels = _render(scene, processes, capfd)
        assert code == 2
        assert err.startswith(f"puray: error: {scene}:{line}: ")
        assert f"nested {how} levels deep; at most {MAX_NESTING} render" in err
        assert err.count("\n") == 1
        assert pixels is None
