"""Errors never lose the picture and always say the line; the window stays responsive."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from puray_gui.options import RenderOptions

from .conftest import WAIT_MS, reference, twoballs
from .saves import SAVE_STYLES


def _save_and_fail(qtbot, live, scene, text):
    with qtbot.waitSignal(live.session.render_failed, timeout=WAIT_MS) as blocker:
        SAVE_STYLES["temp_then_rename"](scene, text)
    qtbot.waitUntil(live.error_panel.isVisible, timeout=WAIT_MS)
    return blocker.args[0]


def _fix(qtbot, live, scene):
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        SAVE_STYLES["temp_then_rename"](scene, twoballs(blue="#00FFFF"))
    assert not live.error_panel.isVisible()
    assert not live.session.stale
    np.testing.assert_array_equal(live.session.frame.pixels, reference(scene))


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_exception_shows_line_and_frames_and_keeps_the_last_image(qtbot, make_live, scene):
    live = make_live(scene)
    good = live.session.frame.pixels.copy()
    broken = twoballs(extra="\ndef boom():\n    return 1 / 0\n\nRADIUS = boom()\n")
    _save_and_fail(qtbot, live, scene, broken)
    panel = live.error_panel
    assert f"scene.py:{_line_of(broken, '1 / 0')}" in panel.text
    assert "ZeroDivisionError" in panel.text
    assert panel.frames.count() == 2  # the scene's own frames: module level, then boom()
    assert "in boom" in panel.frames.item(1).text()
    assert live.session.stale
    assert "(error)" in live.window.windowTitle()
    np.testing.assert_array_equal(live.session.frame.pixels, good)  # the last good image
    status = live.preview.status
    assert status.time_label.text() == "failed: see the error panel"
    assert status.progress.value() == 0  # the stale image is not a finished render
    _fix(qtbot, live, scene)
    assert "(error)" not in live.window.windowTitle()


def test_clicking_a_frame_opens_the_editor_at_its_line(qtbot, make_live, scene, editor_calls):
    live = make_live(scene)
    _save_and_fail(qtbot, live, scene, twoballs(extra="\nx = undefined_name\n"))
    panel = live.error_panel
    lineno = _line_of(scene.read_text(), "undefined_name")
    panel._on_frame_activated(panel.frames.item(0))
    panel._on_title_link_activated(f"{scene}#{lineno}")
    assert editor_calls == [(str(scene), lineno), (str(scene), lineno)]


@pytest.mark.parametrize(
    ("text", "needle", "message"),
    [
        (twoballs(extra="\nif True\n    pass\n"), "if True", "syntax error"),
        (twoballs().replace("LIGHTS = [", "LIGHTZ = ["), None, "LIGHTS is not defined"),
        (twoballs().replace("WIDTH = 160", 'WIDTH = "wide"'), "WIDTH", "whole number"),
    ],
    ids=["syntax", "missing-name", "bad-width"],
)
def test_scene_mistakes_name_the_file_and_line(qtbot, make_live, scene, text, needle, message):
    live = make_live(scene)
    _save_and_fail(qtbot, live, scene, text)
    shown = live.error_panel.text
    assert message in shown
    where = f"scene.py:{_line_of(text, needle)}" if needle else "scene.py"
    assert where in shown
    _fix(qtbot, live, scene)


def _responsive(qtbot, seconds: float) -> float:
    """Spin the event loop for ``seconds``; return the longest gap between timer ticks."""
    ticks = [time.perf_counter()]
    end = ticks[0] + seconds
    while time.perf_counter() < end:
        qtbot.wait(10)
        ticks.append(time.perf_counter())
    return max(b - a for a, b in itertools.pairwise(ticks))


def test_endless_loop_is_stopped_and_the_window_stays_responsive(qtbot, make_live, scene):
    live = make_live(scene, RenderOptions(load_timeout=1.0))
    text = twoballs(extra="\nwhile True:\n    pass\n")
    with qtbot.waitSignal(live.session.render_failed, timeout=WAIT_MS):
        SAVE_STYLES["in_place"](scene, text)
        assert _responsive(qtbot, 0.5) < 0.2
    shown = live.error_panel.text
    assert "did not finish loading within 1 s" in shown
    loop_lines = {f"scene.py:{_line_of(text, word)}" for word in ("while", "pass")}
    assert any(where in shown for where in loop_lines)
    _fix(qtbot, live, scene)


def test_sys_exit_in_a_scene_is_an_error_not_an_exit(qtbot, make_live, scene):
    live = make_live(scene)
    text = twoballs(extra="\nimport sys\nsys.exit(3)\n")
    _save_and_fail(qtbot, live, scene, text)
    shown = live.error_panel.text
    assert "sys.exit(3)" in shown
    assert f"scene.py:{_line_of(text, 'sys.exit')}" in shown
    assert live.window.isVisible()
    _fix(qtbot, live, scene)


def test_a_scene_that_kills_its_worker_is_reported_and_the_worker_replaced(
    qtbot, make_live, scene, service
):
    live = make_live(scene)
    pids = set(service.worker_pids())
    _save_and_fail(qtbot, live, scene, twoballs(extra="\nimport os\nos._exit(7)\n"))
    assert "ended its worker process" in live.error_panel.text
    qtbot.waitUntil(lambda: set(service.worker_pids()) != pids, timeout=WAIT_MS)
    assert service.wait_ready()
    _fix(qtbot, live, scene)


def test_deleted_scene_shows_waiting_and_recovers(qtbot, make_live, scene):
    live = make_live(scene)
    good = live.session.frame.pixels.copy()
    with qtbot.waitSignal(live.session.render_failed, timeout=WAIT_MS):
        scene.unlink()
    assert "Waiting for" in live.error_panel.text
    np.testing.assert_array_equal(live.session.frame.pixels, good)
    _fix(qtbot, live, scene)
