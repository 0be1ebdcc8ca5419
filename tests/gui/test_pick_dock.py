"""The Pixel path dock: it opens tall enough to read a path, stays as the user left it (across
picks and sessions), and forgets the pick when another scene opens."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt

from puray_gui.qt.qt_pick_dock import PATH_ROWS
from tests.tracer.helpers import pink_in_blue

from .conftest import WAIT_MS, twoballs
from .test_pick_panel import ctrl_click

TALL = 900


@pytest.fixture
def live(make_live, scene, qtbot):
    return sized(make_live(scene), qtbot)


def sized(live, qtbot):
    live.window.resize(1200, TALL)
    qtbot.waitUntil(lambda: live.window.height() == TALL, timeout=WAIT_MS)
    return live


def rows_shown(panel) -> float:
    """Return how many rows of the path the panel shows at once."""
    return panel.viewport().height() / panel.sizeHintForRow(0)


def settled(qtbot, dock):
    """Let the window lay the dock out; return its size."""
    qtbot.waitUntil(dock.isVisible, timeout=WAIT_MS)
    qtbot.wait(50)
    return dock.size()


def test_the_first_pick_opens_the_dock_tall_enough_to_read_a_path(live, qtbot):
    dock = live.pick_dock
    pick = ctrl_click(qtbot, live, *pink_in_blue(160, 90))
    size = settled(qtbot, dock)
    assert size.height() >= TALL // 2  # not the 3 or 4 lines of a dock under the settings
    assert size.width() >= live.window.width() // 4
    assert rows_shown(dock.panel) >= PATH_ROWS  # the whole path of the two balls, and more
    assert dock.panel.topLevelItemCount() == 1 + len(pick.bounces)


def test_the_dock_keeps_the_size_the_user_gave_it_across_picks_and_sessions(
    live, qtbot, make_live, scene
):
    dock, window = live.pick_dock, live.window
    ctrl_click(qtbot, live, *pink_in_blue(160, 90))
    settled(qtbot, dock)
    window.resizeDocks([dock], [470], Qt.Orientation.Horizontal)  # the user drags its edge
    wanted = settled(qtbot, dock)
    assert abs(wanted.width() - 470) <= 8
    dock.close()  # its close button
    ctrl_click(qtbot, live, 40, 70)
    assert settled(qtbot, dock) == wanted
    ctrl_click(qtbot, live, 41, 70)
    assert settled(qtbot, dock) == wanted
    live.close()
    again = sized(make_live(scene), qtbot)
    assert not again.pick_dock.isVisible()  # it waits for a pick
    ctrl_click(qtbot, again, 40, 70)
    assert settled(qtbot, again.pick_dock) == wanted


@pytest.mark.qt_log_ignore(
    "does not support raise", "propagateSizeHints"
)  # offscreen: a floating dock is a window
def test_a_floated_dock_comes_back_floating_where_it_was(live, qtbot, make_live, scene):
    dock = live.pick_dock
    ctrl_click(qtbot, live, 40, 70)
    settled(qtbot, dock)
    dock.setFloating(True)
    dock.setGeometry(120, 140, 420, 380)
    qtbot.waitUntil(lambda: dock.size().height() == 380, timeout=WAIT_MS)
    live.close()
    again = sized(make_live(scene), qtbot)
    ctrl_click(qtbot, again, 40, 70)
    dock = again.pick_dock
    settled(qtbot, dock)
    assert dock.isFloating()
    assert dock.geometry() == QRect(120, 140, 420, 380)


def test_opening_another_scene_clears_the_pick_and_the_outline(live, qtbot, tmp_path):
    viewport, panel = live.preview.viewport, live.pick_dock.panel
    x, y = pink_in_blue(160, 90)
    ctrl_click(qtbot, live, x, y)
    assert "Sphere" in panel.text
    rect, s = viewport.image_rect(), viewport.scale()
    qtbot.mouseMove(
        viewport, QPoint(int(rect.left() + (x + 0.5) * s), int(rect.top() + (y + 0.5) * s))
    )
    qtbot.waitUntil(lambda: viewport.hovered is not None, timeout=WAIT_MS)
    other = tmp_path / "other" / "scene.py"
    other.parent.mkdir()
    other.write_text(twoballs(blue="#00FF00", extra="\nimport time\ntime.sleep(1.5)\n"))
    live.open(str(other))  # it loads slowly: the old picture stays on show meanwhile
    assert panel.pick is None
    assert "Sphere" not in panel.text
    assert panel.text.startswith("Ctrl+click a pixel")
    assert viewport.hovered is None  # no outline of the old scene's object
    assert "OBJECTS" not in live.preview.status.pixel_label.text()
    qtbot.mouseMove(
        viewport, QPoint(int(rect.left() + (x + 0.5) * s) + 1, int(rect.top() + (y + 0.5) * s))
    )
    qtbot.wait(100)
    assert viewport.hovered is None  # the old picture's objects are not the new scene's
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        pass
    assert panel.pick is None
