"""New Scene and Export never replace a file without asking; dialogs start in the scene's folder."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from .conftest import WAIT_MS
from .modals import Modals, press, type_file_name

YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


def _trigger(live, text: str) -> None:
    for menu in live.window.menuBar().actions():
        for action in menu.menu().actions():
            if action.text() == text:
                action.trigger()
                return
    raise AssertionError(f"no menu item {text}")


def test_new_scene_typed_without_suffix_asks_before_replacing(
    qtbot, make_live, scene, tmp_path, editor_calls
):
    live = make_live(scene)
    balls = tmp_path / "balls.py"
    balls.write_text("# my scene: hours of work\n")
    before = balls.read_bytes()
    modals = Modals(type_file_name("balls"), press(NO))
    _trigger(live, "&New Scene...")
    modals.stop()
    assert [m["kind"] for m in modals.seen] == ["file", "message"]
    assert modals.seen[0]["folder"] == str(tmp_path)  # the scene's folder, not $HOME
    assert "balls.py already exists" in modals.seen[1]["text"]
    assert balls.read_bytes() == before  # declined: byte-identical
    assert live.document.path == str(scene)  # the current scene stays open
    assert editor_calls == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file


def test_new_scene_replaces_only_when_confirmed(qtbot, make_live, scene, tmp_path, editor_calls):
    live = make_live(scene)
    balls = tmp_path / "balls.py"
    balls.write_text("# old\n")
    modals = Modals(type_file_name("balls"), press(YES))
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        _trigger(live, "&New Scene...")
    modals.stop()
    assert "WIDTH" in balls.read_text()  # the template
    assert live.document.path == str(balls)
    assert editor_calls == [(str(balls), 1)]


def test_new_scene_with_a_fresh_name_asks_nothing(qtbot, make_live, scene, tmp_path):
    live = make_live(scene)
    modals = Modals(type_file_name("fresh"))
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        _trigger(live, "&New Scene...")
    modals.stop()
    assert [m["kind"] for m in modals.seen] == ["file"]
    assert "WIDTH" in (tmp_path / "fresh.py").read_text()


def test_export_typed_without_suffix_asks_before_replacing(qtbot, make_live, scene, tmp_path):
    live = make_live(scene)
    picture = tmp_path / "picture.png"
    picture.write_bytes(b"not really a png, but mine")
    modals = Modals(type_file_name("picture"), press(NO))
    _trigger(live, "&Export PNG...")
    qtbot.wait(300)
    modals.stop()
    assert [m["kind"] for m in modals.seen] == ["file", "message"]
    assert modals.seen[0]["folder"] == str(tmp_path)
    assert "picture.png already exists" in modals.seen[1]["text"]
    assert picture.read_bytes() == b"not really a png, but mine"
    assert not live.exporter.busy

    modals = Modals(type_file_name("picture"), press(YES))
    with qtbot.waitSignal(live.exporter.finished, timeout=WAIT_MS):
        _trigger(live, "&Export PNG...")
    modals.stop()
    live.exporter.wait()
    assert picture.read_bytes().startswith(b"\x89PNG")
