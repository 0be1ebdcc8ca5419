"""The layout's rules, checked from the code: tracer/ never imports Qt, files stay short, one
public scene API, no import circle but the deliberate one of geometry/."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TRACER = ROOT / "tracer"
#: What tracer/ must never import: the GUI, its toolkit, its file watcher.
GUI_MODULES = ("PySide6", "shiboken6", "puray_gui", "watchdog")
#: Longest product file allowed, in lines.
MAX_LINES = 300
#: Submodules imported only where their optional dependency imports (name: dependency).
OPTIONAL = {
    "tracer.accel.compiled_bvh": "numba",
    "tracer.accel.compiled_shapes": "numba",
    "tracer.accel.compiled_walk": "numba",
    "tracer.accel.sphere_walk": "numba",
}
#: Submodules not to import at all: running the command line is what they do.
NOT_IMPORTED = {"tracer.cli.__main__"}


def _tracer_files() -> list[Path]:
    return sorted(TRACER.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> list[tuple[int, str, bool]]:
    """Return (line, absolute module name, at module level) of every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    top = {id(node) for node in _module_level(tree.body)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names = [f"{module}.{alias.name}" for alias in node.names]
        elif _is_dynamic_import(node):
            names = [node.args[0].value]
        else:
            continue
        found += [(node.lineno, name, id(node) in top) for name in names]
    return found


def _module_level(body: list[ast.stmt]):
    """Yield the statements that run as the module runs (also inside its ifs and trys)."""
    for node in body:
        yield node
        if isinstance(node, (ast.If, ast.Try)):
            yield from _module_level(node.body + node.orelse + getattr(node, "finalbody", []))
            for handler in getattr(node, "handlers", []):
                yield from _module_level(handler.body)


def _is_dynamic_import(node: ast.AST) -> bool:
    """Tell whether a node is ``importlib.import_module("x")`` or ``__import__("x")``."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    arg = node.args[0]
    return name in {"import_module", "__import__"} and isinstance(arg, ast.Constant)


def _is_gui(name: str) -> bool:
    return any(name == g or name.startswith(f"{g}.") for g in GUI_MODULES)


def test_tracer_source_never_imports_the_gui():
    bad = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in _tracer_files()
        for line, name, _ in _imported(path)
        if _is_gui(name)
    ]
    assert not bad, "tracer/ must stay Qt-free:\n" + "\n".join(bad)


RUNTIME_CHECK = """
import importlib, importlib.util, pkgutil, sys
import tracer, tracer.cli.main
skip, optional, gui = {skip!r}, {optional!r}, {gui!r}
for info in pkgutil.walk_packages(tracer.__path__, "tracer."):
    name = info.name
    if name in skip or (name in optional and importlib.util.find_spec(optional[name]) is None):
        continue
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in gui)
print("imported:", len([m for m in sys.modules if m.startswith("tracer")]), "tracer modules")
assert not loaded, f"importing tracer loaded the GUI: {{loaded}}"
"""


def test_importing_every_tracer_module_loads_no_gui():
    code = RUNTIME_CHECK.format(skip=NOT_IMPORTED, optional=OPTIONAL, gui=GUI_MODULES)
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    count = int(run.stdout.split()[1])
    assert count >= len(_tracer_files()) - len(NOT_IMPORTED) - len(OPTIONAL)


def _product_files() -> list[Path]:
    return sorted([*TRACER.rglob("*.py"), *(ROOT / "puray_gui").rglob("*.py")])


def test_no_product_file_is_longer_than_the_limit():
    too_long = [
        f"{path.relative_to(ROOT)}: {n} lines"
        for path in _product_files()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not too_long, f"over {MAX_LINES} lines (split by idea):\n" + "\n".join(too_long)


SCENE_API = [
    "Box",
    "Camera",
    "Checker",
    "ChequeredMaterial",
    "Color",
    "Cone",
    "Cylinder",
    "Difference",
    "Disc",
    "Glass",
    "ImageTexture",
    "Intersection",
    "Light",
    "LookAtCamera",
    "Marble",
    "Material",
    "Mesh",
    "Noise",
    "Plane",
    "Point",
    "PurayCamera",
    "RenderSettings",
    "Scene",
    "SceneError",
    "SceneSource",
    "Shape",
    "Sky",
    "Sphere",
    "Texture",
    "Triangle",
    "Union",
    "Vector",
    "Voronoi",
    "Wood",
    "WorkerDied",
    "load_scene",
]


#: Rendering from Python (tracer/notebook/): not for scenes, yet in ``tracer.__all__`` on
#: purpose, so that ``from tracer import *`` in a notebook gives them and the API reference
#: (generated from ``__all__``) documents them. ``import tracer`` loads them only when first
#: used, so workers and scenes do not pay for them; a scene that star-imports gets the names
#: and never needs them.
NOTEBOOK_API = ["Picture", "Watch", "render", "watch"]


def test_the_scene_api_is_the_subpackages_public_names():
    import tracer
    from tracer import camera, geometry, notebook, scene, shading

    public = sorted(SCENE_API + NOTEBOOK_API)
    assert tracer.__all__ == public  # what `from tracer import *` gives every scene
    namespace: dict = {}
    exec("from tracer import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == public
    for package in (camera, geometry, scene, shading):
        for name in set(package.__all__) & set(SCENE_API):
            assert getattr(tracer, name) is getattr(package, name)
    assert notebook.__all__ == NOTEBOOK_API
    for name in NOTEBOOK_API:
        assert getattr(tracer, name) is getattr(notebook, name)


def test_puray_module_names_serve_the_same_classes():
    import tracer
    from tracer.scene.puray_modules import MODULES

    assert MODULES["sphere"].Sphere is tracer.Sphere
    assert MODULES["material"].ChequeredMaterial is tracer.ChequeredMaterial
    assert MODULES["color"].Color is tracer.Color
    assert MODULES["light"].Light is tracer.Light


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Return the import graph's strongly connected parts of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while not part or part[-1] != v:
                part.append(stack.pop())
            if len(part) > 1:
                found.append(sorted(part))

    for v in list(edges):
        if v not in index:
            visit(v)
    return found


def _edges(module_level_only: bool) -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in _tracer_files()}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        for _, target, top in _imported(path):
            if module_level_only and not top:
                continue
            target = target if target in modules else target.rpartition(".")[0]
            if target in modules and target != name:
                edges.setdefault(name, set()).add(target)
    return edges


def test_module_level_imports_form_no_circle():
    assert _circles(_edges(module_level_only=True)) == []


@pytest.mark.parametrize("folder", ["geometry", "accel", "scene"])
def test_deferred_imports_open_only_the_fluent_moves_circle(folder):
    deferred = [
        (path.relative_to(ROOT).as_posix(), name)
        for path in sorted((TRACER / folder).glob("*.py"))
        for _, name, top in _imported(path)
        if not top and name.startswith("tracer.")
    ]
    allowed = {
        # Shape.translated/rotated/scaled return a Transformed, which is a Shape.
        "geometry": [("tracer/geometry/shape.py", "tracer.geometry.transform.transformed")],
        # numba is optional and slow to import: only a big scene's compiled walk pays for it.
        "accel": [
            ("tracer/accel/compiled.py", "tracer.accel.compiled_bvh"),
            ("tracer/accel/compiled.py", "tracer.accel.compiled_walk"),
            ("tracer/accel/compiled.py", "tracer.accel.sphere_walk"),
            ("tracer/accel/compiled_aot.py", "tracer.accel.compiled_bvh"),
            ("tracer/accel/compiled_aot.py", "tracer.accel.compiled_walk"),
            ("tracer/accel/compiled_aot.py", "tracer.accel.sphere_walk"),
        ],
        "scene": [],
    }
    assert deferred == allowed[folder]
