"""A scene's SETTINGS: checked at their line, the CLI starts from them, a flag overrides."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tracer import RenderSettings, SceneSource
from tracer.cli.main import main
from tracer.errors import SceneError
from tracer.kernel.render import load, render_image
from tracer.scene.load import load_scene
from tracer.workers.service import JobStarted, RenderService

from .helpers import collect

ROOT = Path(__file__).resolve().parents[2]
TWOBALLS = (ROOT / "scenes" / "twoballs.py").read_text()
SMALL = TWOBALLS.replace("WIDTH = 960", "WIDTH = 64").replace("HEIGHT = 540", "HEIGHT = 36")
GIVEN = {"samples": 3, "shadows": True, "depth": 2}


def scene_with(folder: Path, settings: str, name: str = "scene.py") -> Path:
    """Write the small two balls with a SETTINGS line (line 12) in place of RENDERED_IMG."""
    text = SMALL.replace('RENDERED_IMG = "twoballs.ppm"', f"SETTINGS = {settings}")
    assert f"SETTINGS = {settings}" in text.splitlines()[11]
    path = folder / name
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=2) as svc:
        yield svc


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def reference(path: Path, **settings) -> np.ndarray:
    """Render in this process with every value given explicitly (no SETTINGS involved)."""
    return render_image(SceneSource.from_path(path), RenderSettings(**settings))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ('{"sample": 2}', "SETTINGS: unknown key 'sample' (did you mean 'samples'?)"),
        (
            '{"colour": 2}',
            "SETTINGS: unknown key 'colour' (SETTINGS takes depth, samples, shadows)",
        ),
        ('{"samples": 0}', "SETTINGS: samples must be from 1 to 8, got 0"),
        ('{"samples": 2.5}', "SETTINGS: samples must be from 1 to 8, got 2.5"),
        ('{"depth": 11}', "SETTINGS: depth must be from 0 to 10, got 11"),
        ('{"shadows": 1}', "SETTINGS: 'shadows' must be True or False, got 1"),
        ('{"seed": 3}', "SETTINGS cannot set 'seed': the seed is chosen before the scene runs"),
        ('{"width": 3}', "SETTINGS cannot set 'width': a scene's size is its WIDTH"),
        ("[('samples', 2)]", "SETTINGS must be a dict such as {'samples': 2}"),
    ],
)
def test_a_bad_key_or_value_is_one_error_at_the_settings_line(tmp_path, settings, message):
    path = scene_with(tmp_path, settings)
    with pytest.raises(SceneError) as info:
        load_scene(SceneSource.from_path(path))
    assert info.value.lineno == 12
    assert info.value.filename == str(path)
    assert info.value.message.startswith(message)


def test_the_cli_starts_from_the_scene_settings(tmp_path, service):
    path = scene_with(tmp_path, repr(GIVEN))
    out = tmp_path / "out.png"
    assert main(["render", str(path), "-o", str(out), "-q"], service) == 0
    want = reference(path, samples=3, shadows=True, max_depth=2)
    assert np.array_equal(pixels(out), want)
    plain = reference(path)  # Puray's defaults: the settings did change the picture
    assert (pixels(out) != plain).any(axis=2).mean() > 0.05
    with Image.open(out) as im:
        recorded = json.loads(im.text["Settings"])
    assert (recorded["samples"], recorded["shadows"], recorded["max_depth"]) == (3, True, 2)


def test_an_explicit_flag_overrides_the_scene(tmp_path, service):
    path = scene_with(tmp_path, repr(GIVEN))
    out = tmp_path / "out.png"
    flags = ["--samples", "1", "--no-shadows", "--depth", "5"]
    assert main(["render", str(path), "-o", str(out), "-q", *flags], service) == 0
    assert np.array_equal(pixels(out), reference(path))
    assert main(["render", str(path), "-o", str(out), "-q", "--samples", "2"], service) == 0
    assert np.array_equal(pixels(out), reference(path, samples=2, shadows=True, max_depth=2))


def test_a_scene_without_settings_renders_with_the_defaults(tmp_path, service):
    path = tmp_path / "plain.py"
    path.write_text(SMALL)
    out = tmp_path / "out.png"
    assert main(["render", str(path), "-o", str(out), "-q"], service) == 0
    assert np.array_equal(pixels(out), reference(path))
    assert main(["render", str(path), "-o", str(out), "-q", "--shadows"], service) == 0
    assert np.array_equal(pixels(out), reference(path, shadows=True))


def test_the_job_reports_the_scene_settings_and_picks_use_them(tmp_path, service):
    path = scene_with(tmp_path, '{"shadows": True, "depth": 1}')
    source = SceneSource.from_path(path)
    may = frozenset({"samples", "shadows", "max_depth"})
    frame, events = collect(service, service.submit(source, RenderSettings(scene_may_set=may)))
    started = next(e for e in events if isinstance(e, JobStarted))
    assert started.settings == {"shadows": True, "max_depth": 1}
    want = reference(path, shadows=True, max_depth=1)
    assert np.array_equal(frame, want)
    shaded = np.argwhere((want != reference(path, max_depth=1)).any(axis=2))
    y, x = (int(v) for v in shaded[len(shaded) // 2])  # a pixel the shadows change
    job = service.pick(source, RenderSettings(scene_may_set=may), x, y)
    pick = next(e for e in _events(service, job) if hasattr(e, "pick")).pick
    assert tuple(pick.rgb) == tuple(int(c) for c in want[y, x])


def _events(service, job, timeout=30.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ev = service.events.get(timeout=1.0)
        if ev.job == job:
            yield ev
            return


PURAYS = {"twoballs.py", "coronavirus.py", "coronavirus_animated.py"}


def test_bundled_showcases_and_the_template_ask_for_shadows_and_samples():
    from .helpers import BUNDLED

    ours = [p for p in BUNDLED if p.name not in PURAYS]
    ours.append(ROOT / "resources" / "scene_template.py")
    assert len(ours) >= 8
    for path in ours:
        settings = load(SceneSource.from_path(path), RenderSettings()).scene.settings
        assert settings["shadows"] is True, path.name
        assert settings["samples"] >= 2, path.name
    for name in PURAYS:  # Puray's own stay Puray's: no SETTINGS
        assert load_scene(SceneSource.from_path(ROOT / "scenes" / name)).settings == {}


def test_an_animation_starts_from_the_scene_settings_too(tmp_path, service):
    path = scene_with(tmp_path, '{"samples": 2, "shadows": True}')
    text = path.read_text() + "FRAMES = 2\nOBJECTS[1].center.x += 0.2 * FRAME\n"
    path.write_text(text)
    out = tmp_path / "f_%02d.png"
    assert main(["render", str(path), "-o", str(out), "-q"], service) == 0
    for frame in (0, 1):
        written = tmp_path / f"f_{frame:02d}.png"
        settings = RenderSettings(samples=2, shadows=True, frame=frame)
        assert np.array_equal(pixels(written), render_image(SceneSource.from_path(path), settings))
        with Image.open(written) as im:
            recorded = json.loads(im.text["Settings"])
        assert (recorded["samples"], recorded["shadows"]) == (2, True)
