"""The window after an edit: re-shaded or re-lit where it can, the history says which, and
the picture is the one a full render makes."""

from __future__ import annotations

import time

import numpy as np

from puray_gui.document import SceneDocument
from puray_gui.options import RenderOptions

from .conftest import WAIT_MS, reference, twoballs
from .saves import temp_then_rename


def save(qtbot, live, path, text) -> None:
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        temp_then_rename(path, text)


def test_the_history_says_how_each_save_was_made(qtbot, make_live, scene):
    live = make_live(scene)
    edits = [
        (twoballs(blue="#00FF00"), "re-shaded"),  # a material's colour
        (twoballs(blue="#00FF00").replace("Point(1.5, -0.5, -10)", "Point(3, -2, -8)"), "re-lit"),
        (twoballs(blue="#00FF00").replace("Point(0.75, -0.1, 1)", "Point(0.7, -0.1, 1)"), "traced"),
    ]
    strip, history = live.history_flow.panel.strip, live.history_flow.history
    for text, how in edits:
        save(qtbot, live, scene, text)
        entry = live.history_flow.history.entries[-1]
        assert entry.summary.endswith(f"({how})"), entry.summary
        # the filmstrip shows the entry once the frame is painted
        qtbot.waitUntil(lambda: strip.count() == len(history), timeout=WAIT_MS)
        assert how in strip.item(strip.count() - 1).text()
        np.testing.assert_array_equal(live.session.frame.pixels, reference(scene))


def test_with_the_cache_off_every_save_is_traced(qtbot, make_live, scene):
    live = make_live(scene, RenderOptions(refine=1, reshade_cache_mb=0))
    save(qtbot, live, scene, twoballs(blue="#00FF00"))
    assert live.history_flow.history.entries[-1].summary.endswith("(traced)")
    np.testing.assert_array_equal(live.session.frame.pixels, reference(scene))


def test_the_sidebar_sets_the_cache_each_worker_keeps(qtbot, make_live, scene):
    live = make_live(scene)
    panel = live.settings_panel
    assert panel.cache.value() == RenderOptions().reshade_cache_mb
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        panel.cache.setValue(0)  # typed: applied after the typing pause
    assert live.session.options.reshade_cache_mb == 0
    assert panel.cache.text() == "Off"
    save(qtbot, live, scene, twoballs(blue="#00FF00"))
    assert live.history_flow.history.entries[-1].summary.endswith("(traced)")


def test_a_completed_save_is_read_at_once(qtbot, scene):
    document = SceneDocument(debounce_ms=3000)  # a wait far longer than the test allows
    try:
        with qtbot.waitSignal(document.source_changed, timeout=5000):
            document.open(scene)
        started = time.monotonic()
        with qtbot.waitSignal(document.source_changed, timeout=1500) as blocker:
            temp_then_rename(scene, twoballs(blue="#00FF00"))
        assert "#00FF00" in blocker.args[0].text
        assert time.monotonic() - started < 1.5
    finally:
        document.close()


def test_a_save_that_does_not_parse_waits_for_the_pause(qtbot, scene):
    document = SceneDocument(debounce_ms=800)
    try:
        with qtbot.waitSignal(document.source_changed, timeout=5000):
            document.open(scene)
        seen = []
        document.source_changed.connect(seen.append)
        temp_then_rename(scene, twoballs() + "\nOBJECTS = [\n")  # unfinished: no render yet
        qtbot.wait(400)
        assert seen == []
        qtbot.waitUntil(lambda: len(seen) == 1, timeout=5000)  # then shown, error and all
        assert seen[0].text.endswith("OBJECTS = [\n")
    finally:
        document.close()
