"""The timeline: shown for animated scenes only, scrubbing cached frames, play, saves."""

from __future__ import annotations

import json
import time

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt

from puray_gui.frame_cache import FrameCache
from puray_gui.options import RenderOptions

from .animated import animated, frame_of
from .conftest import WAIT_MS, twoballs
from .saves import SAVE_STYLES


def _submits(monkeypatch, service) -> list:
    """Record (frame, coarse, digest) of every job submitted to ``service`` from now on."""
    calls: list = []
    submit = service.submit

    def counting(source, settings, coarse=0, **options):
        calls.append((settings.frame, coarse, source.digest))
        return submit(source, settings, coarse, **options)

    monkeypatch.setattr(service, "submit", counting)
    return calls


def _all_cached(qtbot, live, count=6):
    timeline = live.timeline
    qtbot.waitUntil(lambda: len(timeline.cache.frames) == count, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not timeline.rendering_ahead, timeout=WAIT_MS)


def test_shows_for_an_animated_scene_and_hides_for_a_still(qtbot, make_live, tmp_path):
    moving, still = tmp_path / "moving.py", tmp_path / "still.py"
    moving.write_text(animated(frames=6))
    still.write_text(twoballs(64, 36))
    live = make_live(moving)
    bar = live.timeline_bar
    assert bar.isVisible()
    assert bar.label.text() == "frame 0 / 6"
    assert bar.slider.maximum() == 5
    assert live.window.action("file.export_animation").isEnabled()
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.open(str(still))
    assert not bar.isVisible()
    assert not live.window.action("file.export_animation").isEnabled()


def test_every_frame_is_rendered_ahead_and_equals_the_cli(qtbot, make_live, tmp_path):
    path = tmp_path / "moving.py"
    path.write_text(animated())
    live = make_live(path, RenderOptions(preview_scale=50))
    _all_cached(qtbot, live)
    preview = RenderOptions(preview_scale=50).preview_settings()
    for k in range(6):
        np.testing.assert_array_equal(live.timeline.cache.get(k), frame_of(path, k, preview))
    assert live.session.frame.size == (32, 18)


def test_scrubbing_to_a_cached_frame_shows_it_without_a_render(
    qtbot, make_live, tmp_path, service, monkeypatch
):
    path = tmp_path / "moving.py"
    path.write_text(animated())
    live = make_live(path)
    _all_cached(qtbot, live)
    calls = _submits(monkeypatch, service)
    bar = live.timeline_bar
    painted: list = []
    live.preview.viewport.painted.connect(lambda: painted.append(1))
    bar.slider.setValue(4)  # as a drag of the slider does
    assert bar.label.text() == "frame 4 / 6"
    np.testing.assert_array_equal(live.session.frame.pixels, frame_of(path, 4))
    qtbot.waitUntil(lambda: bool(painted), timeout=WAIT_MS)
    live.preview.viewport.setFocus()
    qtbot.keyClick(live.preview.viewport, Qt.Key.Key_Left)
    np.testing.assert_array_equal(live.session.frame.pixels, frame_of(path, 3))
    qtbot.keyClick(live.preview.viewport, Qt.Key.Key_End)
    assert bar.label.text() == "frame 5 / 6"
    np.testing.assert_array_equal(live.session.frame.pixels, frame_of(path, 5))
    qtbot.keyClick(live.preview.viewport, Qt.Key.Key_Right)  # the last frame: stays
    qtbot.keyClick(live.preview.viewport, Qt.Key.Key_Home)
    qtbot.keyClick(live.preview.viewport, Qt.Key.Key_Period)
    qtbot.keyClick(live.preview.viewport, Qt.Key.Key_Period)
    qtbot.keyClick(live.preview.viewport, Qt.Key.Key_Comma)
    assert bar.label.text() == "frame 1 / 6"
    assert bar.slider.value() == 1
    np.testing.assert_array_equal(live.session.frame.pixels, frame_of(path, 1))
    qtbot.wait(200)
    assert calls == []  # every frame came from the cache
    assert not live.session.running


def test_scrubbing_to_an_uncached_frame_renders_it_first(
    qtbot, make_live, tmp_path, service, monkeypatch
):
    path = tmp_path / "moving.py"
    path.write_text(animated(frames=40))
    live = make_live(path)
    timeline = live.timeline
    timeline.cache.max_bytes = 3 * 64 * 36 * 3  # room for three frames: no more run ahead
    qtbot.waitUntil(lambda: len(timeline.cache.frames) == 3, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not timeline.rendering_ahead, timeout=WAIT_MS)
    calls = _submits(monkeypatch, service)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        timeline.seek(20)
    assert calls[0][:2] == (20, 8)  # the preview job (with its coarse pass) comes first
    np.testing.assert_array_equal(live.session.frame.pixels, frame_of(path, 20))
    qtbot.waitUntil(lambda: sorted(timeline.cache.frames) == [20, 21, 22], timeout=WAIT_MS)
    assert [frame for frame, _c, _d in calls] == [20, 21, 22]


def test_play_advances_and_loops(qtbot, make_live, tmp_path):
    path = tmp_path / "moving.py"
    path.write_text(animated(fps=50))
    live = make_live(path)
    _all_cached(qtbot, live)
    timeline = live.timeline
    shown: list = []
    times: list = []
    live.session.frame_updated.connect(lambda: shown.append(timeline.current))
    live.session.frame_updated.connect(lambda: times.append(time.perf_counter()))
    qtbot.keyClick(live.preview.viewport, Qt.Key.Key_Space)
    assert timeline.playing
    qtbot.waitUntil(lambda: len(shown) >= 9, timeout=WAIT_MS)
    qtbot.keyClick(live.preview.viewport, Qt.Key.Key_Space)
    assert not timeline.playing
    assert shown[:9] == [1, 2, 3, 4, 5, 0, 1, 2, 3]
    assert times[8] - times[0] >= 8 / 50 - 0.01  # at FPS, not as fast as the cache allows
    number = timeline.current
    np.testing.assert_array_equal(live.session.frame.pixels, frame_of(path, number))


def test_a_save_while_playing_renders_the_play_head_first(
    qtbot, make_live, tmp_path, service, monkeypatch
):
    path = tmp_path / "moving.py"
    path.write_text(animated(fps=20))
    live = make_live(path)
    _all_cached(qtbot, live)
    timeline, session = live.timeline, live.session
    old_digest = session.source.digest
    calls = _submits(monkeypatch, service)
    heads: list = []
    session.render_started.connect(lambda job: heads.append(session.frame_number))
    timeline.play()
    qtbot.wait(150)
    SAVE_STYLES["temp_then_rename"](path, animated(fps=20, colour="#00FF00"))
    qtbot.waitUntil(lambda: session.source.digest != old_digest, timeout=WAIT_MS)
    shown: list = []
    timeline.frame_changed.connect(shown.append)
    assert all(k != old_digest for k in timeline.cache.version)  # the old frames are gone
    qtbot.waitUntil(lambda: len(timeline.cache.frames) == 6, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(set(shown)) > 2, timeout=WAIT_MS)  # playing goes on
    timeline.pause()
    new = [(frame, coarse) for frame, coarse, digest in calls if digest != old_digest]
    head = heads[0]
    assert new[0] == (head, 8)  # the frame under the play head, as the preview, first
    following = [frame for frame, _coarse in new[1:6]]
    assert following == [(head + k) % 6 for k in range(1, 6)]  # then the ones after it
    for k in range(6):
        np.testing.assert_array_equal(timeline.cache.get(k), frame_of(path, k))


def test_an_error_in_one_frame_names_it(qtbot, make_live, tmp_path):
    path = tmp_path / "moving.py"
    text = animated() + "if FRAME == 4:\n    raise ValueError('no frame four')\n"
    path.write_text(text)
    live = make_live(path)
    timeline = live.timeline
    qtbot.waitUntil(lambda: 4 in timeline._failed, timeout=WAIT_MS)
    with qtbot.waitSignal(live.session.render_failed, timeout=WAIT_MS) as blocker:
        timeline.seek(4)
    message = str(blocker.args[0])
    assert "frame 4 of 6" in message
    assert "moving.py:12" in message


def test_the_cache_is_bounded_and_keeps_the_frames_about_to_play():
    frame = np.zeros((10, 10, 3), np.uint8)
    cache = FrameCache(max_bytes=3 * frame.nbytes)
    cache.use(("a",))
    for k in (5, 6, 7):
        assert cache.put(k, frame.copy(), head=5, count=8)
    assert not cache.fits(0, frame.nbytes, head=5, count=8)  # 0 is farther ahead than 5, 6, 7
    assert not cache.put(0, frame.copy(), head=5, count=8)
    assert sorted(cache.frames) == [5, 6, 7]
    # The head moved on to 7: 6, just played, is now the farthest ahead (a loop away)
    assert cache.fits(0, frame.nbytes, head=7, count=8)
    assert cache.put(0, frame.copy(), head=7, count=8)
    assert sorted(cache.frames) == [0, 5, 7]
    assert list(cache.next_missing(7, 8)) == [1, 2, 3, 4, 6]
    assert cache.use(("b",))
    assert cache.frames == {}


def test_export_png_writes_the_frame_under_the_play_head(qtbot, make_live, tmp_path):
    path = tmp_path / "moving.py"
    path.write_text(animated())
    live = make_live(path, RenderOptions(preview_scale=50, refine=1))
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.timeline.seek(4)
    out = tmp_path / "four.png"
    with qtbot.waitSignal(live.exporter.finished, timeout=WAIT_MS):
        live.export_flow.start(str(out))
    live.exporter.wait()
    with Image.open(out) as image:
        np.testing.assert_array_equal(np.asarray(image.convert("RGB")), frame_of(path, 4))
        assert json.loads(image.text["Settings"])["frame"] == 4


def test_a_save_with_fewer_frames_than_the_play_head_shows_frame_0(qtbot, make_live, tmp_path):
    path = tmp_path / "moving.py"
    path.write_text(animated(frames=6))
    live = make_live(path)
    timeline = live.timeline
    _all_cached(qtbot, live)
    timeline.seek(5)
    with qtbot.waitSignal(timeline.changed, timeout=WAIT_MS):
        SAVE_STYLES["temp_then_rename"](path, animated(frames=3))
    qtbot.waitUntil(lambda: not live.session.running, timeout=WAIT_MS)
    assert (timeline.frames, timeline.current) == (3, 0)
    assert live.session.error is None
    assert live.timeline_bar.label.text() == "frame 0 / 3"
    np.testing.assert_array_equal(live.session.frame.pixels, frame_of(path, 0))


def test_in_camera_mode_the_arrow_keys_move_the_camera_not_the_timeline(qtbot, make_live, tmp_path):
    path = tmp_path / "moving.py"
    path.write_text(animated())
    live = make_live(path)
    viewport, timeline = live.preview.viewport, live.timeline
    viewport.setFocus()
    qtbot.keyClick(viewport, Qt.Key.Key_Right)  # outside camera mode: the timeline steps
    qtbot.waitUntil(lambda: timeline.current == 1, timeout=WAIT_MS)
    live.window.action("view.camera_mode").trigger()
    assert live.camera_mode.active
    views = []
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Left):
        qtbot.keyClick(viewport, key)
        qtbot.waitUntil(lambda: live.camera.view not in views, timeout=WAIT_MS)
        views.append(live.camera.view)
        assert timeline.current == 1  # the frame shown stays
        assert live.timeline_bar.label.text() == "frame 1 / 6"
    assert None not in views
    assert len(set(views)) == 3  # each key orbited the camera
    qtbot.keyClick(viewport, Qt.Key.Key_Period)  # not a camera key: it still steps
    assert timeline.current == 2
