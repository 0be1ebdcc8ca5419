"""The bundled notebook (docs/notebooks/getting_started.ipynb) runs in a real Jupyter kernel:
its pictures show inline at the size asked, with ``puray render``'s pixels, and its live view
renders the edited scene."""

from __future__ import annotations

import base64
import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import tracer
from tracer.bundled import example

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("ipywidgets")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "notebooks" / "getting_started.ipynb"


#: The kernel the notebook runs in: this interpreter, whatever other kernels are installed.
KERNEL = "puray-test"


def _kernel_spec(folder: Path) -> Path:
    """Write a kernel spec that runs this Python; return the folder to put on JUPYTER_PATH."""
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Puray tests", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    return folder


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Run the notebook in a fresh kernel (its files go to a temporary folder of the test's)."""
    folder = tmp_path_factory.mktemp("notebook")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not c.outputs for c in code)  # stored without outputs (no pictures in git)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(folder))  # the kernel's tempfile.mkdtemp() goes there
        patch.setenv("JUPYTER_PATH", str(_kernel_spec(folder / "jupyter")))
        client = nbclient.NotebookClient(
            notebook, timeout=120, kernel_name=KERNEL, resources={"metadata": {"path": folder}}
        )
        client.execute()  # raises CellExecutionError if a cell fails
    return [c for c in notebook.cells if c.cell_type == "code"]


def _images(cell) -> list[np.ndarray]:
    found = []
    for output in cell.outputs:
        data = output.get("data", {})
        if "image/png" in data:
            with Image.open(io.BytesIO(base64.b64decode(data["image/png"]))) as image:
                found.append(np.asarray(image.convert("RGB")))
    return found


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def _cell(cells, source_part: str):
    (cell,) = [c for c in cells if source_part in c.source]
    return cell


def test_the_first_render_shows_inline_with_puray_renders_pixels(executed):
    (image,) = _images(_cell(executed, 'tracer.render(example("twoballs"), 480, 270)'))
    assert image.shape == (270, 480, 3)
    assert np.array_equal(image, tracer.render(example("twoballs"), 480, 270).array)


def test_every_render_cell_shows_a_picture_of_its_size(executed):
    (showcase,) = _images(_cell(executed, 'example("showcase")'))
    assert showcase.shape == (270, 480, 3)
    assert "(270, 480, 3) uint8" in _text(_cell(executed, 'example("showcase")'))
    (written,) = _images(_cell(executed, "tracer.render(SCENE, shadows=True)"))
    assert written.shape == (180, 320, 3)  # the scene's own WIDTH, HEIGHT


def test_a_scene_error_prints_its_line(executed):
    printed = _text(_cell(executed, "except tracer.SceneError"))
    assert printed == "<scene>:9: Sphere radius must be positive and finite, got -0.6\n"


def test_the_live_view_shows_the_saved_scene(executed):
    view_cell = _cell(executed, "view = tracer.watch(my_scene, 480, 270)")
    widget = "application/vnd.jupyter.widget-view+json"
    assert any(widget in o.get("data", {}) for o in view_cell.outputs)
    my_scene = Path(_text(view_cell).strip())
    assert "#00FF00" in my_scene.read_text()  # the notebook's "save" happened
    (after,) = _images(_cell(executed, "view.check()"))
    assert np.array_equal(after, tracer.render(my_scene, 480, 270).array)
    assert "stopped" in _cell(executed, "view.stop()").outputs[0]["data"]["text/plain"]
