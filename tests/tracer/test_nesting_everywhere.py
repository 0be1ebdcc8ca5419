"""Deep CSG and textures alike on every path: 1 and 2 workers, in-process, notebook, Dask, pick.

The deepest scene that may render renders with the same pixels everywhere; one level deeper
is the same one-line message at the scene's line everywhere, never a bare RecursionError
(issue 17: the raised recursion limit existed only in worker processes).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import tracer
from tests.tracer.helpers import write_scene
from tests.tracer.test_nesting import CSG, CSG_LEVELS, TEXTURE, TEXTURE_LEVELS
from tracer.cli.main import main
from tracer.errors import SceneError
from tracer.kernel.render import load, render_image
from tracer.pick import pick
from tracer.scene.load import SceneSource
from tracer.scene.nesting import MAX_NESTING
from tracer.settings import RenderSettings

BODIES = [(CSG, CSG_LEVELS), (TEXTURE, TEXTURE_LEVELS)]
IDS = ["csg", "texture"]
#: Python's own recursion limit, as a fresh interpreter (a notebook, a script) has it.
PYTHON_DEFAULT = 1000


@pytest.fixture
def fresh_limit():
    """Run the test at Python's default recursion limit (other tests may have raised it)."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(PYTHON_DEFAULT)
    yield
    sys.setrecursionlimit(before)


def _cli_png(capfd, scene: Path, *flags: str) -> tuple[int, str, np.ndarray | None]:
    out = scene.with_name(f"{scene.stem}_{len(list(scene.parent.iterdir()))}.png")
    code = main(["render", str(scene), "-o", str(out), "-q", *flags])
    err = capfd.readouterr().err
    pixels = np.asarray(Image.open(out).convert("RGB")) if out.exists() else None
    return code, err, pixels


def _scene(tmp_path: Path, body: str, levels: int, deeper: int) -> tuple[Path, int]:
    """Write the scene nested MAX_NESTING + ``deeper`` levels; return it and its marked line."""
    text = body.format(count=MAX_NESTING - levels + deeper)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.endswith("# <-"))
    return write_scene(tmp_path, "deep.py", text), line


@pytest.mark.parametrize(("body", "levels"), BODIES, ids=IDS)
def test_the_deepest_scene_renders_alike_in_process_notebook_dask_and_pick(
    tmp_path, capfd, fresh_limit, body, levels
):
    scene, _line = _scene(tmp_path, body, levels, 0)
    code, err, reference = _cli_png(capfd, scene, "--processes", "1")
    assert (code, err) == (0, "")
    assert reference is not None
    assert reference[15, 20].max() > 100  # the lit ball, not black

    source, settings = SceneSource.from_path(scene), RenderSettings()
    np.testing.assert_array_equal(render_image(source, settings), reference)  # in-process
    picked = pick(load(source, settings), settings, 20, 15)  # in-process too
    assert tuple(picked.rgb) == tuple(reference[15, 20])

    np.testing.assert_array_equal(tracer.render(scene, processes=2).array, reference)

    assert main(["pick", str(scene), "20", "15", "--json"]) == 0
    printed = json.loads(capfd.readouterr().out)
    assert tuple(printed["rgb"]) == tuple(reference[15, 20])

    pytest.importorskip("distributed")
    code, err, pixels = _cli_png(capfd, scene, "--scheduler", "local:2")
    assert (code, err) == (0, "")
    np.testing.assert_array_equal(pixels, reference)


@pytest.mark.parametrize(("body", "levels"), BODIES, ids=IDS)
def test_one_level_deeper_is_one_message_at_the_line_everywhere(
    tmp_path, capfd, fresh_limit, body, levels
):
    scene, line = _scene(tmp_path, body, levels, 1)
    message = f"nested {MAX_NESTING + 1} levels deep; at most {MAX_NESTING} render"
    with pytest.raises(SceneError) as caught:  # in-process
        render_image(SceneSource.from_path(scene), RenderSettings())
    assert (caught.value.filename, caught.value.lineno) == (str(scene), line)
    assert message in caught.value.message

    with pytest.raises(SceneError) as caught:
        tracer.render(scene, processes=2)
    assert (caught.value.filename, caught.value.lineno) == (str(scene), line)
    assert message in caught.value.message

    flags = [["--processes", "1"], ["--processes", "2"]]
    if _has_dask():
        flags.append(["--scheduler", "local:2"])
    for more in flags:
        code, err, pixels = _cli_png(capfd, scene, *more)
        assert code == 2, more
        assert err.startswith(f"puray: error: {scene}:{line}: "), more
        assert message in err
        assert err.count("\n") == 1
        assert pixels is None

    assert main(["pick", str(scene), "20", "15"]) == 2
    err = capfd.readouterr().err
    assert err.startswith(f"puray: error: {scene}:{line}: ")
    assert message in err
    assert err.count("\n") == 1


def _has_dask() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True
