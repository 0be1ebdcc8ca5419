"""The README's save claims in the window: a burst of autosaves renders once, a save that
changes nothing renders nothing."""

from __future__ import annotations

from .conftest import WAIT_MS, reference, twoballs
from .saves import SAVE_STYLES

SETTLE_MS = 400


def test_a_burst_of_autosaves_renders_once_with_the_last_content(qtbot, make_live, scene):
    live = make_live(scene)
    renders = []
    live.session.render_started.connect(renders.append)
    for i, colour in enumerate(("#00FF00", "#FF00FF", "#00FFFF", "#FFFF00", "#808000")):
        SAVE_STYLES["temp_then_rename" if i % 2 else "in_place"](scene, twoballs(blue=colour))
        qtbot.wait(10)  # an editor's autosaves, 10 ms apart
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        pass
    qtbot.wait(SETTLE_MS)
    assert len(renders) == 1
    assert (live.session.frame.pixels == reference(scene)).all()


def test_a_save_that_changes_nothing_renders_nothing(qtbot, make_live, scene):
    live = make_live(scene)
    renders = []
    live.session.render_started.connect(renders.append)
    for style in SAVE_STYLES.values():
        style(scene, scene.read_text())
        qtbot.wait(50)
    qtbot.wait(SETTLE_MS)
    assert renders == []
