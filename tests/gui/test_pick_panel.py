"""Pick: Ctrl+click a pixel to see its path, open its lines; hover names the object."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QTreeWidgetItem

from puray_gui.options import RenderOptions
from puray_gui.qt.qt_outline import OUTLINE_RGBA
from tests.tracer.helpers import pink_in_blue
from tracer.cli.pick import rgb

from .conftest import WAIT_MS


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.fixture
def live(make_live, scene, qtbot):
    live = make_live(scene)
    live.window.resize(1000, 640)
    qtbot.waitUntil(lambda: live.preview.viewport.width() > 400, timeout=WAIT_MS)
    return live


def on_screen(viewport, x: int, y: int) -> QPoint:
    """Return the widget position of the centre of full-size pixel (x, y)."""
    rect, s = viewport.image_rect(), viewport.scale()
    pos = QPoint(int(rect.left() + (x + 0.5) * s), int(rect.top() + (y + 0.5) * s))
    assert viewport.pixel_at(QPointF(pos))[:2] == (x, y)
    return pos


def ctrl_click(qtbot, live, x: int, y: int):
    """Ctrl+click full-size pixel (x, y) and return the Pick the panel shows."""
    viewport = live.preview.viewport
    with qtbot.waitSignal(live.picker.pixel_picked, timeout=WAIT_MS) as picked:
        qtbot.mouseClick(
            viewport,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.ControlModifier,
            on_screen(viewport, x, y),
        )
    assert live.pick_dock.panel.pick is picked.args[0]
    return picked.args[0]


def head(panel, index: int) -> QTreeWidgetItem:
    """Return the panel's top-level item of bounce ``index`` (after the pixel's line)."""
    item = panel.topLevelItem(index + 1)
    assert item.text(0).startswith(f"[{index}] ")
    return item


def test_ctrl_click_on_the_pink_reflection_names_the_pink_balls_line(live, qtbot, scene):
    x, y = pink_in_blue(160, 90)
    pick = ctrl_click(qtbot, live, x, y)
    panel, dock = live.pick_dock.panel, live.pick_dock
    assert dock.isVisible()
    blue, pink = line_of(scene, "# Blue ball") + 1, line_of(scene, "# Pink ball") + 1
    assert head(panel, 0).text(0) == f"[0] camera ray: Sphere scene.py:{blue}"
    assert head(panel, 1).text(0) == f"[1] reflection (x 0.5 into [0]): Sphere scene.py:{pink}"
    assert (pick.bounces[1].object.line, pick.bounces[1].object.file) == (pink, str(scene))
    r, g, b = (int(v) for v in live.session.frame.pixels[y, x])
    assert panel.topLevelItem(0).text(0) == (
        f"Pixel ({x}, {y}): RGB {r}, {g}, {b}  #{r:02x}{g:02x}{b:02x}"
    )
    lines = panel.text.splitlines()
    assert f"  material Material scene.py:{pink}: ambient 0.05, diffuse 1, specular 1, " in (
        "\n".join(lines)
    )
    assert any(line.startswith("  + 0.5 x reflection [1] (") for line in lines)


def test_double_click_or_enter_on_an_entry_opens_the_editor_there(live, qtbot, scene, editor_calls):
    x, y = pink_in_blue(160, 90)
    ctrl_click(qtbot, live, x, y)
    panel = live.pick_dock.panel
    pink = line_of(scene, "# Pink ball") + 1
    item = head(panel, 1)
    panel.scrollToItem(item)
    rect = panel.visualItemRect(item)
    centre = QPoint(rect.left() + 40, rect.center().y())
    qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert editor_calls == []  # one click selects
    qtbot.mouseDClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert editor_calls == [(str(scene), pink)]
    light = next(
        item.child(i)
        for i in range(item.childCount())
        if item.child(i).text(0).startswith("light 1")
    )
    panel.setCurrentItem(light)
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_Return)
    assert editor_calls[-1] == (str(scene), line_of(scene, "Light(Point(-0.5"))
    plain = next(
        item.child(i) for i in range(item.childCount()) if item.child(i).text(0).startswith("point")
    )
    panel.setCurrentItem(plain)
    qtbot.keyClick(panel, Qt.Key.Key_Return)
    assert len(editor_calls) == 2  # a line without a place opens nothing


def test_hover_names_and_outlines_the_object_under_the_cursor(live, qtbot, scene):
    viewport, status = live.preview.viewport, live.preview.status
    x, y = pink_in_blue(160, 90)
    qtbot.mouseMove(viewport, on_screen(viewport, x, y))
    blue = line_of(scene, "# Blue ball") + 1
    qtbot.waitUntil(lambda: viewport.hovered == 1, timeout=WAIT_MS)
    assert f"x {x}, y {y}" in status.pixel_label.text()
    assert status.pixel_label.text().endswith(f"Sphere scene.py:{blue}  (OBJECTS[1])")
    shot = viewport.grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    pixels = np.frombuffer(shot.constBits(), np.uint8).reshape(shot.height(), -1, 4)
    outline = np.all(pixels[:, : shot.width()] == OUTLINE_RGBA, axis=2)
    xs = np.nonzero(outline)[1]
    assert len(xs) > 100  # drawn round the blue ball, on the right of the picture
    assert xs.mean() > viewport.image_rect().center().x()
    qtbot.mouseMove(viewport, on_screen(viewport, 2, 2))  # the sky: nothing
    qtbot.waitUntil(lambda: viewport.hovered is None, timeout=WAIT_MS)
    assert "OBJECTS" not in status.pixel_label.text()


def test_pick_mode_picks_with_a_plain_click_and_dragging_still_pans(live, qtbot):
    window, viewport = live.window, live.preview.viewport
    window.action("view.pick_mode").trigger()
    assert viewport.cursor().shape() == Qt.CursorShape.CrossCursor
    pos = on_screen(viewport, 40, 70)
    with qtbot.waitSignal(live.picker.pixel_picked, timeout=WAIT_MS) as picked:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    assert (picked.args[0].x, picked.args[0].y) == (40, 70)
    with qtbot.assertNotEmitted(live.picker.pick_started):
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=pos)
        qtbot.mouseMove(viewport, pos + QPoint(40, 0))
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=pos + QPoint(40, 0))
    assert viewport.pan.x() == pytest.approx(40)
    assert viewport.cursor().shape() == Qt.CursorShape.CrossCursor
    window.action("view.pick_mode").trigger()
    assert viewport.cursor().shape() != Qt.CursorShape.CrossCursor
    with qtbot.assertNotEmitted(live.picker.pick_started):
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)


def test_a_scaled_preview_is_picked_at_full_size(make_live, scene, qtbot):
    live = make_live(scene, RenderOptions(preview_scale=50))
    live.window.resize(1000, 640)
    qtbot.waitUntil(lambda: live.preview.viewport.width() > 400, timeout=WAIT_MS)
    assert live.session.frame.size == (80, 45)
    x, y = pink_in_blue(160, 90)
    pick = ctrl_click(qtbot, live, x, y)
    assert (pick.x, pick.y, pick.width, pick.height) == (x, y, 160, 90)
    assert pick.bounces[1].object.index == 2


def test_while_an_edit_fails_the_pick_explains_the_picture_on_show(live, qtbot, scene):
    x, y = pink_in_blue(160, 90)
    shown = tuple(int(v) for v in live.session.frame.pixels[y, x])
    broken = scene.read_text().replace('"#803980"', '"#803980"' + ")\n(")  # a syntax error
    with qtbot.waitSignal(live.session.render_failed, timeout=WAIT_MS):
        scene.write_text(broken)
    assert live.session.stale
    pick = ctrl_click(qtbot, live, x, y)
    assert pick.rgb == shown
    assert pick.bounces[1].object.line == line_of(scene, "# Pink ball") + 1


SKY_SCENE = """\
from tracer import *
WIDTH, HEIGHT = 64, 36
CAMERA = LookAtCamera(Point(0, 0, -3), look_at=Point(0, 0, 0), fov=50)
OBJECTS = [Sphere(Point(0, 0, 0), 0.8, Material(Color(0.8, 0.2, 0.1), reflection=0.5))]
LIGHTS = [Light(Point(-2, -4, -3))]
BACKGROUND = Sky(zenith=Color(0.1, 0.3, 0.7), horizon=Color(0.9, 0.8, 0.6))
"""


def sky_seen(direction) -> np.ndarray:
    """Return the Sky's colour along a unit direction, by its documented blend (y grows down)."""
    up = min(1.0, max(0.0, -direction[1]))
    zenith, horizon = np.array([0.1, 0.3, 0.7]), np.array([0.9, 0.8, 0.6])
    return horizon + (zenith - horizon) * up


def swatch_rgb(item: QTreeWidgetItem) -> tuple[int, int, int]:
    colour = item.icon(0).pixmap(12, 12).toImage().pixelColor(6, 6)
    return colour.red(), colour.green(), colour.blue()


def test_under_a_sky_the_panel_names_the_background_and_the_colour_it_adds(
    make_live, qtbot, tmp_path, editor_calls
):
    scene = tmp_path / "sky.py"
    scene.write_text(SKY_SCENE)
    live = make_live(scene)
    live.window.resize(1000, 640)
    qtbot.waitUntil(lambda: live.preview.viewport.width() > 400, timeout=WAIT_MS)
    panel, sky_line = live.pick_dock.panel, line_of(scene, "BACKGROUND")
    pick = ctrl_click(qtbot, live, 32, 12)  # the mirror ball's top: it reflects the sky
    hit, mirrored = pick.bounces
    seen = sky_seen(mirrored.direction)
    np.testing.assert_allclose(mirrored.color, seen, atol=1e-12)
    miss = head(panel, 1)
    assert "black" not in panel.text
    assert miss.text(0) == (
        f"[1] reflection (x 0.5 into [0]): hits nothing: sees the background "
        f"{rgb(seen, 4)} of BACKGROUND = Sky sky.py:{sky_line}"
    )
    assert swatch_rgb(miss) == tuple(round(255 * c) for c in seen)
    panel.setCurrentItem(miss)
    qtbot.keyClick(panel, Qt.Key.Key_Return)
    assert editor_calls == [(str(scene), sky_line)]  # the line that made the sky
    lines = [head(panel, 0).child(i).text(0) for i in range(head(panel, 0).childCount())]
    assert f"+ 0.5 x reflection [1] {rgb(seen, 4)}" in lines
    total = np.array(hit.local) + 0.5 * seen
    assert lines[-1] == f"= {rgb(total, 4)}"
    pixel = tuple(int(v) for v in live.session.frame.pixels[12, 32])
    assert pick.rgb == pixel == tuple(int(v) for v in np.clip(np.rint(255 * total), 0, 255))
    pick = ctrl_click(qtbot, live, 1, 1)  # the sky itself
    seen = sky_seen(pick.bounces[0].direction)
    assert head(panel, 0).text(0) == (
        f"[0] camera ray: hits nothing: sees the background {rgb(seen, 4)} "
        f"of BACKGROUND = Sky sky.py:{sky_line}"
    )
    assert pick.rgb == tuple(int(v) for v in live.session.frame.pixels[1, 1])
    assert pick.rgb == tuple(round(255 * c) for c in seen)
