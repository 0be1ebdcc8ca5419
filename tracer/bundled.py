"""Find the example scenes that ship with Puray Live, in a checkout or an installed wheel.

A checkout keeps them in ``scenes/`` at the top of the repository; the wheel carries the same
files in ``tracer/examples/`` (pyproject.toml maps the one onto the other), so the command
line and the window find them without the checkout. An example is a scene file there (it
assigns ``WIDTH``); the other ``.py`` files beside them are their helper modules, and the
data files (``gem.obj``) travel with them.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
#: Where the examples are, in order: the installed package's folder, then the checkout's.
FOLDERS = (_PACKAGE / "examples", _PACKAGE.parent / "scenes")


@dataclass(frozen=True)
class Example:
    """A bundled example scene: its name (the file name without ``.py``), path and summary."""

    name: str
    path: Path
    summary: str


def examples_folder() -> Path:
    """Return the folder of the bundled example scenes; raise FileNotFoundError if none ships."""
    for folder in FOLDERS:
        if (folder / "twoballs.py").is_file():
            return folder
    shown = " or ".join(str(f) for f in FOLDERS)
    raise FileNotFoundError(f"the bundled example scenes are missing (looked in {shown})")


def examples() -> list[Example]:
    """Return the bundled example scenes, sorted by name (helper modules left out)."""
    found = []
    for path in sorted(examples_folder().glob("*.py")):
        tree = _parse(path)
        if _assigns_width(tree):
            found.append(Example(path.stem, path, summary(ast.get_docstring(tree) or "")))
    return found


def example(name: str) -> Path:
    """Return the path of the bundled example ``name``; raise KeyError naming the known ones."""
    stem = os.path.splitext(os.path.basename(name))[0]  # "twoballs.py" is fine too
    path = examples_folder() / f"{stem}.py"
    if stem and path.is_file() and _assigns_width(_parse(path)):
        return path
    known = ", ".join(e.name for e in examples())
    raise KeyError(f"no example named {name!r}; the examples are: {known}")


def summary(docstring: str) -> str:
    """Return a docstring's first paragraph as one line (our summaries wrap at 100 columns)."""
    paragraph = docstring.strip().split("\n\n")[0]
    return " ".join(paragraph.split())


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_bytes(), str(path))


def _assigns_width(tree: ast.Module) -> bool:
    """Tell whether a module assigns WIDTH at its top level (a scene, not a helper module)."""
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                names = target.elts if isinstance(target, ast.Tuple) else [target]
                if any(isinstance(n, ast.Name) and n.id == "WIDTH" for n in names):
                    return True
    return False
