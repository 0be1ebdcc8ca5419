"""The README's Limits (also the docs site's, on the command-line page) say what the code does:
the numbers are the code's constants and the quoted messages are the ones the command prints."""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path

import pytest

from tracer.cli.main import main
from tracer.datafiles import MAX_BYTES
from tracer.output.rate import MAX_FPS, MIN_FPS
from tracer.scene.nesting import MAX_NESTING
from tracer.settings import MAX_DEPTH, MAX_FRAMES, MAX_SAMPLES, MAX_SIDE, RenderSettings
from tracer.shading.image_texture import MAX_PIXELS
from tracer.shading.textures import MAX_OCTAVES
from tracer.workers.service import RenderService

ROOT = Path(__file__).resolve().parents[1]


def _section() -> str:
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "scripts" / "docs_hooks.py")
    assert spec is not None
    assert spec.loader is not None
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    return hooks.readme_section("Limits")


LIMITS = _section()
#: The messages the table quotes, in order (a trailing " ..." stands for the rest).
QUOTED = re.findall(r"^\|[^|]*\|[^|]*\| `(.*)` \|$", LIMITS, re.M)


def test_the_docs_site_shows_the_readme_limits():
    page = (ROOT / "docs" / "cli.md").read_text()
    assert "<!-- readme: Limits -->" in page
    assert "(cli.md#limits)" in (ROOT / "docs" / "scene-api.md").read_text()
    assert "[--frame K]" in (ROOT / "README.md").read_text()  # puray pick's usage line


def test_the_numbers_are_the_code_s():
    from tracer.workers.cluster import ClusterService

    side = int(MAX_PIXELS**0.5)
    connect = inspect.signature(ClusterService).parameters["connect_timeout"].default
    settings = RenderSettings()
    for text in (
        f"1 to {MAX_SIDE} pixels",
        f"1 to {MAX_SAMPLES} (S x S per pixel)",
        f"0 to {MAX_DEPTH} bounces",
        f"1 to {MAX_FRAMES} |",
        f"{MIN_FPS:g} to {MAX_FPS:g} frames per second |",
        f"{MAX_NESTING} levels |",
        f"{side} x {side} pixels ({MAX_PIXELS / 1e6:.0f} megapixels)",
        f"at most {MAX_BYTES >> 20} MiB",
        f"1 to {MAX_OCTAVES} |",
        f"`--load-timeout` ({settings.load_timeout:g} s)",
        f"`--block-timeout` ({settings.block_timeout:g} s)",
        f"{connect:g} s to answer as a Dask scheduler",
    ):
        assert text in LIMITS, text
    assert side * side == MAX_PIXELS


HEAD = "from tracer import *\nCAMERA = Vector(0, 0, -1)\nLIGHTS = []\n"
#: (scene text, extra options, output) that make the command print the table's Nth message.
PROVOKED = [
    (HEAD + "WIDTH, HEIGHT = 0, 30\nOBJECTS = []\n", [], "o.png"),
    (HEAD + "WIDTH, HEIGHT = 40, 30\nOBJECTS = []\n", ["--samples", "9"], "o.png"),
    (HEAD + "WIDTH, HEIGHT = 40, 30\nOBJECTS = []\n", ["--depth", "11"], "o.png"),
    (HEAD + "WIDTH, HEIGHT = 40, 30\nOBJECTS = []\nFRAMES = 0\n", [], "o.gif"),
    (HEAD + "WIDTH, HEIGHT = 40, 30\nOBJECTS = []\nFRAMES, FPS = 3, 0.01\n", [], "o.gif"),
    (
        HEAD
        + "WIDTH, HEIGHT = 40, 30\npart = Sphere(Point(0, 0, 2), 0.5)\n"
        + f"for i in range({MAX_NESTING - 1}):\n"
        + "    part = Union(part, Sphere(Point(0, 0, 2), 0.5))\nOBJECTS = [part]\n",
        [],
        "o.png",
    ),
    None,  # an image of 9000 x 9000 pixels: too big to make in a test (its limit is above)
    (
        HEAD + "WIDTH, HEIGHT = 40, 30\n"
        "OBJECTS = [Sphere(Point(0, 0, 2), 0.5, Material(ImageTexture('/dev/zero')))]\n",
        [],
        "o.png",
    ),
    (
        HEAD + "WIDTH, HEIGHT = 40, 30\n"
        "OBJECTS = [Sphere(Point(0, 0, 2), 0.5, Material(Noise(Color(1, 0, 0), "
        "Color(0, 0, 1), 1.0, 17)))]\n",
        [],
        "o.png",
    ),
]


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=1) as svc:
        yield svc


def test_the_table_quotes_the_messages_in_order():
    assert len(QUOTED) == 13
    assert QUOTED[0].startswith("WIDTH must be")
    assert QUOTED[8].startswith("Noise octaves")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("row", [k for k, case in enumerate(PROVOKED) if case is not None])
def test_each_quoted_message_is_what_the_command_prints(service, tmp_path, capfd, row):
    text, flags, output = PROVOKED[row]  # type: ignore[misc]
    scene = tmp_path / "limit.py"
    scene.write_text(text)
    assert main(["render", str(scene), "-o", str(tmp_path / output), "-q", *flags], service) == 2
    err = capfd.readouterr().err
    quoted = QUOTED[row].removesuffix(" ...").removesuffix("...")
    assert quoted in err, f"the README quotes {quoted!r}; the command printed {err!r}"
