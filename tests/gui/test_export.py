"""Export writes the full-resolution frame atomically, equal to the viewport and to the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from puray_gui.options import RenderOptions

from .conftest import WAIT_MS, reference


def _export(qtbot, live, path):
    exporter = live.exporter
    with qtbot.waitSignal(exporter.finished, timeout=WAIT_MS) as blocker:
        live.export_flow.start(str(path))
    assert blocker.args == [str(path)]
    exporter.wait()
    image = Image.open(path)
    image.load()
    return image


def _cli_render(scene, out, *args):
    try:
        import tracer.cli.main  # noqa: F401
    except ImportError:
        return None
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(scene), "-o", str(out), "-q", *args]
    subprocess.run([*cmd, "--processes", "1"], check=True, timeout=120)
    return np.asarray(Image.open(out).convert("RGB"))


def test_export_equals_the_viewport_and_the_cli(qtbot, make_live, scene, tmp_path, prefs):
    live = make_live(scene)
    out = tmp_path / "out" / "export.png"
    out.parent.mkdir()
    image = _export(qtbot, live, out)
    pixels = np.asarray(image.convert("RGB"))
    np.testing.assert_array_equal(pixels, live.session.frame.pixels)
    cli = _cli_render(scene, tmp_path / "cli.png")
    np.testing.assert_array_equal(pixels, cli if cli is not None else reference(scene))
    assert image.text["Software"].startswith("Puray Live")
    assert image.text["Scene"] == str(scene)
    settings = json.loads(image.text["Settings"])
    assert (settings["width"], settings["height"], settings["max_depth"]) == (160, 90, 5)
    assert float(image.text["Render seconds"]) >= 0
    assert [p.name for p in out.parent.iterdir()] == ["export.png"]  # no temp file left
    assert prefs.folder("export") == str(out.parent)  # remembered


def test_export_renders_full_size_when_the_preview_is_scaled(qtbot, make_live, scene, tmp_path):
    options = RenderOptions(preview_scale=25, max_depth=3, refine=1)
    live = make_live(scene, options)
    assert live.session.frame.size == (40, 22)
    progress = []
    live.exporter.progressed.connect(progress.append)
    image = _export(qtbot, live, tmp_path / "full.png")
    pixels = np.asarray(image.convert("RGB"))
    assert pixels.shape == (90, 160, 3)
    cli = _cli_render(scene, tmp_path / "cli.png", "--depth", "3")
    np.testing.assert_array_equal(pixels, cli if cli is not None else reference(scene, options))
    assert progress[-1] == 1.0
    assert live.session.frame.size == (40, 22)  # the preview is left as it was


def test_export_can_be_cancelled_and_writes_nothing(qtbot, make_live, scene, tmp_path):
    live = make_live(scene, RenderOptions(preview_scale=25, width=1920, height=1080))
    out = tmp_path / "never.png"
    live.export_flow.start(str(out))
    assert live.exporter.busy
    assert live.export_flow.dialog.labelText() == "Rendering never.png at 1920x1080"
    qtbot.wait(50)  # the window keeps running while the export renders
    live.export_flow._on_dialog_canceled()
    assert not live.exporter.busy
    qtbot.wait(300)
    assert not out.exists()
    assert "cancelled" in live.export_flow.message


@pytest.mark.parametrize("broken", ["x = 1 / 0\n"])
def test_export_of_a_broken_scene_fails_with_its_line(qtbot, make_live, scene, tmp_path, broken):
    live = make_live(scene, RenderOptions(preview_scale=50))
    live.session.source = live.session.source.__class__(str(scene), scene.read_text() + broken)
    with qtbot.waitSignal(live.exporter.failed, timeout=WAIT_MS) as blocker:
        live.exporter.export(str(tmp_path / "bad.png"))
    assert "scene.py:" in blocker.args[0]
    assert "ZeroDivisionError" in blocker.args[0]
    assert not (tmp_path / "bad.png").exists()
