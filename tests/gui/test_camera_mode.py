"""Camera mode: move the camera by hand, previews while moving, Reset, copy and write-back."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from puray_gui.session import FAST_SCALE
from tracer.camera.code import camera_line

from .conftest import WAIT_MS, reference, twoballs

LOOK_AT = (
    twoballs()
    .replace(
        "CAMERA = Vector(0, -0.35, -1)",
        "CAMERA = LookAtCamera(Point(0, -0.35, -1), Point(0, 0, 1), fov=60)",
    )
    .replace(
        "from vector import Vector", "from vector import Vector\nfrom tracer import LookAtCamera"
    )
)


def drag(qtbot, live, dx: int, dy: int = 0, modifier=Qt.KeyboardModifier.NoModifier) -> list:
    """Drag in the viewport in camera mode; return the settings of every render it started."""
    viewport, session = live.preview.viewport, live.session
    settings: list = []
    session.render_started.connect(lambda job: settings.append(session.settings))
    start = viewport.rect().center()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, start)
    for step in range(1, 6):
        QTest.mouseMove(viewport, start + QPoint(dx * step // 5, dy * step // 5))
        qtbot.wait(30)
    qtbot.waitUntil(lambda: not session.running, timeout=WAIT_MS)
    preview = session.frame.size
    with qtbot.waitSignal(session.render_finished, timeout=WAIT_MS):
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, start + QPoint(dx, dy))
    settings.append(preview)
    return settings


def enter_camera_mode(live) -> None:
    live.preview.viewport.setFocus()
    live.window.action("view.camera_mode").trigger()
    assert live.camera_mode.active
    assert live.camera_panel.mode_box.isChecked()


def test_a_drag_previews_at_low_resolution_then_renders_in_full(qtbot, make_live, scene):
    live = make_live(scene)
    original = live.session.frame.pixels.copy()
    enter_camera_mode(live)
    settings = drag(qtbot, live, 60, 10)
    *jobs, preview_size = settings
    fast, full = jobs[:-1], jobs[-1]
    assert fast
    assert all(s.scale == FAST_SCALE and s.samples == 1 and s.camera is not None for s in fast)
    assert all(s.reshade_cache_mb == 0 for s in fast)  # moving views: the workers keep nothing
    assert full.reshade_cache_mb > 0
    assert preview_size == (40, 22)  # 25 % of 160x90
    assert full.scale == 1
    assert full.camera == live.camera.view
    assert live.session.frame.size == (160, 90)
    assert np.count_nonzero((live.session.frame.pixels != original).any(axis=2)) > 1000
    # the quick previews are not history; the full render is
    assert [e.settings.camera for e in live.history_flow.history.entries] == [
        None,
        full.camera,
    ]
    assert "Interactive camera (override)" in live.camera_panel.state.text()


def test_pan_wheel_and_keys_move_the_camera(qtbot, make_live, scene):
    live = make_live(scene)
    enter_camera_mode(live)
    mode = live.camera_mode
    drag(qtbot, live, 40, 0, Qt.KeyboardModifier.ShiftModifier)
    panned = live.camera.view
    assert panned[1] != (0.0, 0.0, 0.0)  # the pivot moved with the camera
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        QTest.keyClick(live.preview.viewport, Qt.Key.Key_Plus)
    dollied = live.camera.view
    distance = [np.linalg.norm(np.subtract(v[0], v[1])) for v in (panned, dollied)]
    assert distance[1] < distance[0]
    qtbot.waitUntil(
        lambda: not mode._settle.isActive() and not live.session.running, timeout=WAIT_MS
    )
    assert not live.session.fast  # the pause after a key renders in full
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        QTest.keyClick(live.preview.viewport, Qt.Key.Key_Left)
    assert live.camera.view[0] != dollied[0]


def test_reset_gives_the_scene_picture_back_exactly(qtbot, make_live, scene):
    live = make_live(scene)
    enter_camera_mode(live)
    drag(qtbot, live, -50, 20)
    assert not np.array_equal(live.session.frame.pixels, reference(scene))
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.camera_panel.reset_button.click()
    assert live.camera.view is None
    assert live.session.settings.camera is None
    np.testing.assert_array_equal(live.session.frame.pixels, reference(scene))
    assert live.camera_panel.state.text().startswith("Scene's camera (PurayCamera)")
    assert not live.camera_panel.reset_button.isEnabled()


def test_copy_camera_as_code(qtbot, make_live, scene):
    live = make_live(scene)
    enter_camera_mode(live)
    drag(qtbot, live, 30)
    live.camera_panel.copy_button.click()
    code = QGuiApplication.clipboard().text()
    assert code == camera_line(live.camera.view)
    assert code.startswith("CAMERA = LookAtCamera(Point(")


def test_write_camera_to_scene_renders_the_same_picture(qtbot, make_live, scene):
    live = make_live(scene)
    before = scene.read_text()
    enter_camera_mode(live)
    drag(qtbot, live, 45, -15)
    override = live.session.frame.pixels.copy()
    view = live.camera.view
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):  # the save re-renders
        live.camera_panel.write_button.click()
    after = scene.read_text()
    expected = before.replace("CAMERA = Vector(0, -0.35, -1)", camera_line(view)).replace(
        "from vector import Vector\n",
        "from vector import Vector\nfrom tracer import LookAtCamera\n",
    )
    assert after == expected
    assert live.session.settings.camera is None  # the scene's own camera now
    np.testing.assert_array_equal(live.session.frame.pixels, override)
    np.testing.assert_array_equal(override, reference(scene))
    assert live.preview.status.currentMessage().startswith("Wrote the camera into scene.py: Point(")
    assert live.camera_panel.state.text().startswith("Scene's camera (LookAtCamera)")


def test_write_refuses_a_camera_it_cannot_replace(qtbot, make_live, tmp_path):
    path = tmp_path / "scene.py"
    text = twoballs().replace(
        "CAMERA = Vector(0, -0.35, -1)",
        "if True:\n    CAMERA = Vector(0, -0.35, -1)",
    )
    path.write_text(text)
    live = make_live(path)
    enter_camera_mode(live)
    drag(qtbot, live, 30)
    ok, message = live.camera_mode.write_to_scene()
    assert not ok
    assert "the scene is unchanged" in message
    assert "CAMERA on line 14 is assigned inside a block" in message
    assert path.read_text() == text
    assert live.camera.view is not None  # the override stays on show


def test_look_at_camera_scenes_orbit_too(qtbot, make_live, tmp_path):
    path = tmp_path / "scene.py"
    path.write_text(LOOK_AT)
    live = make_live(path)
    assert live.camera.scene == (
        "LookAtCamera",
        ((0.0, -0.35, -1.0), (0.0, 0.0, 1.0), 60.0),
    )
    original = live.session.frame.pixels.copy()
    enter_camera_mode(live)
    drag(qtbot, live, 0, 40)
    position, look_at, fov = live.camera.view
    assert look_at == (0.0, 0.0, 1.0)
    assert fov == 60.0
    assert position[1] < -0.35  # dragged down: the camera rose above the pivot (y is down)
    assert np.count_nonzero((live.session.frame.pixels != original).any(axis=2)) > 1000


def test_c_leaves_camera_mode_and_a_drag_pans_the_view_again(qtbot, make_live, scene):
    live = make_live(scene)
    enter_camera_mode(live)
    live.window.action("view.camera_mode").trigger()
    assert not live.camera_mode.active
    viewport = live.preview.viewport
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=viewport.rect().center())
    QTest.mouseMove(viewport, viewport.rect().center() + QPoint(30, 0))
    QTest.mouseRelease(
        viewport, Qt.MouseButton.LeftButton, pos=viewport.rect().center() + QPoint(30, 0)
    )
    assert live.camera.view is None
    assert not viewport.fit  # the ordinary drag panned the picture


def test_export_renders_what_the_interactive_camera_shows(qtbot, make_live, scene, tmp_path):
    from PIL import Image

    live = make_live(scene)
    enter_camera_mode(live)
    drag(qtbot, live, 40, 10)
    out = tmp_path / "moved.png"
    with qtbot.waitSignal(live.exporter.finished, timeout=WAIT_MS):
        live.export_flow.start(str(out))
    live.exporter.wait()
    image = Image.open(out)
    image.load()
    np.testing.assert_array_equal(np.asarray(image.convert("RGB")), live.session.frame.pixels)
    assert '"camera": [[' in image.info["Settings"]
