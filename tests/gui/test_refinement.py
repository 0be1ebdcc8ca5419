"""The window keeps refining the finished preview: it reaches the CLI's pixels for the same
samples, exports them as they are, and starts again from the first frame on any edit."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from PIL import Image

from puray_gui.options import RenderOptions
from puray_gui.refinement import PAUSE_MS, passes

from .conftest import WAIT_MS, reference
from .saves import in_place

#: Depth of field, a soft shadow and glass: all blur or speckle at one sample per pixel.
BLURRY = """\
from tracer import *
WIDTH = 64
HEIGHT = 40
CAMERA = LookAtCamera(Point(0, -0.6, -3), look_at=Point(0, 0.1, 0.5), fov=55, aperture=0.15)
OBJECTS = [
    Plane(Point(0, 0.5, 0), Vector(0, -1, 0), Material(Checker(Color(1, 1, 1), Color(0.1, 0.1, 0.1), 0.5))),
    Sphere(Point(-0.5, 0, 0.5), 0.5, Material(Color.from_hex("{red}"))),
    Sphere(Point(0.6, 0.1, 1.5), 0.4, Glass()),
]
LIGHTS = [Light(Point(-2, -4, -2), radius=0.8)]
"""  # noqa: E501

OPTIONS = RenderOptions(shadows=True, max_depth=3, refine=16)


def test_passes_end_at_4_then_every_8_up_to_the_target():
    assert passes(1, 64) == [(0, 4), (4, 8), *((k, k + 8) for k in range(8, 64, 8))]
    assert passes(1, 16) == [(0, 4), (4, 8), (8, 16)]
    assert passes(4, 16) == [(0, 8), (8, 16)]
    assert passes(9, 16) == [(0, 16)]
    assert passes(16, 16) == passes(1, 1) == passes(64, 16) == []


def _cli(scene, out, *args) -> np.ndarray:
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(scene), "-o", str(out), *args]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    with Image.open(out) as im:
        return np.asarray(im.convert("RGB"))


def test_the_window_refines_to_the_clis_pixels_and_exports_them(qtbot, make_live, tmp_path):
    scene = tmp_path / "blurry.py"
    scene.write_text(BLURRY.format(red="#e63946"))
    live = make_live(options=OPTIONS)
    refinement = live.refinement
    with qtbot.waitSignal(refinement.finished, timeout=WAIT_MS):
        live.open(str(scene))
    assert refinement.samples == 16
    cli = _cli(scene, tmp_path / "cli.png", "--samples", "4", "--shadows", "--depth", "3")
    assert np.array_equal(live.session.frame.pixels, cli)
    one = reference(scene, OPTIONS)  # the first frame: one sample, another picture
    assert (np.abs(one.astype(int) - cli).max(axis=2) > 8).mean() > 0.05
    qtbot.waitUntil(lambda: "refined 16/16 spp" in live.preview.status.time_label.text())

    out = tmp_path / "export.png"
    with qtbot.waitSignal(live.exporter.finished, timeout=WAIT_MS):
        live.exporter.export(str(out))
        assert live.exporter.job is None  # written from the preview, no render
    live.exporter.wait()
    with Image.open(out) as im:
        assert np.array_equal(np.asarray(im.convert("RGB")), cli)


def test_an_edit_restarts_refinement_from_the_first_frame(qtbot, make_live, tmp_path):
    scene = tmp_path / "blurry.py"
    scene.write_text(BLURRY.format(red="#e63946"))
    live = make_live(options=OPTIONS.with_(refine=64))
    refinement, session = live.refinement, live.session
    firsts: list[np.ndarray] = []  # each first frame, as it finishes
    session.render_finished.connect(lambda s: firsts.append(session.frame.pixels.copy()))
    with qtbot.waitSignal(session.render_finished, timeout=WAIT_MS):
        live.open(str(scene))
    qtbot.waitUntil(lambda: refinement.samples >= 4, timeout=WAIT_MS)  # refining
    assert refinement.running
    with qtbot.waitSignal(session.render_started, timeout=WAIT_MS):
        in_place(scene, BLURRY.format(red="#2a9d8f"))  # the ball turns green
    assert not refinement.running
    assert refinement.samples == 0  # the new version's first frame comes first
    qtbot.waitUntil(lambda: refinement.samples == 64 and not refinement.running, timeout=60_000)
    assert len(firsts) == 2
    assert np.array_equal(firsts[1], reference(scene, OPTIONS))
    sixty_four = reference(scene, OPTIONS.with_(samples=8))
    assert np.array_equal(session.frame.pixels, sixty_four)


def test_the_refinement_target_is_an_option_remembered_and_checked():
    stored = RenderOptions(refine=4).to_dict()
    assert RenderOptions.from_dict(stored).refine == 4
    assert RenderOptions.from_dict({**stored, "refine": 5}) == RenderOptions()  # not a target
    assert RenderOptions().refine == 64


def test_the_sidebar_sets_the_target(qtbot, make_live, scene):
    live = make_live(scene)
    panel = live.settings_panel
    panel.refine.setCurrentIndex(panel.refine.findData(16))
    assert live.session.options.refine == 16
    assert [panel.refine.itemText(i) for i in range(panel.refine.count())] == [
        "Off",
        "4 spp",
        "16 spp",
        "64 spp",
    ]


def test_a_scaled_preview_exports_by_rendering_the_target(qtbot, make_live, tmp_path):
    scene = tmp_path / "blurry.py"
    scene.write_text(BLURRY.format(red="#e63946"))
    live = make_live(options=OPTIONS.with_(preview_scale=50))
    with qtbot.waitSignal(live.refinement.finished, timeout=WAIT_MS):
        live.open(str(scene))
    assert live.session.frame.size == (32, 20)  # refined, but not the full frame
    out = tmp_path / "export.png"
    with qtbot.waitSignal(live.exporter.finished, timeout=WAIT_MS):
        live.exporter.export(str(out))
        assert live.exporter.busy  # renders
    live.exporter.wait()
    cli = _cli(scene, tmp_path / "cli.png", "--samples", "4", "--shadows", "--depth", "3")
    with Image.open(out) as im:
        assert np.array_equal(np.asarray(im.convert("RGB")), cli)


def test_stop_ends_the_refinement_and_keeps_its_pixels(qtbot, make_live, tmp_path):
    scene = tmp_path / "blurry.py"
    scene.write_text(BLURRY.format(red="#e63946"))
    live = make_live(options=OPTIONS.with_(refine=64))
    refinement = live.refinement
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.open(str(scene))
    qtbot.waitUntil(lambda: refinement.samples >= 4, timeout=WAIT_MS)
    live.preview._on_stop_triggered()  # Render > Stop (Esc)
    assert not refinement.running
    shown = live.session.frame.pixels.copy()
    qtbot.wait(500)
    assert np.array_equal(live.session.frame.pixels, shown)
    assert f"refined {refinement.samples}/{refinement.samples} spp" in (
        live.preview.status.time_label.text()
    )


def test_puray_s_picture_stays_puray_s_unless_anti_aliasing_is_asked_for(
    qtbot, make_live, scene, tmp_path
):
    """A Puray scene at one sample is not refined, and exports the command line's picture."""
    live = make_live(options=RenderOptions(refine=64))
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.open(str(scene))
    qtbot.wait(PAUSE_MS + 300)  # refinement would have started by now
    assert live.refinement.samples == 1
    assert not live.refinement.running
    out = tmp_path / "export.png"
    with qtbot.waitSignal(live.exporter.finished, timeout=WAIT_MS):
        live.exporter.export(str(out))
        assert live.exporter.job is None  # the preview is the final picture: no render
    live.exporter.wait()
    with Image.open(out) as im:
        assert np.array_equal(np.asarray(im.convert("RGB")), _cli(scene, tmp_path / "c.png"))
    assert live.refinement.target_for(live.session.settings.with_(samples=2)) == 64


def test_refinement_waits_for_edits_to_pause(qtbot, make_live, tmp_path):
    """A save right after a frame finds the workers free, not inside a refinement pass."""
    scene = tmp_path / "blurry.py"
    scene.write_text(BLURRY.format(red="#e63946"))
    live = make_live(options=OPTIONS.with_(refine=64))
    refinement = live.refinement
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.open(str(scene))
    qtbot.wait(100)  # within the pause (PAUSE_MS)
    assert not refinement.running  # paused: an edit now would not wait for a pass's block
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        in_place(scene, BLURRY.format(red="#2a9d8f"))
    assert not refinement.running
    qtbot.waitUntil(lambda: refinement.running, timeout=WAIT_MS)  # the edits paused
