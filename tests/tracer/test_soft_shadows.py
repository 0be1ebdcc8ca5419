"""Soft shadows: a light with a radius blurs shadow edges; the umbra and radius 0 stay put."""

from __future__ import annotations

import numpy as np
import pytest

from tests.tracer.helpers import collect, write_scene
from tracer import RenderSettings, SceneSource
from tracer.kernel.render import render_image
from tracer.workers.service import RenderService, RowsReady

SCENE = """\
from tracer import *
WIDTH, HEIGHT = 96, 72
CAMERA = LookAtCamera(Point(0, -4, -0.5), look_at=Point(-0.4, 0.5, 0), up=Vector(0, 0, 1))
FLOOR = Material(Color(1, 1, 1), ambient=0.1, diffuse=0.9, specular=0, reflection=0)
OBJECTS = [
    Plane(Point(0, 0.5, 0), Vector(0, -1, 0), FLOOR),
    Sphere(Point(0, -0.3, 0), 0.5, Material(Color(0.2, 0.4, 0.9), reflection=0)),
]
LIGHTS = [Light(Point(4, -4, 0), Color(1, 1, 1){radius})]
"""
DARK = 26  # ambient 0.1 of white: what the floor shows in full shadow


def erode(mask: np.ndarray, iterations: int) -> np.ndarray:
    """Return the pixels of ``mask`` whose whole (2k+1)-square neighbourhood is in it."""
    out = mask.copy()
    for _ in range(iterations):
        grown = np.pad(out, 1, constant_values=False)
        h, w = out.shape
        for dy in (0, 1, 2):
            for dx in (0, 1, 2):
                out &= grown[dy : dy + h, dx : dx + w]
    return out


def render(tmp_path, radius: str, **settings):
    path = write_scene(tmp_path, f"scene{abs(hash(radius))}.py", SCENE.format(radius=radius))
    return render_image(SceneSource.from_path(path), RenderSettings(**settings)).astype(int)


def test_radius_zero_gives_todays_pixels_exactly(tmp_path):
    for samples in (1, 2):
        today = render(tmp_path, "", shadows=True, samples=samples)
        zero = render(tmp_path, ", radius=0.0", shadows=True, samples=samples)
        assert np.array_equal(today, zero)
    # without shadows a radius changes nothing at all
    assert np.array_equal(render(tmp_path, ""), render(tmp_path, ", radius=0.5"))


def test_a_penumbra_has_intermediate_values_and_the_umbra_is_unchanged(tmp_path):
    unlit = render(tmp_path, "", samples=4)  # no shadows at all
    hard = render(tmp_path, "", shadows=True, samples=4)
    soft = render(tmp_path, ", radius=0.4", shadows=True, samples=4)
    floor = (np.abs(unlit - unlit[..., :1]).max(axis=2) == 0) & (unlit[..., 0] > DARK + 20)
    grey = floor & (soft[..., 0] > DARK + 4) & (soft[..., 0] < unlit[..., 0] - 4)
    hard_grey = floor & (hard[..., 0] > DARK + 4) & (hard[..., 0] < unlit[..., 0] - 4)
    assert grey.sum() > 40  # a band of greys between shadow and light
    assert grey.sum() > 3 * hard_grey.sum()  # hard shadows: only anti-aliased edge pixels
    umbra = erode(hard[..., 0] == DARK, iterations=3)
    assert umbra.sum() > 20
    assert np.array_equal(soft[umbra], hard[umbra])
    lit = erode(floor & (hard[..., 0] == unlit[..., 0]), iterations=5)
    assert np.array_equal(soft[lit], hard[lit])  # far from the shadow: lit as before


def test_soft_shadows_are_the_same_on_one_and_two_workers(tmp_path):
    path = write_scene(tmp_path, "soft.py", SCENE.format(radius=", radius=0.4"))
    source = SceneSource.from_path(path)
    settings = RenderSettings(samples=3, shadows=True, seed=5)
    frames = []
    for processes in (1, 2):
        with RenderService(processes=processes) as service:
            frame, events = collect(service, service.submit(source, settings))
        assert len([ev for ev in events if isinstance(ev, RowsReady) and not ev.coarse]) >= 2
        frames.append(frame)
    assert frames[0] is not None
    assert np.array_equal(frames[0], frames[1])
    assert np.array_equal(frames[0], render_image(source, settings))
    other = render_image(source, settings.with_(seed=6))
    assert not np.array_equal(frames[0], other)  # the light samples follow the seed


@pytest.mark.parametrize("tint", ["Color(1, 1, 1)", "Color(0.2, 1, 0.2)"])
def test_glass_dims_the_light_instead_of_blocking_it(tmp_path, tint):
    glassy = SCENE.replace("Material(Color(0.2, 0.4, 0.9), reflection=0)", f"Glass(1.5, {tint})")
    path = write_scene(tmp_path, "glassy.py", glassy.format(radius=""))
    image = render_image(SceneSource.from_path(path), RenderSettings(shadows=True)).astype(int)
    hard = render(tmp_path, "", shadows=True)
    shadow = erode(hard[..., 0] == DARK, iterations=3)
    assert shadow.sum() > 20
    assert np.all(image[shadow][:, 1] > DARK + 20)  # green passes: lit through the glass
    if "0.2" in tint:
        assert np.all(image[shadow][:, 0] < image[shadow][:, 1] - 20)  # red is held back
