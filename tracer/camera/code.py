"""Camera views as scene code: the ``CAMERA = LookAtCamera(...)`` line, and writing it back.

Pure functions on scene text, plus one atomic file write. The assignment to replace is found
in the syntax tree (its node's line and column span), so only its characters change; every
other byte of the file (comments, CRLF line ends, a BOM, the encoding) stays as it was.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import tokenize

from .view import View

DIGITS = 4  # significant digits of the numbers in camera code
NAMES = ("LookAtCamera", "Point")  # what the camera line needs at the top level


class CameraCodeError(ValueError):
    """The scene's camera cannot be written back; the file was left alone."""


def number_text(value: float, digits: int = DIGITS) -> str:
    """Return ``value`` rounded to ``digits`` significant digits, as a Python literal."""
    text = f"{float(value):.{digits}g}"
    return "0" if float(text) == 0 else text


def rounded(view: View, digits: int = DIGITS) -> View:
    """Return the view with its numbers rounded as :func:`camera_line` writes them."""
    position, look_at, fov = view
    p = tuple(float(number_text(c, digits)) for c in position)
    t = tuple(float(number_text(c, digits)) for c in look_at)
    return (p[0], p[1], p[2]), (t[0], t[1], t[2]), float(number_text(fov, digits))


def camera_expression(view: View, digits: int = DIGITS) -> str:
    """Return ``LookAtCamera(Point(...), Point(...), fov=...)`` for a view."""
    position, look_at, fov = view
    p = ", ".join(number_text(c, digits) for c in position)
    t = ", ".join(number_text(c, digits) for c in look_at)
    return f"LookAtCamera(Point({p}), Point({t}), fov={number_text(fov, digits)})"


def camera_line(view: View, digits: int = DIGITS) -> str:
    """Return the ready ``CAMERA = LookAtCamera(...)`` line (no line end)."""
    return f"CAMERA = {camera_expression(view, digits)}"


def replace_camera(text: str, view: View, digits: int = DIGITS) -> str:
    """Return ``text`` with its ``CAMERA = ...`` assignment replaced by the view's camera.

    Adds ``LookAtCamera``/``Point`` to an existing top-level ``from tracer import ...`` or
    adds that import line when they are not bound. Raises CameraCodeError (with the reason)
    when CAMERA is not one simple top-level assignment or the text does not parse.
    """
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise CameraCodeError(f"the scene does not parse (line {exc.lineno}): {exc.msg}") from None
    node = _camera_assignment(tree)
    lines = _line_starts(text)
    start = _offset(text, lines, node.lineno, node.col_offset)
    end = _offset(text, lines, node.end_lineno or node.lineno, node.end_col_offset or 0)
    edits = [(start, end, camera_line(view, digits))]
    missing = [name for name in NAMES if name not in _top_level_names(tree)]
    if missing:
        edits.append(_import_edit(text, tree, lines, node, missing))
    for a, b, new in sorted(edits, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def write_camera(path: str | os.PathLike, view: View, digits: int = DIGITS) -> None:
    """Replace the CAMERA assignment of the scene file at ``path``, atomically.

    Raises CameraCodeError (the file untouched) if it cannot; OSError if the write fails.
    """
    path = os.path.realpath(os.fspath(path))
    with open(path, "rb") as f:
        raw = f.read()
    try:
        encoding = tokenize.detect_encoding(io.BytesIO(raw).readline)[0]
        text = raw.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        raise CameraCodeError(f"cannot read the scene's text: {exc}") from None
    if text.encode(encoding) != raw:
        raise CameraCodeError(f"the scene's bytes would not survive a round trip in {encoding}")
    new = replace_camera(text, view, digits).encode(encoding)
    _write_atomically(path, new)


def _camera_assignment(tree: ast.Module) -> ast.Assign:
    """Return the one simple top-level ``CAMERA = ...``; raise CameraCodeError otherwise."""
    bindings = _camera_bindings(tree)
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


def _camera_bindings(tree: ast.Module) -> list[tuple[int, str, ast.AST]]:
    """Return (line, why it is not simple or '', node) of every statement binding CAMERA."""
    found: list[tuple[int, str, ast.AST]] = []
    top = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        binds = _binds_camera(node)
        if not binds:
            continue
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Assign) and id(node) in top:
            simple = len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            found.append((line, "" if simple else "assigned together with other names", node))
        elif id(node) in top:
            found.append((line, _kind(node), node))
        else:
            found.append((line, f"{_kind(node)} inside a block (if, for, def, with, ...)", node))
    return sorted(found, key=lambda item: item[0])


def _binds_camera(node: ast.AST) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any((a.asname or a.name.split(".")[0]) == "CAMERA" for a in node.names)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name == "CAMERA"
    if isinstance(node, ast.Global):
        return "CAMERA" in node.names
    if isinstance(node, ast.NamedExpr):
        return node.target.id == "CAMERA"
    if not isinstance(node, ast.stmt):
        return False
    targets: list[ast.AST] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)):
        targets = [node.target]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
    elif isinstance(node, ast.Delete):
        targets = list(node.targets)
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


def _top_level_names(tree: ast.Module) -> set[str]:
    """Return the names top-level imports bind ('*' for a star import from tracer)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            for a in node.names:
                if a.name == "*" and node.module == "tracer":
                    names.update(NAMES)
                names.add(a.asname or a.name)
    return names


def _import_edit(text: str, tree: ast.Module, lines: list[int], camera: ast.Assign, missing):
    """Return an edit that makes ``missing`` names importable before the camera line."""
    imports = [n for n in tree.body if n.lineno < camera.lineno]
    for node in reversed(imports):
        if isinstance(node, ast.ImportFrom) and node.module == "tracer" and node.level == 0:
            last = node.names[-1]
            if last.name != "*" and last.end_lineno is not None:
                at = _offset(text, lines, last.end_lineno, last.end_col_offset or 0)
                return at, at, "".join(f", {name}" for name in missing)
    newline = _newline(text)
    new = f"from tracer import {', '.join(missing)}{newline}"
    stmts = [n for n in imports if isinstance(n, (ast.Import, ast.ImportFrom))]
    if stmts:
        after = stmts[-1].end_lineno or stmts[-1].lineno
        at = lines[after] if after < len(lines) else len(text)
        if at == len(text) and not text.endswith(("\n", "\r")):
            new = newline + new.rstrip("\r\n")
        return at, at, new
    at = lines[camera.lineno - 1]
    return at, at, new


def _line_starts(text: str) -> list[int]:
    """Return the offset of each line's first character (lines end with \\r\\n, \\n or \\r)."""
    starts = [0]
    starts += [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    return starts


def _offset(text: str, lines: list[int], lineno: int, col: int) -> int:
    """Turn an ast (line, UTF-8 byte column) into an offset in ``text``."""
    start = lines[lineno - 1]
    end = lines[lineno] if lineno < len(lines) else len(text)
    line_bytes = text[start:end].encode("utf-8")
    return start + len(line_bytes[:col].decode("utf-8"))


def _newline(text: str) -> str:
    match = re.search(r"\r\n|\r|\n", text)
    return match.group(0) if match else "\n"


def _write_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, keep its mode, then replace it."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
