"""Camera views as scene code: the ``CAMERA = LookAtCamera(...)`` line, and writing it back.

Pure functions on scene text, plus the write of the file (:func:`write_camera`, atomic and
undoable). The assignment to change is found in the syntax tree (its nodes' line and column
spans; columns are UTF-8 bytes, turned into characters), so only those characters change;
every other byte of the file (comments, CRLF line ends, a BOM, the encoding) stays as it was.

What is rewritten never changes the camera's meaning beyond the view: an existing
``LookAtCamera(...)`` call keeps every argument but ``position``, ``look_at`` and ``fov``
(``up``, ``aperture``, ``focus_distance``, comments between them); a camera that depends on
``T`` or ``FRAME`` (it moves) is refused, as is a read-only scene file. Any other camera (Puray's
``Vector``, a custom class) is replaced by the LookAtCamera the window rendered; comments
inside what is replaced move to lines of their own above the assignment.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from dataclasses import dataclass

from ..output.atomic import TargetRefused, write_file
from .code_scan import (
    CameraCodeError,
    camera_assignment,
    is_look_at_call,
    look_at_names,
    refuse_if_animated,
)
from .view import View

__all__ = ["CameraCodeError", "SceneEdit", "camera_line", "replace_camera", "write_camera"]

DIGITS = 4  # significant digits of the numbers in camera code
NAMES = ("LookAtCamera", "Point")  # what the camera line needs at the top level
PARAMETERS = ("position", "look_at", "fov")  # of LookAtCamera: what a view sets

Edit = tuple[int, int, str]  # replace text[start:end] by the string


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


def point_text(xyz, digits: int = DIGITS) -> str:
    """Return ``Point(x, y, z)`` with rounded numbers."""
    return f"Point({', '.join(number_text(c, digits) for c in xyz)})"


def camera_expression(view: View, digits: int = DIGITS) -> str:
    """Return ``LookAtCamera(Point(...), Point(...), fov=...)`` for a view."""
    position, look_at, fov = view
    p, t = point_text(position, digits), point_text(look_at, digits)
    return f"LookAtCamera({p}, {t}, fov={number_text(fov, digits)})"


def camera_line(view: View, digits: int = DIGITS) -> str:
    """Return the ready ``CAMERA = LookAtCamera(...)`` line (no line end)."""
    return f"CAMERA = {camera_expression(view, digits)}"


def replace_camera(text: str, view: View, digits: int = DIGITS) -> str:
    """Return ``text`` with its ``CAMERA = ...`` assignment showing the view's camera.

    Adds ``LookAtCamera``/``Point`` to an existing top-level ``from tracer import ...`` or
    adds that import line when they are not bound. Raises CameraCodeError (with the reason)
    when CAMERA is not one simple top-level assignment, moves with T or FRAME, or the text
    does not parse.
    """
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise CameraCodeError(f"the scene does not parse (line {exc.lineno}): {exc.msg}") from None
    node = camera_assignment(tree)
    refuse_if_animated(tree, node)
    lines = _line_starts(text)
    needed: tuple[str, ...] = ("Point",)
    if is_look_at_call(node.value, look_at_names(tree)):
        assert isinstance(node.value, ast.Call)
        edits = _argument_edits(text, lines, node.value, view, digits)
    else:
        start, end = _span(text, lines, node)
        edits, needed = [(start, end, camera_line(view, digits))], NAMES
    edits += _hoisted_comments(text, lines, node, edits)
    missing = [name for name in needed if name not in _top_level_names(tree)]
    if missing:
        edits.append(_import_edit(text, tree, lines, node, missing))
    # from the end back; of two insertions at one place, the later in the list comes first
    for a, b, new in sorted(edits, key=lambda edit: edit[:2], reverse=True):
        text = text[:a] + new + text[b:]
    return text


def _argument_edits(text: str, lines: list[int], call: ast.Call, view: View, digits: int):
    """Return the edits that set a LookAtCamera call's position, look_at and fov, only."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        raise CameraCodeError(
            f"the camera on line {call.lineno} takes arguments from *args or **kwargs: copy "
            "the camera as code and edit the scene by hand"
        )
    position, look_at, fov = view
    values = (point_text(position, digits), point_text(look_at, digits), number_text(fov, digits))
    keywords = {k.arg: k.value for k in call.keywords}
    edits: list[Edit] = []
    last: ast.expr | None = None
    for index, (name, new) in enumerate(zip(PARAMETERS, values, strict=True)):
        arg = call.args[index] if index < len(call.args) else keywords.get(name)
        if arg is None and (name != "fov" or last is None):
            raise CameraCodeError(f"the LookAtCamera on line {call.lineno} has no {name}")
        if arg is None:
            assert last is not None
            at = _span(text, lines, last)[1]
            edits.append((at, at, f", fov={new}"))
            continue
        edits.append((*_span(text, lines, arg), new))
        last = arg
    return edits


def _hoisted_comments(text: str, lines: list[int], node: ast.stmt, edits: list[Edit]):
    """Return an edit that keeps the comments inside replaced text, above the statement."""
    inside = [
        comment
        for offset, comment in _comments(text, lines)
        if any(a < offset < b for a, b, _new in edits)
    ]
    if not inside:
        return []
    at, newline = lines[node.lineno - 1], _newline(text)
    return [(at, at, "".join(f"{comment}{newline}" for comment in inside))]


def _comments(text: str, lines: list[int]) -> list[tuple[int, str]]:
    """Return (offset, text) of every comment in ``text``."""
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
            if token.type == tokenize.COMMENT:
                found.append((lines[token.start[0] - 1] + token.start[1], token.string))
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def _span(text: str, lines: list[int], node: ast.AST) -> tuple[int, int]:
    """Return the character offsets of a node's first character and the one after its last."""
    start = _offset(text, lines, node.lineno, node.col_offset)  # type: ignore[attr-defined]
    end_line = node.end_lineno or node.lineno  # type: ignore[attr-defined]
    return start, _offset(text, lines, end_line, node.end_col_offset or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SceneEdit:
    """One write of a scene file: its bytes before and after, so that it can be undone."""

    path: str
    before: bytes
    after: bytes

    def still_current(self) -> bool:
        """Tell whether the file still holds exactly what was written."""
        try:
            with open(self.path, "rb") as f:
                return f.read() == self.after
        except OSError:
            return False

    def undo(self) -> None:
        """Put the previous bytes back (atomically); CameraCodeError if the file changed since."""
        if not self.still_current():
            raise CameraCodeError(
                f"{self.path} changed since the camera was written: nothing was undone"
            )
        _write(self.path, self.before)


def write_camera(path: str | os.PathLike, view: View, digits: int = DIGITS) -> SceneEdit:
    """Set the CAMERA of the scene file at ``path`` to the view, atomically; return the edit.

    Raises CameraCodeError (the file untouched) if it cannot, a read-only file included;
    OSError (WriteFailed, naming the scene) if the write fails.
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
    _write(path, new)
    return SceneEdit(path, raw, new)


def _write(path: str, data: bytes) -> None:
    try:
        write_file(path, data)
    except TargetRefused as exc:
        why = "make it writable first" if exc.forcible else "nothing was written"
        raise CameraCodeError(f"{exc}: {why}") from None


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
