"""Options: preview scaling, export at full size, stored values that cannot break the app."""

from puray_gui.options import RenderOptions, literal_size
from tracer.settings import RenderSettings


def test_defaults_are_the_engines():
    assert RenderOptions().full_settings() == RenderSettings()


def test_preview_scale_shrinks_the_preview_only():
    options = RenderOptions(preview_scale=50)
    assert options.preview_settings((960, 540)).width == 480
    assert options.preview_settings((960, 540)).height == 270
    assert options.full_settings().width is None  # export: the scene's own size
    explicit = options.with_(width=320, height=180)
    assert (explicit.preview_settings(None).width, explicit.preview_settings(None).height) == (
        160,
        90,
    )


def test_scene_size_read_without_running_the_scene():
    assert literal_size("WIDTH = 640\nHEIGHT = 360\nimport os; os._exit(1)\n") == (640, 360)
    assert literal_size("WIDTH = 2 * 320\nHEIGHT = 360\n") is None
    assert literal_size("this is not python") is None


def test_bad_stored_values_fall_back_to_defaults():
    assert RenderOptions.from_dict({"max_depth": 99}) == RenderOptions()
    assert RenderOptions.from_dict({"preview_scale": 33}) == RenderOptions()
    assert RenderOptions.from_dict({"max_depth": 2, "unknown": 1}).max_depth == 2
