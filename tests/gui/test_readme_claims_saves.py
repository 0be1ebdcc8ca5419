"""The README's save claims in the window: a burst of autosaves renders once, a save that
changes nothing renders nothing."""

from __future__ import annotations

from .conftest import WAIT_MS, reference, twoballs
from .saves import SAVE_STYLES

SETTLE_MS = 400


def test_a_burst_of_autosaves_renders_at_most_twice_ending_with_the_last_content(
    qtbot, make_live, scene
):
    """The first save of a burst is read at once (its first pixels come quickest); the rest,
    within the storm window of each other, wait for the pause and render once, last content."""
    live = make_live(scene)
    renders = []
    live.session.render_started.connect(renders.append)
    for i, colour in enumerate(("#00FF00", "#FF00FF", "#00FFFF", "#FFFF00", "#808000")):
        SAVE_STYLES["temp_then_rename" if i % 2 else "in_place"](scene, twoballs(blue=colour))
        qtbot.wait(10)  # an editor's autosaves, 10 ms apart
    last = reference(scene)
    qtbot.waitUntil(
        lambda: live.session.frame is not None and (live.session.frame.pixels == last).all(),
        timeout=WAIT_MS,
    )
    qtbot.wait(SETTLE_MS)
    assert 1 <= len(renders) <= 2
    assert (live.session.frame.pixels == last).all()


def test_a_save_that_changes_nothing_renders_nothing(qtbot, make_live, scene):
    live = make_live(scene)
    renders = []
    live.session.render_started.connect(renders.append)
    for style in SAVE_STYLES.values():
        style(scene, scene.read_text())
        qtbot.wait(50)
    qtbot.wait(SETTLE_MS)
    assert renders == []
