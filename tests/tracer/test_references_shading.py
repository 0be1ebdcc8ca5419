"""Shading against a reference without ray offsets (tests/reference/whitted.py).

A scene that is not Puray's offsets spawned rays by a bound on the hit point's rounding
error (tracer/kernel/offsets.py): its pictures are those of a tracer that needs no offset at
all, pixel for pixel. The bundled animated virus (spikes of overlapping spheres) and a cluster
of touching balls on a ground sphere, with shadows, show it; Puray's fixed 1e-4, put in their
place, would change hundreds of pixels where spheres touch (rays pushed into a neighbour).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.reference import brute, whitted
from tests.tracer.test_scale import FixedOffset
from tracer import RenderSettings, SceneSource
from tracer.kernel import scene_arrays
from tracer.kernel.render import load, render_rows

ROOT = Path(__file__).resolve().parents[2]

CLUSTER = """\
from tracer import *
S = 0.1  # a table-top scene: balls of 13 mm
WIDTH, HEIGHT = 200, 120
CAMERA = LookAtCamera(
    Point(0.5 * S, -0.9 * S, -2.2 * S), look_at=Point(0, 0.2 * S, 0.4 * S), fov=45
)
RED = Material(Color(0.8, 0.2, 0.1), reflection=0.4)
BLUE = Material(Color(0.1, 0.3, 0.9), ambient=0.1, reflection=0.3)
GROUND = Material(Color(0.7, 0.7, 0.6), reflection=0.25)
OBJECTS = [Sphere(Point(0, 1000.5 * S, 0), 1000.0 * S, GROUND)]
OBJECTS += [
    Sphere(Point((-0.6 + 0.22 * k) * S, (0.38 - 0.05 * (k % 3)) * S, (0.4 + 0.08 * k) * S),
           0.13 * S, RED if k % 2 else BLUE)
    for k in range(7)
]
LIGHTS = [
    Light(Point(-2, -3, -1), Color(0.9, 0.9, 0.9)),
    Light(Point(3, -1, 0), Color(0.4, 0.4, 0.5)),
]
"""


def scene_file(tmp_path, name: str) -> Path:
    if name == "cluster":
        path = tmp_path / "cluster.py"
        path.write_text(CLUSTER)
        return path
    return ROOT / "scenes" / f"{name}.py"


def off_pixels(a: np.ndarray, b: np.ndarray) -> int:
    return int((np.abs(a.astype(int) - b.astype(int)).max(axis=2) > 1).sum())


@pytest.mark.parametrize(
    ("name", "size", "frame", "shadows"),
    [("coronavirus_animated", (480, 270), 3, False), ("cluster", (200, 120), 0, True)],
)
def test_spheres_render_as_a_tracer_that_needs_no_offset(tmp_path, name, size, frame, shadows):
    settings = RenderSettings(width=size[0], height=size[1], frame=frame, shadows=shadows)
    path = scene_file(tmp_path, name)
    loaded = load(SceneSource.from_path(path), settings)
    cam = loaded.scene.camera
    rays = brute.look_at_rays(cam.source, cam.look_at, cam.fov, cam.up, *size)
    reference = whitted.render(loaded.scene, rays, size, settings.max_depth, shadows)
    ours = render_rows(loaded, settings, 0, size[1])
    assert len(np.unique(reference.reshape(-1, 3), axis=0)) > 100
    assert off_pixels(ours, reference) == 0
    # The check can fail: Puray's fixed offset pushes rays into touching neighbours.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scene_arrays, "offset_rule", lambda *_: FixedOffset(1e-4))
        fixed = render_rows(load(SceneSource.from_path(path), settings), settings, 0, size[1])
    assert off_pixels(fixed, reference) > 50
