"""Options: preview scaling, export at full size, stored values that cannot break the app."""

from puray_gui.options import RenderOptions
from tracer.settings import SCENE_SETTABLE, RenderSettings


def test_defaults_are_the_engines():
    # the scene's SETTINGS decide what the sidebar has not overridden (none: the same values)
    assert RenderOptions().full_settings() == RenderSettings(scene_may_set=SCENE_SETTABLE)


def test_preview_scale_shrinks_the_preview_only():
    options = RenderOptions(preview_scale=50)
    assert options.preview_settings().scale == 0.5
    assert options.full_settings().scale == 1.0  # export: full size
    assert options.full_settings().width is None  # the scene's own size
    full = RenderSettings(scene_may_set=SCENE_SETTABLE)
    assert RenderOptions(preview_scale=100).preview_settings() == full


def test_bad_stored_values_fall_back_to_defaults():
    assert RenderOptions.from_dict({"max_depth": 99}) == RenderOptions()
    assert RenderOptions.from_dict({"preview_scale": 33}) == RenderOptions()
    assert RenderOptions.from_dict({"max_depth": 2, "unknown": 1}).max_depth == 2
