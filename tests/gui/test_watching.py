"""Watching gaps: a folder renamed away and back, a symlinked scene, a permission change."""

from __future__ import annotations

import os

import numpy as np
import pytest

import puray_gui.document as document_module
from tracer.errors import SceneError
from tracer.scene.load import SceneSource

from .conftest import WAIT_MS, reference, twoballs
from .saves import SAVE_STYLES


def test_folder_renamed_away_and_back_renders_again_without_an_edit(qtbot, make_live, tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    scene = folder / "scene.py"
    scene.write_text(twoballs())
    live = make_live(scene)
    with qtbot.waitSignal(live.session.render_failed, timeout=WAIT_MS):
        folder.rename(tmp_path / "elsewhere")
    assert "Waiting for" in live.error_panel.text
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        (tmp_path / "elsewhere").rename(folder)  # back, untouched: no edit follows
    assert not live.error_panel.isVisible()
    assert not live.session.stale
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        SAVE_STYLES["in_place"](scene, twoballs(blue="#00FF00"))  # and it is watched again
    np.testing.assert_array_equal(live.session.frame.pixels, reference(scene))


@pytest.mark.parametrize("style", ["in_place", "temp_then_rename"])
def test_a_symlinked_scene_rerenders_on_edits_of_its_target(qtbot, make_live, tmp_path, style):
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    target = tmp_path / "real" / "scene.py"
    target.write_text(twoballs())
    link = tmp_path / "links" / "scene.py"
    link.symlink_to(target)
    live = make_live(link)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        SAVE_STYLES[style](target, twoballs(blue="#FF00FF"))
    np.testing.assert_array_equal(live.session.frame.pixels, reference(target))


class _PermissionsMatter(SceneSource):
    """Read like a normal user: a file without read permission cannot be read (tests run as
    root, who reads anything)."""

    @classmethod
    def from_path(cls, path, data_files=()):
        if not os.stat(path).st_mode & 0o444:
            raise SceneError("cannot read the file: Permission denied", os.fspath(path))
        return SceneSource.from_path(path, data_files)


def test_a_permission_change_is_noticed_without_f5(qtbot, make_live, scene, monkeypatch):
    monkeypatch.setattr(document_module, "SceneSource", _PermissionsMatter)
    live = make_live(scene)
    with qtbot.waitSignal(live.session.render_failed, timeout=WAIT_MS):
        os.chmod(scene, 0o000)
    assert "Permission denied" in live.error_panel.text
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        os.chmod(scene, 0o644)
    assert not live.session.stale
