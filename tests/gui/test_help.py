"""The Help menu: the shortcuts it lists are the window's, examples are copied without
overwriting and opened, About tells the versions, Scene API shows the docstrings or the site."""

from __future__ import annotations

import platform
from pathlib import Path

import numpy
import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox, QWidget

import puray_gui.qt.qt_help as qt_help
import tracer
from puray_gui import reference
from puray_gui.qt.qt_reference_dialog import QtReferenceDialog
from puray_gui.qt.qt_shortcuts_dialog import QtShortcutsDialog
from tracer._version import __version__

from .conftest import ROOT, WAIT_MS
from .modals import Modals, press

YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


def choose_folder(folder: Path):
    """Type ``folder`` into a folder dialog and press Choose."""

    def step(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog)
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(folder))
        dialog.accept()

    return step


def _dialog(live, kind):
    found = [w for w in live.window.findChildren(kind) if w.isVisible()]
    assert len(found) == 1
    return found[0]


def test_the_shortcuts_dialog_lists_every_key_of_the_window_and_filters(qtbot, make_live):
    live = make_live()
    live.window.action("help.shortcuts").trigger()
    dialog = _dialog(live, QtShortcutsDialog)
    rows = {(s.menu, s.title): s.keys for s in dialog.visible_rows()}
    assert rows[("File", "Export PNG...")] == "Ctrl+E"
    assert rows[("Help", "Scene API")] == "F1"
    assert ("File", "Quit") in rows  # with the platform's key for Quit, if it has one
    actions = live.window.findChildren(QAction)
    keyed = {k.toString() for a in actions for k in a.shortcuts() if not k.isEmpty()}
    listed = {k for keys in rows.values() for k in keys.split(", ") if k}
    assert keyed <= listed  # every key any of the window's actions has
    bound = {s.key().toString() for s in live.window.findChildren(QShortcut)}
    assert bound  # the timeline's keys
    assert bound <= listed  # every key the picture's widgets bind
    assert rows[("In the picture: animation", "Next frame")] == "Right, ."
    assert rows[("In the picture: camera mode", "Orbit left / right by 5 degrees")]
    assert rows[("In the picture: compare (flip)", "Hold to show the other entry")] == "Space"
    qtbot.keyClicks(dialog.filter, "export")
    shown = dialog.visible_rows()
    assert ("Export PNG...", "Ctrl+E") in [(s.title, s.keys) for s in shown]
    assert all("export" in f"{s.title} {s.menu}".lower() for s in shown)
    assert len(shown) < len(rows)
    dialog.filter.setText("ctrl+e")
    assert [s.title for s in dialog.visible_rows()] == ["Export PNG..."]


def test_an_example_is_copied_with_its_data_file_and_opened(qtbot, make_live, tmp_path):
    live = make_live()
    modals = Modals(choose_folder(tmp_path))
    with qtbot.waitSignal(live.document.opened, timeout=WAIT_MS):
        _example(live, "mesh").trigger()
    modals.stop()
    assert [m["kind"] for m in modals.seen] == ["file"]  # nothing to replace: no question
    for name in ("mesh.py", "gem.obj"):
        assert (tmp_path / name).read_bytes() == (ROOT / "scenes" / name).read_bytes()
    assert live.document.path == str(tmp_path / "mesh.py")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gem.obj", "mesh.py"]


def test_an_example_replaces_nothing_unless_the_user_agrees(qtbot, make_live, scene, tmp_path):
    live = make_live(scene)
    mine = tmp_path / "showcase_materials.py"
    mine.write_text("# my own materials: hours of work\n")
    modals = Modals(choose_folder(tmp_path), press(NO))
    _example(live, "showcase").trigger()
    modals.stop()
    assert [m["kind"] for m in modals.seen] == ["file", "message"]
    assert "showcase_materials.py" in modals.seen[1]["text"]
    assert mine.read_text() == "# my own materials: hours of work\n"
    assert not (tmp_path / "showcase.py").exists()  # all or nothing
    assert live.document.path == str(scene)  # the open scene stays
    modals = Modals(choose_folder(tmp_path), press(YES))
    with qtbot.waitSignal(live.document.opened, timeout=WAIT_MS):
        _example(live, "showcase").trigger()
    modals.stop()
    assert mine.read_bytes() == (ROOT / "scenes" / "showcase_materials.py").read_bytes()
    assert live.document.path == str(tmp_path / "showcase.py")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file


def _example(live, name: str) -> QAction:
    menu = live.window.findChild(QWidget, "examplesMenu")
    (action,) = [a for a in menu.actions() if a.text() == name]
    return action


def test_about_tells_the_version_the_platform_and_the_license(make_live):
    live = make_live()
    live.window.action("help.about").trigger()
    box = live.window.findChild(QMessageBox, "aboutBox")
    assert box.isVisible()
    text = box.text()
    assert f"Puray Live {__version__}" in text
    assert f"Python {platform.python_version()}" in text
    assert f"numpy {numpy.__version__}" in text
    assert "License: MIT" in text
    box.close()


def test_the_license_shown_without_an_install_is_pyproject_s():
    assert f'license = "{qt_help.LICENSE}"' in (ROOT / "pyproject.toml").read_text()


@pytest.fixture
def no_site(monkeypatch, tmp_path) -> Path:
    """No built documentation site anywhere (the cache is an empty temporary folder)."""
    monkeypatch.setattr(reference, "SITE_FOLDERS", ())
    monkeypatch.setattr(qt_help, "cache_site", lambda: tmp_path / "cache" / "site")
    return tmp_path / "cache" / "site"


def test_scene_api_without_a_site_shows_the_docstrings_in_the_window(
    qtbot, make_live, no_site, monkeypatch
):
    opened: list[QUrl] = []
    monkeypatch.setattr(qt_help, "open_url", lambda url: opened.append(url) or True)
    live = make_live()
    live.window.action("help.scene_api").trigger()
    assert opened == []
    dialog = _dialog(live, QtReferenceDialog)
    dialog.show_name("Sphere")
    page = dialog.page.toPlainText()
    assert "Sphere(center: Vector, radius: float, material: Material | None = None)" in page
    assert tracer.Sphere.__doc__.split("\n")[0].replace("``", "") in page
    assert len(dialog.visible_names()) == len(tracer.__all__)
    qtbot.keyClicks(dialog.filter, "radius")
    assert {"Sphere", "Cylinder", "Cone", "Disc", "Light"} <= set(dialog.visible_names())
    assert "Color" not in dialog.visible_names()
    dialog.filter.setText("no such word anywhere")
    assert dialog.visible_names() == []
    assert "No name or docstring contains" in dialog.page.toPlainText()


def test_scene_api_opens_a_built_site_in_the_browser(qtbot, make_live, no_site, monkeypatch):
    no_site.mkdir(parents=True)
    (no_site / reference.SITE_PAGE).write_text("<html>the reference</html>")
    opened: list[QUrl] = []
    monkeypatch.setattr(qt_help, "open_url", lambda url: opened.append(url) or True)
    live = make_live()
    live.window.action("help.scene_api").trigger()
    assert opened == [QUrl.fromLocalFile(str(no_site / reference.SITE_PAGE))]
    assert live.window.findChildren(QtReferenceDialog) == []
    live.window.action("help.scene_api_window").trigger()  # Shift+F1: in the window anyway
    assert _dialog(live, QtReferenceDialog).visible_names() == tracer.__all__
    assert len(opened) == 1
