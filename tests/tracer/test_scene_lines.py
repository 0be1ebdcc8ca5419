"""A bad value assigned by unpacking (``WIDTH, HEIGHT = 0, 36``) is named at its line too.

The README writes scenes that way (``WIDTH, HEIGHT = 960, 540``, ``FRAMES, FPS = 48, 24``);
the message used to name only the file.
"""

from __future__ import annotations

import pytest

from tests.tracer.helpers import write_scene
from tracer.cli.main import main
from tracer.scene.frames import literal_frames
from tracer.scene.source import SceneSource
from tracer.workers.service import RenderService

REST = {
    "WIDTH": "WIDTH = 40\n",
    "HEIGHT": "HEIGHT = 30\n",
    "CAMERA": "CAMERA = Vector(0, 0, -1)\n",
    "OBJECTS": "OBJECTS = []\n",
    "LIGHTS": "LIGHTS = [Light(Point(0, -5, -5))]\n",
}


def _scene(line: str, assigns: tuple[str, ...]) -> str:
    """Return a scene whose ``line`` (marked) assigns ``assigns``; the rest as usual."""
    others = "".join(text for name, text in REST.items() if name not in assigns)
    return f"from tracer import *\n{others}{line}  # <-\n"


CASES = {
    "tuple": ("WIDTH, HEIGHT = 0, 30", ("WIDTH", "HEIGHT"), "WIDTH must be from 1 to 16384"),
    "parens": ("(WIDTH, HEIGHT) = (40, 0)", ("WIDTH", "HEIGHT"), "HEIGHT must be from 1 to"),
    "list": (
        "[CAMERA, OBJECTS] = [Vector(0, 0, -1), 5]",
        ("CAMERA", "OBJECTS"),
        "OBJECTS must be a list, got int",
    ),
    "starred": ("WIDTH, *sizes = 0, 30", ("WIDTH",), "WIDTH must be from 1 to 16384"),
    "nested": ("(WIDTH, HEIGHT), LIGHTS = (40, 30), 5", ("WIDTH", "HEIGHT", "LIGHTS"), "LIGHTS"),
    "frames": ("FRAMES, FPS = 0, 12", (), "FRAMES must be a whole number from 1 to 100000"),
    "fps": ("FRAMES, FPS = 3, 0.01", (), "FPS must be from 0.1 to 1000 frames per second"),
}


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=1) as svc:
        yield svc


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_value_set_by_unpacking_is_named_at_its_line(service, tmp_path, capfd, case):
    line, assigns, message = CASES[case]
    text = _scene(line, assigns)
    scene = write_scene(tmp_path, "unpacked.py", text)
    number = text.splitlines().index(f"{line}  # <-") + 1
    out = tmp_path / ("o.gif" if "FRAMES" in line else "o.png")
    assert main(["render", str(scene), "-o", str(out), "-q"], service) == 2
    err = capfd.readouterr().err
    assert err.startswith(f"puray: error: {scene}:{number}: "), err
    assert message in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "frames"),
    [
        ("FRAMES, FPS = 48, 24\n", 48),
        ("FPS, FRAMES = 24, 48\n", 48),
        ("(FRAMES, FPS) = (6, 12)\n", 6),
        ("FRAMES, FPS = SIZES\n", None),  # not said in the text
        ("FRAMES, *rest = 6, 12, 1\n", None),
        ("FRAMES = 6\nFRAMES, FPS = 2 * 3, 12\n", None),  # the last assignment counts
    ],
)
def test_frames_unpacked_from_literals_is_known_from_the_text(tmp_path, text, frames):
    assert literal_frames(SceneSource(str(tmp_path / "s.py"), text)) == frames


GROWS = """\
from tracer import *
FRAMES = 3
WIDTH = {width}
HEIGHT = {height}
CAMERA = Vector(0, 0, -1)
OBJECTS = []
LIGHTS = []
"""


@pytest.mark.parametrize("output", ["g.gif", "g.png", "g.webp", "seq_%02d.png"])
@pytest.mark.parametrize(
    ("width", "height", "line", "sizes"),
    [
        ("40 + 2 * FRAME", "30", 3, "frame 1 is 42x30 but frame 0 was 40x30"),
        ("40", "30 if T < 0.5 else 20", 4, "frame 2 is 40x20 but frame 0 was 40x30"),
    ],
)
def test_a_size_that_changes_with_the_frame_names_its_line(
    service, tmp_path, capfd, output, width, height, line, sizes
):
    scene = write_scene(tmp_path, "grows.py", GROWS.format(width=width, height=height))
    assert main(["render", str(scene), "-o", str(tmp_path / output), "-q"], service) == 2
    err = capfd.readouterr().err
    assert err.startswith(f"puray: error: {scene}:{line}: {sizes}: "), err
    assert "every frame of an animation must have the same size" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grows.py"]  # nothing written
