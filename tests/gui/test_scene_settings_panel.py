"""The sidebar starts from the scene's SETTINGS, marks them, a change overrides, and the next
scene's SETTINGS apply again."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from puray_gui.options import RenderOptions
from tracer import RenderSettings, SceneSource
from tracer.kernel.render import render_image

from .conftest import WAIT_MS, twoballs


def explicit(path: Path, **values) -> np.ndarray:
    """Render with every value given (no SETTINGS involved): the independent reference."""
    return render_image(SceneSource.from_path(path), RenderSettings(**values))


def write(folder: Path, name: str, settings: str | None) -> Path:
    path = folder / name
    path.write_text(twoballs(extra="" if settings is None else f"SETTINGS = {settings}\n"))
    return path


def marked(panel) -> set[str]:
    return {name for name, label in panel.labels.items() if label.text().endswith("(scene)")}


def test_the_sidebar_starts_from_the_scene_and_a_change_overrides(
    qtbot, make_live, tmp_path, prefs
):
    path = write(tmp_path, "a.py", '{"samples": 2, "shadows": True}')
    live = make_live(path)
    panel = live.settings_panel
    frame = live.session.frame.pixels
    np.testing.assert_array_equal(frame, explicit(path, samples=2, shadows=True))
    assert panel.samples.currentData() == 2
    assert panel.shadows.isChecked()
    assert marked(panel) == {"samples", "shadows"}
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        panel.samples.setCurrentIndex(panel.samples.findData(1))  # "Off": overrides the scene
    np.testing.assert_array_equal(live.session.frame.pixels, explicit(path, shadows=True))
    assert marked(panel) == {"shadows"}
    qtbot.waitUntil(lambda: len(live.history) == 2, timeout=WAIT_MS)
    assert live.history[1].summary == "samples 1 over the scene's (traced)"
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        panel.depth_box.setValue(2)  # not the scene's: the shadows stay the scene's
    np.testing.assert_array_equal(
        live.session.frame.pixels, explicit(path, shadows=True, max_depth=2)
    )
    assert not prefs.options().shadows  # the scene's values are not remembered as the user's


def test_another_scene_applies_its_own_settings(qtbot, make_live, tmp_path):
    first = write(tmp_path, "a.py", '{"samples": 2}')
    second = write(tmp_path, "b.py", '{"shadows": True, "depth": 1}')
    plain = write(tmp_path, "c.py", None)
    live = make_live(first)
    panel = live.settings_panel
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        panel.samples.setCurrentIndex(panel.samples.findData(3))  # overrides a.py's 2
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.open(str(second))
    np.testing.assert_array_equal(
        live.session.frame.pixels, explicit(second, samples=3, shadows=True, max_depth=1)
    )
    assert marked(panel) == {"shadows", "max_depth"}
    assert panel.depth_box.value() == 1
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.open(str(plain))  # Puray's kind: the user's own values, nothing marked
    np.testing.assert_array_equal(live.session.frame.pixels, explicit(plain, samples=3))
    assert marked(panel) == set()
    assert not panel.shadows.isChecked()
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.open(str(first))  # the override ended with the switch: a.py's 2 again
    np.testing.assert_array_equal(live.session.frame.pixels, explicit(first, samples=2))
    assert panel.samples.currentData() == 2


def test_overrides_are_not_remembered():
    options = RenderOptions(samples=3, overridden=frozenset({"samples"}))
    assert "overridden" not in options.to_dict()
    assert RenderOptions.from_dict({**options.to_dict(), "overridden": ["x"]}) == options.with_(
        overridden=frozenset()
    )
    assert options.full_settings().scene_may_set == frozenset({"shadows", "max_depth"})


def test_an_export_records_the_settings_it_rendered_with(qtbot, make_live, tmp_path):
    from .test_export import _export

    path = write(tmp_path, "a.py", '{"samples": 2, "shadows": True}')
    live = make_live(path)
    image = _export(qtbot, live, tmp_path / "a.png")  # the finished preview, written
    np.testing.assert_array_equal(
        np.asarray(image.convert("RGB")), explicit(path, samples=2, shadows=True)
    )
    recorded = json.loads(image.text["Settings"])
    assert (recorded["samples"], recorded["shadows"]) == (2, True)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.settings_panel.scale.setCurrentIndex(live.settings_panel.scale.findData(50))
    image = _export(qtbot, live, tmp_path / "b.png")  # rendered anew at full size
    recorded = json.loads(image.text["Settings"])
    assert (recorded["samples"], recorded["shadows"]) == (2, True)
    np.testing.assert_array_equal(
        np.asarray(image.convert("RGB")), explicit(path, samples=2, shadows=True)
    )
