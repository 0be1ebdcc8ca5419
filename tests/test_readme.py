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


ROOT = Path(__file__).resolve().parents[1]
#: A test file or benchmark the README names (in a code span), with its options dropped.
CITED = re.compile(r"`((?:tests|bench)/[\w/.-]+\.py)\b[^`]*`")
#: Any path under tests/ or bench/ the README names, in prose, code spans or commands (a
#: ``*`` stands for a family of files).
NAMED = re.compile(r"(?<![\w/.])((?:tests|bench)/[\w/.*-]*\w)")
#: The README with every run of whitespace one space (claims wrap across lines).
FLAT = " ".join(README.split())


def _section(title: str) -> str:
    """Return the README's section ``title`` up to the next heading of its level or higher."""
    start = re.search(rf"^(#+) {re.escape(title)}\n", README, re.M)
    assert start is not None, f"README.md has no section {title!r}"
    end = re.compile(rf"^#{{1,{len(start.group(1))}}} ", re.M).search(README, start.end())
    return README[start.end() : end.start() if end else len(README)]


def test_every_test_and_benchmark_the_readme_names_exists():
    assert len(set(CITED.findall(README))) > 40  # the claims point at their evidence
    named = set(NAMED.findall(README))
    assert sorted(p for p in named if not any(ROOT.glob(p))) == []


def test_every_bullet_of_the_app_names_the_test_behind_it():
    bullets = re.split(r"^- ", _section("The app"), flags=re.M)[1:]
    assert len(bullets) >= 12
    bare = [b.split("\n")[0] for b in bullets if not CITED.search(b)]
    assert bare == []


def test_the_named_tests_check_what_the_readme_says():
    """Spot checks that a pointer names a test of that claim, not any test file."""
    claims = {
        "a burst of autosaves renders at most twice": "test_readme_claims_saves.py",
        "every file is written atomically": "test_atomic_write.py",
        "Open Recent drops files that are gone": "test_main_window.py",
        "`PURAY_NO_JIT=1`": "test_compiled_walk.py",
    }
    for claim, test in claims.items():
        at = FLAT.index(claim)
        assert test in FLAT[at : at + 200], f"{claim!r} does not point at {test}"


@pytest.mark.parametrize(
    ("cls", "readme"),
    [
        ("Material", "Material(color, ambient=0.05, diffuse=1.0, specular=1.0, reflection=0.5)"),
        ("Sphere", "Sphere(center, radius, material)"),
        ("Plane", "Plane(point, normal, material)"),
        ("Light", "Light(position, color)"),
    ],
)
def test_the_scene_classes_take_what_the_readme_says(cls, readme):
    import inspect

    import tracer

    assert readme in FLAT
    params = inspect.signature(getattr(tracer, cls).__init__).parameters
    named = re.findall(r"(\w+)(?:=([\w.]+))?", readme.split("(", 1)[1])
    for name, default in named:
        assert name in params, f"{cls} has no parameter {name}"
        if default:
            assert params[name].default == float(default), f"{cls}.{name}"
