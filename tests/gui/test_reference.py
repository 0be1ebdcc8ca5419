"""The window's scene API reference: every public name, as the site's page documents it."""

from __future__ import annotations

import re

import tracer
from puray_gui import reference
from puray_gui.reference import built_site, entries, entry_html, plain, signature

from .conftest import ROOT


def test_every_public_name_has_an_entry_with_its_docstring():
    found = {e.name: e for e in entries()}
    assert sorted(found) == sorted(tracer.__all__)
    assert all(e.doc for e in found.values()), "every public name needs a docstring"
    assert found["load_scene"].kind == "function"
    assert found["Sphere"].kind == "class"


def test_a_class_signature_is_its_init_s():
    assert signature(tracer.Material) == (
        "(color: Color | None = None, ambient: float = 0.05, diffuse: float = 1.0, "
        "specular: float = 1.0, reflection: float = 0.5)"
    )  # not the (*args, **kwargs) of its __new__
    assert signature(tracer.Union) == "(*solids: Shape, material: Material | None = None)"
    assert signature(tracer.Texture) == "()"


def test_members_are_the_scene_facing_ones():
    found = {e.name: e for e in entries()}
    assert [m.name for m in found["Shape"].members] == ["translated", "rotated", "scaled"]
    assert [m.name for m in found["Mesh"].members] == ["from_obj"]
    assert "from_hex" in [m.name for m in found["Color"].members]


def test_the_site_leaves_out_the_same_kernel_names():
    config = (ROOT / "mkdocs.yml").read_text()
    (names,) = re.findall(r'"!\^\(([a-z_|]+)\)\$"', config)
    assert tuple(names.split("|")) == reference.KERNEL_INTERFACE


def test_an_entry_reads_as_html_with_code_and_no_roles():
    (sphere,) = [e for e in entries() if e.name == "Sphere"]
    page = entry_html(sphere)
    assert "<h2>class Sphere</h2>" in page
    assert "<code>radius</code>" in page
    assert "``" not in page
    assert plain("a :class:`~tracer.scene.Scene` and ``x < y``") == "a Scene and x < y"


def test_a_built_site_is_found_where_it_is_looked_for(tmp_path, monkeypatch):
    monkeypatch.setattr(reference, "SITE_FOLDERS", ())
    assert built_site([tmp_path]) is None
    (tmp_path / reference.SITE_PAGE).write_text("<html></html>")
    assert built_site([tmp_path / "elsewhere", tmp_path]) == tmp_path / reference.SITE_PAGE


def test_a_long_signature_shows_one_parameter_a_line():
    text = reference.wrapped("SceneError", signature(tracer.SceneError))
    assert text.split("\n") == [
        "SceneError(",
        "    message: str,",
        "    filename: str | None = None,",
        "    lineno: int | None = None,",
        "    frames: tuple[Frame, ...] = (),",  # the comma inside the brackets stays
        ")",
    ]
    assert reference.wrapped("Box", "(a, b)") == "Box(a, b)"


def test_every_docstring_of_the_reference_starts_with_one_summary_line():
    for entry in entries():
        for name, doc in [(entry.name, entry.doc), *((m.name, m.doc) for m in entry.members)]:
            lines = doc.split("\n")
            assert len(lines) == 1 or not lines[1].strip(), f"{entry.name}: {name}"
