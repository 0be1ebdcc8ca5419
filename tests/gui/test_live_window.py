"""The window as a user sees it: the default scene, live reload on every save style, storms."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QAction

from puray_gui.resources import default_scene

from .conftest import WAIT_MS, reference, twoballs
from .saves import SAVE_STYLES

SETTLE_MS = 400


def test_opens_the_default_scene_and_a_full_frame_arrives(qtbot, make_live):
    live = make_live()
    painted = []
    live.preview.viewport.painted.connect(lambda: painted.append(live.session.frame.complete))
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.open()
    assert "twoballs.py" in live.window.windowTitle()
    frame = live.session.frame
    assert frame.size == (960, 540)
    assert frame.complete
    np.testing.assert_array_equal(frame.pixels, reference(default_scene()))
    qtbot.waitUntil(lambda: any(painted), timeout=WAIT_MS)  # the full frame reached the screen


def test_reopens_the_last_scene(qtbot, make_live, scene, prefs):
    make_live(scene)
    live = make_live()
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.open()
    assert live.document.path == str(scene)
    assert prefs.recent_scenes()[0] == str(scene)


@pytest.mark.parametrize("style", SAVE_STYLES)
def test_each_save_style_renders_the_new_pixels_once(qtbot, make_live, scene, style):
    live = make_live(scene)
    before = live.session.frame.pixels.copy()
    renders = []
    live.session.render_started.connect(renders.append)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        SAVE_STYLES[style](scene, twoballs(blue="#00FF00"))
    after = live.session.frame.pixels
    assert not np.array_equal(before, after)
    np.testing.assert_array_equal(after, reference(scene))
    qtbot.wait(SETTLE_MS)
    assert len(renders) == 1


def test_storm_of_50_saves_ends_with_the_final_image(qtbot, make_live, scene):
    live = make_live(scene)
    finished = []
    live.session.render_finished.connect(finished.append)
    colours = [f"#{i * 5:02X}{255 - i * 5:02X}80" for i in range(50)]
    for i, colour in enumerate(colours):
        SAVE_STYLES["temp_then_rename" if i % 2 else "in_place"](scene, twoballs(blue=colour))
        qtbot.wait(20)
    final = reference(scene)
    qtbot.waitUntil(
        lambda: (
            live.session.frame.complete
            and not live.session.running
            and np.array_equal(live.session.frame.pixels, final)
        ),
        timeout=WAIT_MS,
    )
    assert live.window.isVisible()
    assert live.session.error is None


def test_new_render_never_blanks_the_screen(qtbot, make_live, scene):
    live = make_live(scene)
    dark = []

    def check():
        if live.session.frame.blank or not live.session.frame.pixels.any():
            dark.append(True)

    live.preview.viewport.painted.connect(check)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        SAVE_STYLES["in_place"](scene, twoballs(width=200, height=100, blue="#FFFF00"))
    assert live.session.frame.size == (200, 100)
    assert dark == []


def test_rerender_by_hand(qtbot, make_live, scene):
    live = make_live(scene)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.session.rerender()
    np.testing.assert_array_equal(live.session.frame.pixels, reference(scene))


def test_f5_reads_the_file_again_where_the_filesystem_sends_no_events(qtbot, make_live, scene):
    live = make_live(scene)
    live.document._watcher.stop()  # a network share: saves send no events
    scene.write_text(twoballs(blue="#FF00FF"))
    qtbot.wait(300)
    assert not live.session.running  # nothing noticed the save
    action = next(a for a in live.window.findChildren(QAction) if a.text() == "&Re-render")
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        action.trigger()
    np.testing.assert_array_equal(live.session.frame.pixels, reference(scene))


DATA_SCENE = """\
from tracer import Color, Light, Material, Point, Sphere, Vector
from tracer.datafiles import read_scene_file

_path, data = read_scene_file("ball.txt", "colour file")
r, g, b = map(float, data.split())
WIDTH, HEIGHT = 64, 36
CAMERA = Vector(0, 0, -1)
OBJECTS = [Sphere(Point(0, 0, 2), 1.5, Material(Color(r, g, b), specular=0, reflection=0))]
LIGHTS = [Light(Point(0, 0, -10))]
"""


def test_a_save_of_a_data_file_the_scene_reads_re_renders(qtbot, make_live, tmp_path):
    (tmp_path / "ball.txt").write_text("1 0 0")
    path = tmp_path / "data_scene.py"
    path.write_text(DATA_SCENE)
    live = make_live(path)
    centre = live.session.frame.pixels[18, 32]
    assert centre[0] > 200
    assert centre[2] < 50
    qtbot.waitUntil(lambda: live.document.data_files == (str(tmp_path / "ball.txt"),))
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        (tmp_path / "ball.txt").write_text("0 0 1")  # only the data file changes
    centre = live.session.frame.pixels[18, 32]
    assert centre[2] > 200
    assert centre[0] < 50
