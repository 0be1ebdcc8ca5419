"""Open in Editor says what went wrong, and one double-click opens the editor once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

import puray_gui.editor as editor
import puray_gui.qt.qt_scene_files as scene_files

from .conftest import WAIT_MS, twoballs
from .saves import SAVE_STYLES


def test_no_editor_and_no_desktop_handler_is_said_with_the_fix(
    qtbot, make_live, scene, monkeypatch
):
    monkeypatch.setattr(scene_files, "open_in_editor", editor.open_in_editor)  # the real one
    monkeypatch.delenv("PURAY_EDITOR", raising=False)
    asked = []
    monkeypatch.setattr(editor.QDesktopServices, "openUrl", lambda url: asked.append(url) or False)
    live = make_live(scene)
    file_menu = live.window.menuBar().actions()[0].menu()
    next(a for a in file_menu.actions() if a.text() == "Open in &Editor").trigger()
    assert len(asked) == 1  # the desktop was asked, and said no
    status = live.preview.status.currentMessage()
    assert "Could not open scene.py" in status
    assert "PURAY_EDITOR" in status
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    qtbot.waitUntil(lambda: any(b.isVisible() for b in boxes), timeout=WAIT_MS)
    box = next(b for b in boxes if b.isVisible())
    assert "export PURAY_EDITOR='code -g {file}:{line}'" in box.text()
    box.close()


def test_a_missing_editor_command_is_said(monkeypatch, tmp_path):
    monkeypatch.setenv("PURAY_EDITOR", "no-such-editor-xyz +{line} {file}")
    problem = editor.open_in_editor(str(tmp_path / "scene.py"), 3)
    assert problem is not None
    assert "'no-such-editor-xyz'" in problem


def test_double_click_on_a_frame_opens_the_editor_once(qtbot, make_live, scene, editor_calls):
    live = make_live(scene)
    with qtbot.waitSignal(live.session.render_failed, timeout=WAIT_MS):
        SAVE_STYLES["temp_then_rename"](scene, twoballs(extra="\nx = undefined_name\n"))
    frames = live.error_panel.frames
    qtbot.waitUntil(frames.isVisible, timeout=WAIT_MS)
    rect = frames.visualItemRect(frames.item(0))
    # a real double-click: a click (press, release), then a double-click event
    qtbot.mouseClick(frames.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(frames.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(50)
    assert len(editor_calls) == 1
    qtbot.wait(2 * QApplication.doubleClickInterval() + 50)
    qtbot.mouseClick(frames.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert len(editor_calls) == 2  # a later click is a new request
