"""Read a scene's syntax tree for Write to Scene: which statement sets CAMERA, and may it change.

Only module-level bindings count: a ``CAMERA = 5`` in a class or function body is a local
name (unless the function declares ``global CAMERA``). A camera whose value depends on ``T``
or ``FRAME`` (directly or through names computed from them) moves from frame to frame, so
one fixed camera written over it would change what the scene means: it is refused.
"""

from __future__ import annotations

import ast

#: Names the loader gives a scene for the frame it runs (tracer/scene/frames.py).
TIME_NAMES = ("T", "FRAME")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class CameraCodeError(ValueError):
    """The scene's camera cannot be written back; the file was left alone."""


def camera_assignment(tree: ast.Module) -> ast.Assign:
    """Return the one simple top-level ``CAMERA = ...``; raise CameraCodeError otherwise."""
    bindings = camera_bindings(tree)
    if not bindings:
        raise CameraCodeError("the scene has no CAMERA assignment to replace")
    if len(bindings) > 1:
        where = ", ".join(str(line) for line, _why, _node in bindings)
        raise CameraCodeError(
            f"CAMERA is set {len(bindings)} times (lines {where}): only a scene with one "
            "simple `CAMERA = ...` can be written to; copy the camera as code instead"
        )
    line, why, node = bindings[0]
    if why or not isinstance(node, ast.Assign):
        raise CameraCodeError(
            f"CAMERA on line {line} is {why}, not a simple top-level `CAMERA = ...`: "
            "copy the camera as code and edit the scene by hand"
        )
    return node


def camera_bindings(tree: ast.Module) -> list[tuple[int, str, ast.AST]]:
    """Return (line, why it is not simple or '', node) of every statement binding the module's
    CAMERA, in line order."""
    found: list[tuple[int, str, ast.AST]] = []
    top = {id(n) for n in tree.body}
    _scan(tree, True, top, found)
    return sorted(found, key=lambda item: item[0])


def _scan(node: ast.AST, module: bool, top: set[int], found: list) -> None:
    """Add the bindings of the module's CAMERA under ``node`` (``module``: its scope's names
    are the module's) to ``found``."""
    for child in ast.iter_child_nodes(node):
        if module and _binds_camera(child):
            found.append((getattr(child, "lineno", 0), _why(child, id(child) in top), child))
        if isinstance(child, _SCOPES):  # a body of its own: local names, unless global
            inner = _declares_global(child)
            for statement in child.body:
                if inner and _binds_camera(statement):
                    line = statement.lineno
                    found.append((line, _why(statement, False), statement))
                _scan(statement, inner, top, found)
        elif not isinstance(child, ast.Lambda):
            _scan(child, module, top, found)


def _declares_global(scope: ast.AST) -> bool:
    """Tell whether a function (or class) body says ``global CAMERA``."""
    return any(isinstance(n, ast.Global) and "CAMERA" in n.names for n in ast.walk(scope))


def _why(node: ast.AST, at_top: bool) -> str:
    """Return '' for a simple top-level assignment, else what kind of binding it is."""
    if isinstance(node, ast.Assign) and at_top:
        simple = len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        return "" if simple else "assigned together with other names"
    if at_top:
        return _kind(node)
    return f"{_kind(node)} inside a block (if, for, def, with, ...)"


def _binds_camera(node: ast.AST) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any((a.asname or a.name.split(".")[0]) == "CAMERA" for a in node.names)
    if isinstance(node, _SCOPES):
        return node.name == "CAMERA"
    if isinstance(node, ast.Global):
        return "CAMERA" in node.names
    if isinstance(node, ast.NamedExpr):
        return node.target.id == "CAMERA"
    if not isinstance(node, ast.stmt):
        return False
    targets: list[ast.AST] = []
    if isinstance(node, (ast.Assign, ast.Delete)):
        targets = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
        targets = [node.target]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
    return any(isinstance(n, ast.Name) and n.id == "CAMERA" for t in targets for n in ast.walk(t))


def _kind(node: ast.AST) -> str:
    kinds = {
        ast.AugAssign: "changed by an augmented assignment",
        ast.AnnAssign: "an annotated assignment",
        ast.Import: "imported",
        ast.ImportFrom: "imported",
        ast.Global: "declared global",
        ast.Delete: "deleted",
        ast.NamedExpr: "assigned with :=",
        ast.Assign: "assigned",
    }
    return kinds.get(type(node), f"bound by a {type(node).__name__.lower()} statement")


def refuse_if_animated(tree: ast.Module, camera: ast.Assign) -> None:
    """Raise CameraCodeError if the camera's value depends on T or FRAME."""
    roots = time_roots(tree, camera)
    used = _loaded(camera.value)
    times = sorted({root for name in used if name in roots for root in roots[name]})
    if not times:
        return
    through = sorted(name for name in used if name in roots and name not in TIME_NAMES)
    via = f" (through {', '.join(through)})" if through else ""
    raise CameraCodeError(
        f"CAMERA on line {camera.lineno} depends on {' and '.join(times)}{via}: it moves from "
        "frame to frame, and one fixed camera written over it would stop it; copy the camera "
        "as code and edit the scene by hand"
    )


def time_roots(tree: ast.Module, before: ast.stmt) -> dict[str, set[str]]:
    """Return the module names set before ``before`` that depend on T or FRAME (name -> which).

    A statement that reads such a name taints every name it binds (an ``if FRAME > 3:``
    block, a ``for`` loop, a function that reads T): safe, if sometimes too careful.
    """
    roots: dict[str, set[str]] = {name: {name} for name in TIME_NAMES}
    for statement in tree.body:
        if statement is before:
            break
        read = {root for name in _loaded(statement) if name in roots for root in roots[name]}
        if read:
            for name in _stored(statement):
                roots.setdefault(name, set()).update(read)
    return roots


def _loaded(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _stored(node: ast.AST) -> set[str]:
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and not _is_load(n)}
    names |= {n.name for n in ast.walk(node) if isinstance(n, _SCOPES)}
    return names


def _is_load(node: ast.Name) -> bool:
    return isinstance(node.ctx, ast.Load)


def look_at_names(tree: ast.Module) -> set[str]:
    """Return the names the scene calls tracer's LookAtCamera by (``as`` imports included)."""
    names = {"LookAtCamera"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tracer"):
            names |= {a.asname for a in node.names if a.name == "LookAtCamera" and a.asname}
    return names


def is_look_at_call(value: ast.expr, names: set[str]) -> bool:
    """Tell whether ``value`` is a call of LookAtCamera (by one of ``names``, or tracer.X)."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Name):
        return func.id in names
    return isinstance(func, ast.Attribute) and func.attr == "LookAtCamera"
