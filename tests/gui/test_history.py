"""The filmstrip in the window: every finished preview, viewing one, comparing two."""

from __future__ import annotations

import json

import numpy as np
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from puray_gui.options import RenderOptions

from .conftest import WAIT_MS, reference, twoballs


def save_and_render(qtbot, live, path, text) -> None:
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        path.write_text(text)
    in_strip(qtbot, live)


def in_strip(qtbot, live) -> None:
    """Wait until the filmstrip shows every kept entry (it follows the finished frame's paint)."""
    flow = live.history_flow
    qtbot.waitUntil(lambda: flow.panel.strip.count() == len(flow.history), timeout=WAIT_MS)


def two_versions(qtbot, make_live, scene):
    """Open twoballs (blue ball), then save it with a red ball: two entries."""
    live = make_live(scene)
    save_and_render(qtbot, live, scene, twoballs(blue="#FF0000"))
    return live


def shown_colour(live, x: int, y: int) -> tuple[int, int, int]:
    """Return the colour the viewport shows at frame pixel (x, y), as a user sees it."""
    viewport = live.preview.viewport
    rect = viewport.image_rect()
    width, height = live.session.display_size
    at = QPoint(
        int(rect.left() + (x + 0.5) * rect.width() / width),
        int(rect.top() + (y + 0.5) * rect.height() / height),
    )
    color = viewport.grab().toImage().pixelColor(at * viewport.devicePixelRatioF())
    return color.red(), color.green(), color.blue()


def test_every_finished_preview_is_kept_with_what_changed(qtbot, make_live, scene):
    live = two_versions(qtbot, make_live, scene)
    flow, panel = live.history_flow, live.history_flow.panel
    assert len(flow.history) == 2
    assert panel.strip.count() == 2
    first, second = flow.history.entries
    assert first.summary == "first render"
    line = (
        scene.read_text()
        .splitlines()
        .index(next(t for t in scene.read_text().splitlines() if "#FF0000" in t))
    )
    assert second.summary == f"line {line + 1}: #0000FF -> #FF0000 (re-shaded)"
    assert second.clock in panel.strip.item(1).text()
    assert second.summary in panel.strip.item(1).text()
    np.testing.assert_array_equal(second.pixels, reference(scene))


def test_selecting_an_entry_shows_its_pixels_until_back_to_live(qtbot, make_live, scene):
    live = two_versions(qtbot, make_live, scene)
    first, second = live.history_flow.history.entries
    ys, xs = np.nonzero((first.pixels != second.pixels).any(axis=2))
    y, x = ys[len(ys) // 2], xs[len(xs) // 2]  # a pixel of the ball that changed colour
    live.history_flow.panel.select(0)
    shown = shown_colour(live, x, y)
    assert np.abs(np.array(shown) - first.pixels[y, x]).max() <= 12
    assert live.preview.viewport.showing_picture
    assert live.history_flow.viewing is first
    live.history_flow.panel.live_button.click()
    assert np.abs(np.array(shown_colour(live, x, y)) - second.pixels[y, x]).max() <= 12
    assert not live.preview.viewport.showing_picture


def test_comparing_two_entries_counts_changed_pixels_and_shows_the_diff(qtbot, make_live, scene):
    live = two_versions(qtbot, make_live, scene)
    flow = live.history_flow
    first, second = flow.history.entries
    flow.panel.compare_button.click()
    assert flow.compare_view.isVisible()
    assert not live.preview.viewport.isVisible()
    changed = int(np.count_nonzero((first.pixels != second.pixels).any(axis=2)))
    assert flow.compare_view.canvas.diff.changed == changed
    assert f"{changed} of {160 * 90} pixels changed" in flow.compare_view.stats.text()
    diff = flow.compare_view.diff_view.toPlainText()
    assert '-Sphere(Point(0.75, -0.1, 1), 0.6, Material(Color.from_hex("#0000FF"))),' in (
        diff.replace("    ", "")
    )
    assert '"#FF0000"' in diff
    flow.compare_view.live_button.click()
    assert live.preview.viewport.isVisible()
    assert not flow.compare_view.isVisible()


def test_flip_and_swipe(qtbot, make_live, scene):
    live = two_versions(qtbot, make_live, scene)
    flow = live.history_flow
    flow.panel.compare_button.click()
    canvas = flow.compare_view.canvas
    qtbot.waitExposed(canvas)
    rect = canvas.picture_rect()
    y = int(rect.center().y())
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(int(rect.left() + 10), y))
    QTest.mouseMove(canvas, QPoint(int(rect.left() + rect.width() * 0.25), y))
    QTest.mouseRelease(
        canvas, Qt.MouseButton.LeftButton, pos=QPoint(int(rect.left() + rect.width() * 0.25), y)
    )
    assert abs(canvas.swipe - 0.25) < 0.02
    flow.compare_view.mode_buttons["flip"].click()
    first, second = flow.history.entries
    ys, xs = np.nonzero((first.pixels != second.pixels).any(axis=2))
    py, px = ys[len(ys) // 2], xs[len(xs) // 2]
    at = QPoint(
        int(rect.left() + (px + 0.5) * rect.width() / 160),
        int(rect.top() + (py + 0.5) * rect.height() / 90),
    )

    def seen():
        c = canvas.grab().toImage().pixelColor(at * canvas.devicePixelRatioF())
        return np.array([c.red(), c.green(), c.blue()])

    assert np.abs(seen() - first.pixels[py, px]).max() <= 12
    QTest.keyPress(canvas, Qt.Key.Key_Space)
    assert canvas.flipped
    assert np.abs(seen() - second.pixels[py, px]).max() <= 12
    QTest.keyRelease(canvas, Qt.Key.Key_Space)
    assert np.abs(seen() - first.pixels[py, px]).max() <= 12


def test_renders_of_different_sizes_say_so(qtbot, make_live, scene):
    live = make_live(scene)
    save_and_render(qtbot, live, scene, twoballs(width=120, height=60))
    flow = live.history_flow
    flow.panel.compare_button.click()
    assert flow.compare_view.canvas.diff is None
    text = flow.compare_view.stats.text()
    assert "different sizes (160x90 and 120x60)" in text
    assert "cannot be compared pixel by pixel" in text


def test_copy_source_of_an_old_version(qtbot, make_live, scene):
    old = scene.read_text()
    live = two_versions(qtbot, make_live, scene)
    live.history_flow.panel.select(0)
    live.history_flow.panel.copy_button.click()
    assert QGuiApplication.clipboard().text() == old
    assert "Copied the scene source of #1" in live.preview.status.currentMessage()


def test_history_keeps_at_most_50_entries_in_the_strip(qtbot, make_live, scene):
    live = make_live(scene)
    flow = live.history_flow
    for i in range(53):
        live.session.frame.pixels[0, 0] = i + 1  # another picture each time
        live.session.render_finished.emit(0.1)  # a finished render, as the session says it
    assert len(flow.history) == 50
    in_strip(qtbot, live)
    assert live.history_flow.panel.strip.count() == 50
    assert live.history_flow.panel.entry(0).number == flow.history[0].number == 5


def test_one_entry_per_distinct_render(qtbot, make_live, scene):
    live = make_live(scene)
    history, strip = live.history_flow.history, live.history_flow.panel.strip

    def finish(action) -> None:
        with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
            action()

    finish(lambda: live.window.action("render.rerender").trigger())  # F5: the same again
    live.session.rerender()
    live.session.stop()  # a stop...
    finish(live.session.rerender)  # ...and a restart
    with qtbot.waitSignal(live.session.render_failed, timeout=WAIT_MS):
        scene.write_text(twoballs() + "\n(")  # an edit that fails to load...
    finish(lambda: scene.write_text(twoballs()))  # ...undone: the first version again
    options = live.session.options
    finish(lambda: live.keeper.apply(options.with_(workers=1)))  # other workers, same picture
    assert [e.summary for e in history.entries] == ["first render"]
    in_strip(qtbot, live)
    assert strip.count() == 1
    finish(lambda: scene.write_text(twoballs(blue="#FF0000")))  # a new version: a new entry
    finish(lambda: live.keeper.apply(options.with_(max_depth=1)))  # new settings: one more
    assert [e.number for e in history.entries] == [1, 2, 3]
    in_strip(qtbot, live)
    assert strip.count() == 3


def test_export_while_viewing_an_entry_writes_that_entry(qtbot, make_live, scene, tmp_path):
    live = make_live(scene, RenderOptions(preview_scale=50, max_depth=3))
    old_source = live.session.source
    save_and_render(qtbot, live, scene, twoballs(blue="#FF0000"))
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.keeper.apply(live.session.options.with_(max_depth=2))
    first, second, _ = live.history_flow.history.entries
    assert not np.array_equal(first.pixels, second.pixels)
    in_strip(qtbot, live)
    live.history_flow.panel.select(0)  # the blue ball on show again, the red one live
    out = tmp_path / "shown.png"
    with qtbot.waitSignal(live.exporter.finished, timeout=WAIT_MS):
        live.export_flow.start(str(out))
    live.exporter.wait()
    with Image.open(out) as image:
        pixels, text = np.asarray(image.convert("RGB")), dict(image.text)
    np.testing.assert_array_equal(pixels, first.pixels)  # what is shown, as it is shown
    assert text["Scene SHA-256"] == old_source.digest  # the version it shows, not the file now
    settings = json.loads(text["Settings"])
    assert (settings["width"], settings["height"]) == first.size == (80, 45)
    assert settings["max_depth"] == 3  # the entry's settings, not today's depth 2
    live.history_flow.back_to_live()
    live_out = tmp_path / "live.png"
    with qtbot.waitSignal(live.exporter.finished, timeout=WAIT_MS):
        live.export_flow.start(str(live_out))
    live.exporter.wait()
    with Image.open(live_out) as image:
        assert image.size == (160, 90)  # back to live: the full-size render of the file now
        assert image.text["Scene SHA-256"] == live.session.source.digest
