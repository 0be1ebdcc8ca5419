"""The window and the user's files: Write to Scene keeps the lens and can be undone (Ctrl+Z),
read-only targets need a Yes, New Scene never writes in place, exports refuse bad frames."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from puray_gui.new_scene import create_scene
from puray_gui.options import RenderOptions
from puray_gui.resources import TEMPLATE
from puray_gui.resources import resource as bundled

from .animated import animated
from .conftest import ROOT, WAIT_MS
from .modals import Modals, press
from .test_camera_mode import drag, enter_camera_mode

YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
DEPTH_OF_FIELD = (ROOT / "scenes" / "depth_of_field.py").read_text()


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def small_depth_of_field(tmp_path: Path) -> Path:
    path = tmp_path / "dof.py"
    path.write_text(
        DEPTH_OF_FIELD.replace("WIDTH = 1280", "WIDTH = 96").replace("HEIGHT = 720", "HEIGHT = 54")
    )
    return path


def test_write_to_scene_keeps_the_lens_and_ctrl_z_undoes_it(qtbot, make_live, tmp_path):
    path = small_depth_of_field(tmp_path)
    original = path.read_bytes()
    live = make_live(path, RenderOptions(samples=2))
    undo = live.window.action("edit.undo_write")
    assert not undo.isEnabled()  # nothing to undo yet
    assert [k.toString() for k in undo.shortcuts()] == ["Ctrl+Z"]
    enter_camera_mode(live)
    drag(qtbot, live, 40, -10)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.camera_panel.write_button.click()
    written = path.read_text()
    assert "aperture=0.12," in written
    assert "focus_distance=None," in written
    assert "# the plane through look_at: the third ball" in written
    assert undo.isEnabled()
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):  # Edit > Undo
        QTest.keyClick(live.window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert path.read_bytes() == original  # byte for byte
    assert live.preview.status.currentMessage() == (
        "Undid Write to Scene: dof.py has its previous bytes back"
    )
    assert not undo.isEnabled()
    assert hidden(tmp_path) == []


def test_undo_is_disabled_once_the_scene_changed(qtbot, make_live, tmp_path):
    path = small_depth_of_field(tmp_path)
    live = make_live(path)
    enter_camera_mode(live)
    drag(qtbot, live, 30)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.camera_panel.write_button.click()
    undo = live.window.action("edit.undo_write")
    assert undo.isEnabled()
    edited = path.read_text().replace("R = 0.4", "R = 0.35")
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        path.write_text(edited)  # the user edits the scene afterwards
    qtbot.waitUntil(lambda: not undo.isEnabled(), timeout=WAIT_MS)
    undo.trigger()  # a stale shortcut press does nothing to the file
    assert path.read_text() == edited


def test_write_to_scene_refuses_a_read_only_scene(qtbot, make_live, tmp_path):
    path = small_depth_of_field(tmp_path)
    path.chmod(0o444)
    before = path.read_bytes()
    live = make_live(path)
    enter_camera_mode(live)
    drag(qtbot, live, 30)
    ok, message = live.camera_mode.write_to_scene()
    assert not ok
    assert message == (
        "The camera was not written; the scene is unchanged.\n\n"
        f"{path} is read-only: make it writable first"
    )
    assert path.read_bytes() == before
    assert not live.window.action("edit.undo_write").isEnabled()


@pytest.mark.parametrize("answer", [NO, YES], ids=["no", "yes"])
def test_exporting_over_a_read_only_file_asks_first(qtbot, make_live, scene, tmp_path, answer):
    live = make_live(scene)
    out = tmp_path / "keep.png"
    out.write_bytes(b"protected")
    out.chmod(0o444)
    modals = Modals(press(answer))
    if answer == YES:
        with qtbot.waitSignal(live.exporter.finished, timeout=WAIT_MS):
            live.export_flow.start(str(out))
        live.exporter.wait()
    else:
        live.export_flow.start(str(out))
    modals.stop()
    assert "keep.png already exists" in modals.seen[0]["text"]
    assert "is read-only" in modals.seen[0]["text"]
    if answer == YES:
        assert out.read_bytes().startswith(b"\x89PNG")
        assert stat.S_IMODE(out.stat().st_mode) == 0o444
    else:
        assert out.read_bytes() == b"protected"
        assert not live.exporter.busy
    assert hidden(tmp_path) == []


def test_new_scene_never_replaces_a_file_unasked_and_never_in_place(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text("# hours of work\n")
    with pytest.raises(FileExistsError):
        create_scene(str(path))
    assert path.read_text() == "# hours of work\n"
    os.link(path, tmp_path / "twin.py")
    create_scene(str(path), replace=True)  # agreed: the link is kept
    assert (tmp_path / "twin.py").read_bytes() == bundled(TEMPLATE).read_bytes()


def test_a_new_scene_that_cannot_be_written_leaves_the_old_file_whole(tmp_path):
    """A file-size limit makes the write fail part way, as a full disk: in place would lose it."""
    path = tmp_path / "mine.py"
    path.write_text("# hours of work\n")
    size = len(bundled(TEMPLATE).read_bytes())
    script = textwrap.dedent(
        f"""
        import resource, signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({size // 2}, {size // 2}))
        from puray_gui.new_scene import create_scene
        try:
            create_scene({str(path)!r}, replace=True)
        except OSError as exc:
            print(exc)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.stdout.startswith(f"cannot write {path}: File too large"), done.stderr
    assert path.read_text() == "# hours of work\n"
    assert hidden(tmp_path) == []


@pytest.mark.parametrize("name", ["moving.gif", "moving.mp4"])
def test_an_export_with_frames_of_another_size_fails_and_leaves_nothing(
    qtbot, make_live, tmp_path, name
):
    if name.endswith(".mp4"):
        pytest.importorskip("av")
    folder = tmp_path / "anim"
    folder.mkdir()
    path = folder / "moving.py"
    path.write_text(animated().replace("WIDTH, HEIGHT = 64,", "WIDTH, HEIGHT = 64 + 2 * FRAME,"))
    assert "2 * FRAME" in path.read_text()
    live = make_live(path, RenderOptions(preview_scale=50))
    exporter = live.animation_exporter
    with qtbot.waitSignal(exporter.failed, timeout=WAIT_MS) as failed:
        live.animation_flow.start(str(folder / name))
    exporter.wait()
    assert "frame 1 is 66x36 but frame 0 was 64x36" in failed.args[0]
    assert not exporter.busy  # no hang: the next export may start
    assert sorted(p.name for p in folder.iterdir()) == ["moving.py"]


#: Runs the real window (qt_app.run, its signal handlers included) and starts an animation
#: export to argv[2] as soon as the scene's frames are known.
DRIVER = """
import sys
from puray_gui.qt import qt_app

opened = qt_app.LiveApp.open

def open_and_export(self, path=None):
    opened(self, path)
    def start(frames, fps):
        if frames > 1 and not self.animation_exporter.busy:
            self.animation_flow.start(sys.argv[2])
    self.timeline.changed.connect(start)

qt_app.LiveApp.open = open_and_export
sys.exit(qt_app.run(sys.argv[1]))
"""


def _children(pid: int) -> list[int]:
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            if int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
@pytest.mark.parametrize("name", ["moving.mp4", "moving.gif"])
def test_sigterm_during_a_window_export_leaves_no_temporary_file(tmp_path, name):
    if name.endswith(".mp4"):
        pytest.importorskip("av")
    folder = tmp_path / "anim"
    folder.mkdir()
    marker = tmp_path / "frame3.started"
    slow = f"if FRAME >= 3:\n    open({str(marker)!r}, 'w').close()\n    time.sleep(120)\n"
    scene = folder / "moving.py"
    scene.write_text("import time\n" + animated(frames=8) + slow)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    env |= {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    cmd = [sys.executable, "-c", DRIVER, str(scene), str(folder / name)]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(marker.exists)
        if name.endswith(".mp4"):  # the MP4 is encoded as the frames come
            _wait_for(lambda: hidden(folder) != [])
        workers = _children(proc.pid)
        assert workers
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0  # quit cleanly
        err = proc.stderr.read()
    finally:
        proc.kill()
        proc.stderr.close()
    assert "Traceback" not in err
    assert sorted(p.name for p in folder.iterdir()) == ["moving.py"]  # no .moving.mp4.XXXX.tmp
    _wait_for(lambda: not [w for w in workers if Path(f"/proc/{w}").exists()], timeout=10)


def test_an_export_at_an_fps_no_writer_keeps_fails_at_once(qtbot, make_live, tmp_path):
    folder = tmp_path / "anim"
    folder.mkdir()
    path = folder / "moving.py"
    path.write_text(animated())
    live = make_live(path, RenderOptions(preview_scale=50))
    live.session.fps = 0.0001  # what a scene could once set (FPS is checked as it loads now)
    exporter = live.animation_exporter
    with qtbot.waitSignal(exporter.failed, timeout=WAIT_MS) as failed:
        live.animation_flow.start(str(folder / "moving.mp4"))
    assert failed.args == ["FPS must be from 0.1 to 1000 frames per second, got 0.0001"]
    assert not exporter.busy
    assert sorted(p.name for p in folder.iterdir()) == ["moving.py"]


def test_a_failed_png_export_names_the_file_not_a_temporary_one(qtbot, make_live, scene, tmp_path):
    live = make_live(scene)
    out = tmp_path / "gone" / "out.png"
    with qtbot.waitSignal(live.exporter.failed, timeout=WAIT_MS) as failed:
        live.export_flow.start(str(out))
    live.exporter.wait()
    assert failed.args == [f"{out}: the folder {out.parent} does not exist"]
