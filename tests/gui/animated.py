"""Small animated scenes for the timeline and animation export tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tracer.kernel.render import render_image
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings

SCENE = """\
from tracer import Color, Light, Material, Point, Sphere, Vector

FRAMES = {frames}
FPS = {fps}
WIDTH, HEIGHT = {width}, {height}
CAMERA = Vector(0, -0.35, -1)
OBJECTS = [
    Sphere(Point(-0.8 + 0.3 * FRAME, -0.1, 1), 0.45, Material(Color.from_hex("{colour}"))),
]
LIGHTS = [Light(Point(1.5, -0.5, -10), Color.from_hex("#FFFFFF"))]
"""


def animated(
    frames: int = 6,
    fps: float = 12,
    width: int = 64,
    height: int = 36,
    colour: str = "#0000FF",
) -> str:
    """Return a scene whose ball moves right by 0.3 a frame."""
    return SCENE.format(frames=frames, fps=fps, width=width, height=height, colour=colour)


def frame_of(path: Path | str, number: int, settings: RenderSettings | None = None) -> np.ndarray:
    """Render frame ``number`` in the test process, as ``puray render --frame K`` does."""
    settings = (settings or RenderSettings()).with_(frame=number)
    return render_image(SceneSource.from_path(str(path)), settings)
