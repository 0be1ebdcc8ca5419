"""The README's scene and material examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from tracer.kernel.render import render_image
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)
SCENE = next(b for b in BLOCKS if "WIDTH" in b)
MATERIALS = [b for b in BLOCKS if "class Stripes" in b]


def test_the_scene_example_renders(tmp_path):
    path = tmp_path / "example.py"
    path.write_text(SCENE)
    img = render_image(SceneSource.from_path(path), RenderSettings(width=96, height=54))
    ball = img[20:34, 42:54].reshape(-1, 3).astype(int)
    assert (ball[:, 2] > ball[:, 0] + 60).mean() > 0.5  # the blue ball in the middle
    assert len(np.unique(img[45:].reshape(-1, 3), axis=0)) > 10  # a chequered floor


def _render(tmp_path, name: str, body: str) -> np.ndarray:
    path = tmp_path / name
    path.write_text(body)
    return render_image(SceneSource.from_path(path), RenderSettings(width=96, height=54))


def _blue_runs(img: np.ndarray) -> int:
    """Count changes between blue and not-blue down the ball's middle column."""
    column = img[10:44, 48].astype(int)
    blue = column[:, 2] > column[:, 0] + 80
    return int(np.count_nonzero(blue[1:] != blue[:-1]))


@pytest.mark.parametrize("material", MATERIALS, ids=["scalar", "vectorised"])
def test_the_custom_material_examples_paint_stripes(tmp_path, material):
    assert len(MATERIALS) == 2
    striped = (
        "from tracer import Color, Material\n"
        + material
        + "\n"
        + SCENE.replace('Material(Color.from_hex("#0000FF"))', 'Stripes(Color.from_hex("#0000FF"))')
    )
    plain = _render(tmp_path, "plain.py", SCENE)
    stripes = _render(tmp_path, "stripes.py", striped)
    assert np.any(stripes != plain, axis=2).sum() > 100  # the ball changed
    assert _blue_runs(stripes) >= _blue_runs(plain) + 4  # white bands cross the blue
