"""Render small scenes written as text, for the solid, CSG, mesh and transform tests."""

from __future__ import annotations

import itertools

import numpy as np

from tracer import RenderSettings, SceneSource
from tracer.kernel.render import render_image

HEAD = """\
from tracer import *
WIDTH, HEIGHT = {w}, {h}
CAMERA = LookAtCamera(Point({cx}, {cy}, {cz}), look_at=Point({lx}, {ly}, {lz}), fov=50)
LIGHTS = [
    Light(Point(-3 + {cx}, -6 + {cy}, -5 + {cz})),
    Light(Point(4 + {cx}, -2 + {cy}, -3 + {cz}), Color(0.5, 0.5, 0.5)),
]
RED = Material(Color(0.9, 0.1, 0.1), reflection=0.3)
BLUE = Material(Color(0.1, 0.2, 0.9), reflection=0.3)
FLOOR = ChequeredMaterial(Color(1, 1, 1), Color(0.1, 0.1, 0.1), reflection=0.2)
"""

_count = itertools.count()


def render(
    tmp_path,
    objects: str,
    size=(96, 64),
    camera=(0.5, -1.5, -3.5),
    look_at=(0, 0, 0),
    shadows: bool = True,
    extra: str = "",
) -> np.ndarray:
    """Render a scene whose OBJECTS list holds ``objects`` (Python text)."""
    cx, cy, cz = camera
    lx, ly, lz = look_at
    text = HEAD.format(w=size[0], h=size[1], cx=cx, cy=cy, cz=cz, lx=lx, ly=ly, lz=lz)
    text += extra + f"OBJECTS = [{objects}]\n"
    path = tmp_path / f"scene{next(_count)}.py"
    path.write_text(text)
    settings = RenderSettings(width=size[0], height=size[1], shadows=shadows)
    return render_image(SceneSource.from_path(path), settings)


def differing(a: np.ndarray, b: np.ndarray, tolerance: int = 0) -> int:
    """Return how many pixels differ by more than ``tolerance`` in some channel."""
    diff = np.abs(a.astype(int) - b.astype(int)).max(axis=2)
    return int((diff > tolerance).sum())


def is_picture(img: np.ndarray) -> bool:
    """Tell a real picture (many colours) from a flat fill."""
    return len(np.unique(img.reshape(-1, 3), axis=0)) > 20
