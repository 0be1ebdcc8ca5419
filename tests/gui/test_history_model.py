"""The render history and the difference maths, without widgets."""

from __future__ import annotations

import numpy as np
import pytest

from puray_gui.compare import SizeMismatch, difference
from puray_gui.history import LIMIT, RenderHistory, source_diff, summarize
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings

TEXT = "\n".join(f"X{i} = {i}" for i in range(1, 45)) + "\n"


def source(text: str = TEXT, modules: dict | None = None, path: str = "/s/scene.py"):
    return SceneSource(path, text, modules or {})


def picture(value: int = 0, width: int = 4, height: int = 3) -> np.ndarray:
    return np.full((height, width, 3), value, np.uint8)


def test_keeps_the_last_50_and_drops_older_ones():
    history = RenderHistory()
    for i in range(LIMIT + 7):
        history.add(picture(i), source(TEXT + f"# {i}\n"), RenderSettings())
    assert len(history) == LIMIT
    assert history[0].number == 8
    assert history[-1].number == LIMIT + 7
    assert int(history[0].pixels[0, 0, 0]) == 7


def test_big_pictures_are_dropped_by_memory_too():
    history = RenderHistory(max_bytes=3 * picture().nbytes)
    for i in range(5):
        history.add(picture(i), source(), RenderSettings())
    assert [e.number for e in history.entries] == [3, 4, 5]


def test_entries_keep_a_copy_of_the_pixels_and_their_settings():
    history = RenderHistory()
    pixels = picture(10)
    settings = RenderSettings(samples=2, camera=((0, 0, -1), (0, 0, 0), 60))
    entry = history.add(pixels, source(), settings)
    pixels[:] = 99  # the live frame goes on changing
    assert int(entry.pixels.max()) == 10
    assert entry.settings == settings
    assert not entry.pixels.flags.writeable


def test_a_new_scene_starts_a_new_history():
    history = RenderHistory()
    history.add(picture(), source(), RenderSettings())
    history.add(picture(), source(path="/s/other.py"), RenderSettings())
    assert [e.path for e in history.entries] == ["/s/other.py"]


def summary(old_text: str, new_text: str, **kwargs) -> str:
    history = RenderHistory()
    history.add(picture(), source(old_text, kwargs.get("old_modules")), RenderSettings())
    settings = kwargs.get("settings", RenderSettings())
    new = history.add(picture(1), source(new_text, kwargs.get("new_modules")), settings)
    assert new is not None  # other pixels: another render, whatever else changed
    return new.summary


def test_summary_names_the_one_changed_line_and_value():
    old = TEXT.replace("X27 = 27", "X27 = Material(reflection=0.6)")
    new = old.replace("reflection=0.6", "reflection=0.7")
    assert summary(old, new) == "line 27: 0.6 -> 0.7"
    assert summary(TEXT, TEXT.replace("X27 = 27", "X27 = 28")) == "line 27: 27 -> 28"


def test_summary_counts_several_changed_lines():
    new = TEXT.replace("X27 = 27", "X27 = 0").replace("X30 = 30", "X30 = 0")
    new = new.replace("X41 = 41", "X41 = 0")
    assert summary(TEXT, new) == "3 lines changed (27, 30, 41)"


def test_summary_of_added_and_removed_lines_modules_and_settings():
    assert summary(TEXT, TEXT + "Y = 1\n") == "line 45 added: Y = 1"
    assert summary(TEXT, TEXT.replace("X3 = 3\n", "")) == "line 3 removed: X3 = 3"
    old_mods = {"mats": ("/s/mats.py", "A = 1\n")}
    new_mods = {"mats": ("/s/mats.py", "A = 2\n")}
    assert summary(TEXT, TEXT, old_modules=old_mods, new_modules=new_mods) == "mats.py changed"
    assert summary(TEXT, TEXT, settings=RenderSettings(samples=2)) == "samples 1 -> 2"
    camera = RenderSettings(camera=((0, 0, -1), (0, 0, 0), 60))
    assert summary(TEXT, TEXT, settings=camera) == "camera moved"
    assert summary(TEXT, TEXT) == "no change (rendered again)"
    assert summarize(None, RenderHistory().add(picture(), source(), RenderSettings())) == (
        "first render"
    )


def test_source_diff_is_a_unified_diff_of_scene_and_modules():
    history = RenderHistory()
    a = history.add(picture(), source(TEXT, {"m": ("/s/m.py", "A = 1\n")}), RenderSettings())
    new = TEXT.replace("X27 = 27", "X27 = 28")
    b = history.add(picture(), source(new, {"m": ("/s/m.py", "A = 2\n")}), RenderSettings())
    diff = source_diff(a, b)
    assert "--- scene.py @" in diff
    assert "-X27 = 27\n+X27 = 28\n" in diff
    assert "--- m.py @" in diff
    assert "-A = 1\n+A = 2\n" in diff
    assert source_diff(a, a) == "The two versions have the same source."


def test_heat_map_counts_exactly_the_differing_pixels():
    rng = np.random.default_rng(7)
    a = rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)
    b = a.copy()
    mask = rng.random((30, 40)) < 0.1
    channel = rng.integers(0, 3, (30, 40))
    ys, xs = np.nonzero(mask)
    b[ys, xs, channel[ys, xs]] ^= rng.integers(1, 256, len(ys), dtype=np.uint8)
    d = difference(a, b)
    differing = (a != b).any(axis=2)
    assert d.changed == int(np.count_nonzero(differing)) > 0
    assert np.array_equal(d.heat.any(axis=2), differing)  # black exactly where equal
    err = np.abs(a.astype(int) - b.astype(int)).max(axis=2)
    assert d.max_error == err.max()
    assert np.array_equal(d.error, err)
    brightest = np.unravel_index(np.argmax(err), err.shape)
    assert d.heat[brightest].tolist() == d.heat.max(axis=(0, 1)).tolist()


def test_different_sizes_are_not_compared():
    with pytest.raises(SizeMismatch, match=r"different sizes \(4x3 and 8x6\)"):
        difference(picture(), picture(width=8, height=6))


def test_a_render_like_the_newest_entry_is_not_a_new_entry():
    history = RenderHistory()
    first = history.add(picture(10), source(), RenderSettings())
    assert first is not None
    assert history.add(picture(10), source(), RenderSettings(load_timeout=99)) is None  # F5
    assert [e.number for e in history.entries] == [1]
    changes = [
        (picture(11), source(), RenderSettings()),  # other pixels (scene code drew at random)
        (picture(11), source(), RenderSettings(samples=2)),  # other settings
        (picture(11), source(TEXT + "# a comment\n"), RenderSettings(samples=2)),  # a new version
        (picture(10), source(), RenderSettings()),  # the first again, after others: kept
    ]
    for pixels, version, settings in changes:
        assert history.add(pixels, version, settings) is not None
    assert len(history) == 5
    data = SceneSource("/s/scene.py", TEXT, {}, {"/s/ball.obj": b"v 0 0 0\n"})
    assert history.add(picture(10), data, RenderSettings()) is not None  # a data file changed
