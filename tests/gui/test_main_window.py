"""File handling in the window: new scene from the template, drop, recent files, editor."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from .conftest import WAIT_MS, reference, twoballs


def test_new_scene_is_created_from_the_template_watched_and_edited(
    qtbot, make_live, tmp_path, editor_calls
):
    live = make_live()
    path = tmp_path / "mine.py"
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.scene_files.new_scene(str(path))
    assert "WIDTH" in path.read_text()
    assert editor_calls == [(str(path), 1)]
    assert "mine.py" in live.window.windowTitle()
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        path.write_text(path.read_text().replace("WIDTH = 640", "WIDTH = 100"))
    assert live.session.frame.width == 100


def test_dropping_a_scene_opens_it(qtbot, make_live, scene, tmp_path):
    live = make_live(scene)
    other = tmp_path / "other.py"
    other.write_text(twoballs(blue="#FF00FF"))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.window.dropEvent(event)
    assert live.document.path == str(other)
    np.testing.assert_array_equal(live.session.frame.pixels, reference(other))


def test_recent_scenes_menu_lists_opened_files(qtbot, make_live, scene, tmp_path):
    other = tmp_path / "other.py"
    other.write_text(twoballs(blue="#FF00FF"))
    live = make_live(scene)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.window.open_scene(str(other))
    actions = live.scene_files.recent_menu.scene_actions()
    assert [a.text() for a in actions] == [str(other), str(scene)]
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        actions[1].trigger()
    assert live.document.path == str(scene)


def test_f5_rerenders_and_ctrl_e_is_export(make_live, scene):
    live = make_live(scene)
    shortcuts = {
        a.text(): [s.toString() for s in a.shortcuts()]
        for menu in live.window.menuBar().actions()
        for a in menu.menu().actions()
    }
    assert shortcuts["&Re-render"] == ["F5", "Ctrl+R"]
    assert shortcuts["&Export PNG..."] == ["Ctrl+E"]
    assert shortcuts["&Open..."] == ["Ctrl+O"]


def test_a_recent_scene_that_is_gone_is_said_and_dropped(qtbot, make_live, scene, tmp_path):
    gone = tmp_path / "gone.py"
    gone.write_text(twoballs(blue="#FF00FF"))
    live = make_live(gone)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.window.open_scene(str(scene))
    good = live.session.frame.pixels.copy()
    gone.unlink()
    menu = live.scene_files.recent_menu
    entry = next(a for a in menu.actions() if a.text() == str(gone))
    entry.trigger()
    qtbot.wait(200)
    assert live.document.path == str(scene)  # the current scene stays
    assert not live.session.stale
    assert "(error)" not in live.window.windowTitle()
    np.testing.assert_array_equal(live.session.frame.pixels, good)
    assert "not found" in live.preview.status.currentMessage()
    assert str(gone) in live.preview.status.currentMessage()
    assert [a.text() for a in menu.actions() if a.text().endswith(".py")] == [str(scene)]
    assert live.prefs.recent_scenes() == [str(scene)]


def test_clear_recent_empties_the_menu(qtbot, make_live, scene):
    live = make_live(scene)
    menu = live.scene_files.recent_menu
    assert menu.isEnabled()
    next(a for a in menu.actions() if a.text() == "&Clear Recent").trigger()
    assert menu.scene_actions() == []
    assert live.prefs.recent_scenes() == []
    assert not menu.isEnabled()
