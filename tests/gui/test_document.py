"""The scene document: every editor save style gives exactly one new content; touches none."""

from __future__ import annotations

import os
import time

import pytest

from puray_gui.document import SceneDocument, SceneMissing

from .conftest import twoballs
from .saves import SAVE_STYLES

SETTLE_MS = 400  # longer than the debounce: any second reload would have happened


@pytest.fixture
def document(qtbot):
    doc = SceneDocument()
    yield doc
    doc.close()


def _open(qtbot, document, path):
    with qtbot.waitSignal(document.source_changed, timeout=5000):
        document.open(path)


@pytest.mark.parametrize("style", SAVE_STYLES)
def test_each_save_style_reloads_exactly_once(qtbot, document, scene, style):
    _open(qtbot, document, scene)
    seen = []
    document.source_changed.connect(seen.append)
    new_text = twoballs(blue="#00FF00")
    SAVE_STYLES[style](scene, new_text)
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=5000)
    qtbot.wait(SETTLE_MS)
    assert len(seen) == 1
    assert seen[0].text == new_text


def test_touch_and_unchanged_save_do_not_reload(qtbot, document, scene):
    _open(qtbot, document, scene)
    seen = []
    document.source_changed.connect(seen.append)
    os.utime(scene)
    scene.write_text(scene.read_text())
    qtbot.wait(SETTLE_MS)
    assert seen == []


def test_storm_of_saves_ends_with_the_final_content(qtbot, document, scene):
    _open(qtbot, document, scene)
    seen = []
    document.source_changed.connect(seen.append)
    for i in range(50):
        SAVE_STYLES["temp_then_rename" if i % 2 else "in_place"](scene, twoballs(extra=f"#{i}\n"))
        qtbot.wait(20)
    qtbot.waitUntil(lambda: bool(seen) and seen[-1].text.endswith("#49\n"), timeout=5000)
    qtbot.wait(SETTLE_MS)
    assert seen[-1].text.endswith("#49\n")
    assert len(seen) <= 3  # debounced: not one reload per save


def test_sibling_module_change_reloads(qtbot, document, tmp_path):
    (tmp_path / "palette.py").write_text('BLUE = "#0000FF"\n')
    scene = tmp_path / "scene.py"
    scene.write_text("from palette import BLUE\n" + twoballs().replace('"#0000FF"', "BLUE"))
    _open(qtbot, document, scene)
    assert str(tmp_path / "palette.py") in document.source.files
    with qtbot.waitSignal(document.source_changed, timeout=5000) as blocker:
        (tmp_path / "palette.py").write_text('BLUE = "#00FF00"\n')
    assert "#00FF00" in blocker.args[0].modules["palette"][1]


def test_deleted_scene_waits_and_recovers(qtbot, document, scene):
    _open(qtbot, document, scene)
    with qtbot.waitSignal(document.read_failed, timeout=5000) as blocker:
        scene.unlink()
    assert isinstance(blocker.args[0], SceneMissing)
    time.sleep(0.05)
    with qtbot.waitSignal(document.source_changed, timeout=5000):
        scene.write_text(twoballs(blue="#FF0000"))
