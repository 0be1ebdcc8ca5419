"""File > Export Animation: every frame at full size, equal to `puray render --frame K`."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageSequence
from PySide6.QtWidgets import QMessageBox

from puray_gui.options import RenderOptions
from tracer.output import video
from tracer.output.video import MissingEncoder

from .animated import animated, frame_of
from .conftest import WAIT_MS
from .modals import Modals, press, type_file_name

YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


def _open(qtbot, make_live, tmp_path, text=None, options=None):
    folder = tmp_path / "anim"  # the scene and exports alone (the prefs live in tmp_path)
    folder.mkdir()
    path = folder / "moving.py"
    path.write_text(text or animated())
    return path, make_live(path, options or RenderOptions(preview_scale=50))


def _export(qtbot, live, out):
    exporter = live.animation_exporter
    with qtbot.waitSignal(exporter.finished, timeout=WAIT_MS) as blocker:
        live.animation_flow.start(str(out))
    exporter.wait()
    assert blocker.args == [str(out)]
    return out


def _cli(scene, out):
    """Write ``out`` with ``puray render`` (another process, as a user would)."""
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(scene), "-o", str(out), "-q"]
    subprocess.run([*cmd, "--processes", "1"], check=True, timeout=120)
    return out


def _frames(path) -> list[np.ndarray]:
    with Image.open(path) as image:
        return [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(image)]


@pytest.mark.parametrize("name", ["moving.png", "moving.apng", "moving.webp", "moving.gif"])
def test_every_frame_at_full_size_equals_the_cli_frame(qtbot, make_live, tmp_path, name):
    scene, live = _open(qtbot, make_live, tmp_path)
    assert live.session.frame.size == (32, 18)  # the preview is at 50 %: the export is not
    progress: list = []
    live.animation_exporter.progressed.connect(lambda d, k: progress.append((d, k)))
    out = _export(qtbot, live, scene.parent / name)
    frames = _frames(out)
    assert len(frames) == 6
    if name.endswith(".gif"):  # a palette of 256 colours: equal to the command line's GIF
        expected = _frames(_cli(scene, tmp_path / "cli.gif"))
    else:  # lossless: equal to `puray render --frame K`
        expected = [frame_of(scene, k) for k in range(6)]
    for pixels, wanted in zip(frames, expected, strict=True):
        np.testing.assert_array_equal(pixels, wanted)
    assert progress[-1][0] == 6
    assert live.animation_flow.message == f"Exported {out}"
    assert sorted(p.name for p in scene.parent.iterdir()) == sorted([name, "moving.py"])


def test_metadata_names_the_scene_and_the_frames(qtbot, make_live, tmp_path):
    scene, live = _open(qtbot, make_live, tmp_path)
    out = _export(qtbot, live, scene.parent / "moving.png")
    with Image.open(out) as image:
        assert image.text["Scene"] == str(scene)
        assert image.text["Frames"] == "0 to 5 of 6"
        settings = json.loads(image.text["Settings"])
        assert (settings["width"], settings["height"], settings["fps"]) == (64, 36, 12)
        assert image.info["duration"] == pytest.approx(1000 / 12, abs=1)


def test_mp4_has_every_frame_at_full_size(qtbot, make_live, tmp_path):
    av = pytest.importorskip("av")
    scene, live = _open(qtbot, make_live, tmp_path)
    out = _export(qtbot, live, scene.parent / "moving.mp4")
    with av.open(str(out)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == 6
    assert frames[0].shape == (36, 64, 3)


def test_without_pyav_mp4_is_refused_before_rendering(
    qtbot, make_live, tmp_path, monkeypatch, service
):
    scene, live = _open(qtbot, make_live, tmp_path)

    def missing():
        raise MissingEncoder("writing MP4 needs PyAV: pip install 'puray-live[video]'")

    monkeypatch.setattr(video, "_av", missing)
    live.timeline.pause()
    submitted: list = []
    monkeypatch.setattr(service, "submit", lambda *a, **k: submitted.append(a))
    live.animation_flow.start(str(scene.parent / "moving.mp4"))
    assert submitted == []
    assert not live.animation_exporter.busy
    box = live.animation_flow.box
    assert box is not None
    assert "PyAV" in box.text()
    assert not (scene.parent / "moving.mp4").exists()


def test_an_error_in_one_frame_names_it_and_writes_nothing(qtbot, make_live, tmp_path):
    text = animated() + "if FRAME == 3:\n    raise ValueError('no frame three')\n"
    scene, live = _open(qtbot, make_live, tmp_path, text)
    exporter = live.animation_exporter
    with qtbot.waitSignal(exporter.failed, timeout=WAIT_MS) as blocker:
        live.animation_flow.start(str(scene.parent / "moving.gif"))
    message = blocker.args[0]
    assert "frame 3 of 6" in message
    assert "moving.py:12" in message
    assert "no frame three" in message
    assert not exporter.busy
    assert sorted(p.name for p in scene.parent.iterdir()) == ["moving.py"]


def test_cancel_writes_nothing(qtbot, make_live, tmp_path):
    text = animated(frames=24, width=480, height=270)
    scene, live = _open(qtbot, make_live, tmp_path, text, RenderOptions(preview_scale=25))
    flow, exporter = live.animation_flow, live.animation_exporter
    progress: list = []
    exporter.progressed.connect(lambda d, k: progress.append(k))
    flow.start(str(scene.parent / "moving.gif"))
    assert flow.dialog is not None
    assert flow.dialog.labelText() == "Rendering moving.gif: frame 0 of 24"
    qtbot.waitUntil(lambda: bool(progress), timeout=WAIT_MS)
    flow._on_dialog_canceled()  # the dialog's Cancel button
    assert not exporter.busy
    qtbot.wait(500)
    assert "cancelled" in flow.message
    assert sorted(p.name for p in scene.parent.iterdir()) == ["moving.py"]


def test_replacing_a_file_is_asked_first(qtbot, make_live, tmp_path):
    scene, live = _open(qtbot, make_live, tmp_path)
    out = scene.parent / "moving.gif"
    out.write_bytes(b"my old animation")
    modals = Modals(type_file_name("moving.gif"), press(NO))
    live.window.action("file.export_animation").trigger()
    modals.stop()
    assert [m["kind"] for m in modals.seen] == ["file", "message"]
    assert "moving.gif already exists" in modals.seen[1]["text"]
    assert out.read_bytes() == b"my old animation"
    assert not live.animation_exporter.busy
    modals = Modals(type_file_name("moving.gif"), press(YES))
    exporter = live.animation_exporter
    with qtbot.waitSignal(exporter.finished, timeout=WAIT_MS):
        live.window.action("file.export_animation").trigger()
    modals.stop()
    exporter.wait()
    assert len(_frames(out)) == 6


def test_export_on_a_local_dask_cluster_equals_the_local_frames(qtbot, make_live, tmp_path):
    pytest.importorskip("distributed")
    scene, live = _open(qtbot, make_live, tmp_path)
    panel = live.cluster_panel
    panel.address.setText("local:2")
    panel.address.editingFinished.emit()
    notices: list = []
    live.animation_exporter.noticed.connect(notices.append)
    out = _export(qtbot, live, scene.parent / "cluster.png")
    assert notices == ["Rendering on the Dask cluster local:2"]
    frames = _frames(out)
    assert len(frames) == 6
    for k, pixels in enumerate(frames):
        np.testing.assert_array_equal(pixels, frame_of(scene, k))


def test_an_unreachable_scheduler_falls_back_to_the_local_workers(qtbot, make_live, tmp_path):
    scene, live = _open(qtbot, make_live, tmp_path)
    panel = live.cluster_panel
    panel.address.setText("tcp://127.0.0.1:9")
    panel.address.editingFinished.emit()
    out = _export(qtbot, live, scene.parent / "fallback.webp")
    assert "exporting with the local workers instead" in live.animation_flow.notice
    assert len(_frames(out)) == 6
