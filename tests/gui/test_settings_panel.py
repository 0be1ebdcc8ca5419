"""Settings change the picture at once, persist, and keep the preview/export split."""

from __future__ import annotations

import numpy as np

from puray_gui.options import RenderOptions

from .conftest import WAIT_MS, reference


def test_depth_change_rerenders_with_other_pixels(qtbot, make_live, scene, prefs):
    live = make_live(scene)
    before = live.session.frame.pixels.copy()
    panel = live.settings_panel
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        panel.depth_box.setValue(0)  # typed: debounced, then one render
    after = live.session.frame.pixels
    assert not np.array_equal(before, after)
    np.testing.assert_array_equal(after, reference(scene, RenderOptions(max_depth=0)))
    assert prefs.options().max_depth == 0  # remembered


def test_resolution_preset_changes_the_frame_size(qtbot, make_live, scene):
    live = make_live(scene)
    panel = live.settings_panel
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        panel.preset.setCurrentIndex(panel.preset.findData("320x180"))
    assert live.session.frame.size == (320, 180)
    expected = reference(scene, RenderOptions(width=320, height=180))
    np.testing.assert_array_equal(live.session.frame.pixels, expected)
    assert (panel.width_box.value(), panel.height_box.value()) == (320, 180)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        panel.preset.setCurrentIndex(0)  # back to the scene's own size
    assert live.session.frame.size == (160, 90)


def test_typed_size_is_debounced_into_one_render(qtbot, make_live, scene):
    live = make_live(scene)
    panel = live.settings_panel
    panel.preset.setCurrentIndex(panel.preset.findData("custom"))
    qtbot.waitUntil(lambda: not live.session.running, timeout=WAIT_MS)
    renders = []
    live.session.render_started.connect(renders.append)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        for width in (2, 20, 200):  # typing "200" one key at a time
            panel.width_box.setValue(width)
            qtbot.wait(30)
    assert len(renders) == 1
    assert live.session.frame.width == 200
    assert panel.preset.currentData() == "custom"


def test_shadows_samples_and_seed_reach_the_renderer(qtbot, make_live, scene):
    live = make_live(scene)
    panel = live.settings_panel
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        panel.shadows.setChecked(True)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        panel.samples.setCurrentIndex(panel.samples.findData(2))
    options = RenderOptions(shadows=True, samples=2)
    np.testing.assert_array_equal(live.session.frame.pixels, reference(scene, options))


def test_preview_scale_renders_smaller_but_shows_full_size(qtbot, make_live, scene):
    live = make_live(scene)
    panel = live.settings_panel
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        panel.scale.setCurrentIndex(panel.scale.findData(50))
    assert live.session.frame.size == (80, 45)
    assert live.session.display_size == (160, 90)
    expected = reference(scene, RenderOptions(width=80, height=45))
    np.testing.assert_array_equal(live.session.frame.pixels, expected)


def test_stored_options_are_shown_and_used(qtbot, make_live, scene, prefs):
    prefs.set_options(RenderOptions(max_depth=2, seed=7))
    live = make_live(scene, prefs.options())
    assert live.settings_panel.depth_box.value() == 2
    assert live.settings_panel.seed.value() == 7
    expected = reference(scene, RenderOptions(max_depth=2, seed=7))
    np.testing.assert_array_equal(live.session.frame.pixels, expected)


def test_a_resolution_override_stays_with_its_scene(qtbot, make_live, scene, tmp_path, prefs):
    other = tmp_path / "other.py"
    other.write_text(scene.read_text().replace("WIDTH = 160", "WIDTH = 120"))
    live = make_live(scene)
    panel = live.settings_panel
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        panel.preset.setCurrentIndex(panel.preset.findData("320x180"))
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.window.open_scene(str(other))
    assert live.session.frame.size == (120, 90)  # its own size: the override stayed behind
    assert panel.preset.currentData() is None  # and the panel says so
    assert (panel.width_box.value(), panel.height_box.value()) == (120, 90)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.window.open_scene(str(scene))
    assert live.session.frame.size == (320, 180)  # back with its scene
    assert panel.preset.currentData() == "320x180"
    assert prefs.scene_size(str(scene)) == (320, 180)
    assert prefs.options().width is None  # not an override for every scene
