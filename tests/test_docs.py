"""The documentation site cannot fall behind the code: every public name has its reference
entry, the command-line page is written from the parsers, the first scene renders as shown."""

from __future__ import annotations

import argparse
import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

import tracer
from tracer.kernel.render import render_image
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hooks = _script("docs_hooks")


def test_every_public_name_has_its_reference_entry():
    page = (DOCS / "scene-api.md").read_text()
    paths = re.findall(r"^::: (tracer(?:\.\w+)*)$", page, re.M)
    names = [path.rsplit(".", 1)[1] for path in paths]
    assert sorted(names) == sorted(tracer.__all__), (
        "docs/scene-api.md must have one '::: tracer.NAME' line per name of tracer.__all__"
    )
    for path, name in zip(paths, names, strict=True):  # where a submodule shares the name
        module = importlib.import_module(path.rsplit(".", 1)[0])
        assert getattr(module, name) is getattr(tracer, name), path


def test_every_page_is_in_the_navigation():
    nav = (ROOT / "mkdocs.yml").read_text()
    pages = {p.name for p in DOCS.glob("*.md")}
    assert "ARCHITECTURE.md" in pages
    listed = set(re.findall(r"^  - [^:]+: (\S+\.md)$", nav, re.M))
    assert listed == pages


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return [
        s
        for a in parser._actions
        if not isinstance(a, argparse._SubParsersAction)
        for s in (a.option_strings or [a.metavar or a.dest])
    ]


def test_the_command_line_page_lists_every_command_and_option():
    page = hooks.cli_markdown()
    parsers = hooks.parsers()
    progs = [p.prog for p in parsers]
    assert progs[0] == "puray"
    assert progs[-1] == "puray-gui"
    assert {"puray render", "puray pick"} <= set(progs)
    sections = re.split(r"^## ", page, flags=re.M)[1:]
    assert [s.split("\n", 1)[0] for s in sections] == [f"`{p}`" for p in progs]
    for parser, section in zip(parsers, sections, strict=True):
        for option in _options(parser):
            assert f"`{option}" in section, f"{parser.prog}: {option} is not on the page"
        for action in parser._actions:
            if action.help and "%" not in action.help:
                assert action.help.replace("|", "\\|") in section


def test_the_command_line_page_shows_usage_and_expanded_help():
    page = hooks.cli_markdown()
    assert "usage: puray render [-h]" in page
    assert "[--samples SAMPLES]" in page
    assert "| `--small` | compress the PNG harder (slower, ~20% smaller) |" in page  # %% expanded
    assert "| `--frame K` | render frame K (0-based) as a still |" in page  # a nested group
    assert "| `puray pick` | show where one pixel's colour comes from |" in page


def test_the_cli_page_is_generated_where_its_marker_stands():
    source = (DOCS / "cli.md").read_text()
    assert source.count(hooks.CLI_MARKER) == 1
    built = hooks.on_page_markdown(source, None, None, None)
    assert hooks.CLI_MARKER not in built
    assert "## `puray render`" in built
    assert "`--load-timeout SECONDS`" in built


def test_sphinx_roles_read_as_code_in_the_reference():
    roles = _script("griffe_roles")
    text = "A :class:`Scene` from :func:`~tracer.datafiles.read_scene_file` (:mod:`tracer.cli`)"
    assert roles.plain(text) == "A `Scene` from `read_scene_file` (`tracer.cli`)"


def test_the_first_scene_of_getting_started_renders(tmp_path):
    page = (DOCS / "getting-started.md").read_text()
    scene = next(b for b in re.findall(r"```python\n(.*?)```", page, re.S) if "WIDTH" in b)
    path = tmp_path / "first.py"
    path.write_text(scene)
    img = render_image(SceneSource.from_path(path), RenderSettings(width=96, height=54))
    rgb = img.astype(int)
    red = (rgb[..., 0] > rgb[..., 2] + 80) & (rgb[..., 1] < 150)
    assert red[14:36, 36:60].mean() > 0.5  # the red ball in the middle
    assert not red[:, :30].any()
    assert not red[:, 66:].any()
    floor = img[46:].reshape(-1, 3)
    assert len(np.unique(floor, axis=0)) > 10  # a chequered floor


def test_the_window_page_is_the_readme_s_window_sections():
    source = (DOCS / "window.md").read_text()
    built = hooks.on_page_markdown(source, None, None, None)
    assert "<!-- readme:" not in built
    readme = (ROOT / "README.md").read_text()
    assert "- **Errors never cost the picture.**" in built  # The app's bullets
    assert "a timeline appears under the picture" in built  # Animations in the window
    assert "**Help.** Scene API (F1)" in built
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", built):
        assert (DOCS / image).is_file(), image  # README's docs/x.png is x.png here
        assert f"](docs/{image})" in readme or image == "screenshot.png"


def test_a_readme_section_ends_at_the_next_heading_of_its_level():
    readme = "# T\n## A\none ![p](docs/p.png)\n### A.1\ntwo\n## B\nthree\n"
    assert hooks.readme_section("A", readme) == "one ![p](p.png)\n### A.1\ntwo"
    assert hooks.readme_section("A.1", readme) == "two"
    assert hooks.readme_section("B", readme) == "three"
    with pytest.raises(KeyError, match="no section 'C'"):
        hooks.readme_section("C", readme)
