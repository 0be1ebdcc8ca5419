"""A scene as it travels: the scene file's text, its sibling modules' texts and its data files.

Read once where the scene is opened (the window, the command line) and handed to whatever
process runs it, so that process needs no shared filesystem and never sees a stale module
cache. Reading runs no scene code.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import gc
import hashlib
import io
import os
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..datafiles import read_data_file
from ..errors import SceneError
from . import puray_modules as _puray


@dataclass(frozen=True)
class SceneSource:
    """A scene as it travels: its file's text, its sibling modules and its data files.

    ``modules`` maps each sibling module it imports to (path, text); ``data`` maps the data
    files it reads (OBJ models, images) to their bytes, as far as they are known.
    ``told_frames`` is ``(seed, FRAMES)`` once a load of this version with that seed has told
    its FRAMES (see :meth:`knowing_frames`); it is no part of the version.
    """

    path: str
    text: str
    modules: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    told_frames: tuple[int, int] | None = field(default=None, compare=False)

    def knowing_frames(self, seed: int, frames: int) -> SceneSource:
        """Return this version, telling the processes that load its other frames its FRAMES.

        A frame's load then needs no run of frame 0 to learn FRAMES (tracer/scene/frames.py),
        and checks that the scene defines the FRAMES it was told.
        """
        told = dataclasses.replace(self, told_frames=(seed, frames))
        if "digest" in self.__dict__:  # the same version: keep its hash
            told.__dict__["digest"] = self.digest
        return told

    @functools.cached_property
    def digest(self) -> str:
        """A hash of every text, data file and path: the key of one version of the scene."""
        h = hashlib.sha256(self.path.encode() + b"\0" + self.text.encode())
        for name in sorted(self.modules):
            path, text = self.modules[name]
            h.update(f"\0{name}\0{path}\0".encode() + text.encode())
        for path in sorted(self.data):
            h.update(f"\0{path}\0".encode() + hashlib.sha256(self.data[path]).digest())
        return h.hexdigest()

    @functools.cached_property
    def imports(self) -> tuple[tuple[str, int], ...]:
        """What the scene file's text imports: (module, level) per name, found without running it.

        Read where the scene is opened; it travels with the source (a worker reads no text twice).
        """
        return imported_modules(self.text)

    @property
    def files(self) -> list[str]:
        """Every file this scene is made of (to watch for changes)."""
        return [self.path, *(p for p, _ in self.modules.values()), *self.data]

    @classmethod
    def from_path(cls, path: str | os.PathLike, data_files=()) -> SceneSource:
        """Read a scene, the sibling modules it imports and ``data_files`` it is known to read.

        Raises SceneError if the scene is unreadable; a data file that cannot be read is left
        out (loading the scene then reports it at the line that reads it).
        """
        path = os.path.abspath(os.fspath(path))
        text = _read(path)
        modules: dict[str, tuple[str, str]] = {}
        folder = os.path.dirname(path)
        imports = imported_modules(text)
        pending = [imports]
        while pending:
            for name in _top_level_names(pending.pop()):
                sibling = os.path.join(folder, name + ".py")
                if name in modules or name in _puray.MODULES or not os.path.isfile(sibling):
                    continue
                sibling_text = _read(sibling)
                modules[name] = (sibling, sibling_text)
                pending.append(imported_modules(sibling_text))
        source = cls(path, text, modules, _read_data(data_files))
        vars(source)["imports"] = imports  # the cached property, read once already
        return source


def _read_data(paths) -> dict[str, bytes]:
    data = {}
    for path in paths:
        with contextlib.suppress(OSError):  # the load reports what cannot be read
            data[os.path.abspath(path)] = read_data_file(path)
    return data


def _read(path: str) -> str:
    if not os.path.exists(path):
        raise SceneError("scene file not found", path)
    if not os.path.isfile(path):
        raise SceneError("not a file (expected a .py scene file)", path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise SceneError(f"cannot read the file: {exc.strerror}", path) from None
    return decode_source(data, path)


_NOT_TEXT = (
    "not a {encoding} text file (a '# -*- coding: NAME -*-' first line names another encoding)"
)


def decode_source(data: bytes, path: str) -> str:
    """Decode a Python file the way Python does: a UTF-8 BOM or a PEP 263 coding line."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # an unknown coding, a BOM that contradicts it, bad bytes
        if "invalid or missing encoding" in exc.msg:
            raise SceneError(_NOT_TEXT.format(encoding="UTF-8"), path) from None
        raise SceneError(f"cannot decode the file: {exc.msg}", path, exc.lineno) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise SceneError(_NOT_TEXT.format(encoding=encoding), path) from None
    # utf-8-sig strips the BOM; newlines as Python reads them (compile takes \n only)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _top_level_names(imports) -> set[str]:
    """Return the top-level names of absolute imports (``a`` of ``import a.b``)."""
    return {name.split(".")[0] for name, level in imports if name and not level}


def imported_modules(text: str) -> tuple[tuple[str, int], ...]:
    """Return every module a source imports as (name, level); unparsable sources import none.

    ``import a.b`` gives ("a.b", 0); ``from ..c import d`` gives ("c", 2).
    """
    found: list[tuple[str, int]] = []
    for node in import_statements(text) or ():
        if isinstance(node, ast.Import):
            found.extend((alias.name, 0) for alias in node.names)
        else:
            found.append((node.module or "", node.level))
    return tuple(found)


def import_statements(text: str) -> list[ast.Import | ast.ImportFrom] | None:
    """Return a source's import statements in order, wherever they stand; None if unparsable.

    Imports are statements, so the search walks statements only (a list of 10,000 literal
    spheres is one) of the text up to its last word ``import``: what follows holds none.
    """
    tree = _parse_imports_part(text)
    if tree is None:
        return None
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        else:
            pending.extend(reversed(_statements_in(node)))  # in the text's order
    return found


def _parse_imports_part(text: str) -> ast.Module | None:
    """Parse the text up to the line of its last word ``import`` (None: it does not parse).

    Every import statement has that word, so what follows it (often most of a big scene: its
    objects) holds none. When that part does not parse on its own (the line is inside a string
    or brackets that close later), the whole text is parsed. (A text that fails to parse only
    after its last import still names those imports: its load reports the error.)
    """
    if "\0" in text:
        return None
    end = len(text)
    while (at := text.rfind("import", 0, end)) >= 0:
        if _word_at(text, at, len("import")):
            break
        end = at
    if at < 0:
        return ast.Module(body=[], type_ignores=[])  # no import at all
    line_end = text.find("\n", at)
    with gc_paused():
        for part in (text[: line_end + 1] if line_end >= 0 else text, text):
            with contextlib.suppress(SyntaxError, ValueError):
                return ast.parse(part)
    return None


def _word_at(text: str, at: int, size: int) -> bool:
    before = text[at - 1] if at else " "
    after = text[at + size] if at + size < len(text) else " "
    return not (before.isalnum() or before == "_" or after.isalnum() or after == "_")


#: What holds statements: bodies, else and finally blocks, except handlers, match cases.
_HOLDERS = (ast.stmt, ast.excepthandler, ast.match_case)


def _statements_in(node: ast.AST) -> list[ast.AST]:
    found: list[ast.AST] = []
    for _name, value in ast.iter_fields(node):
        if isinstance(value, list):
            found.extend(item for item in value if isinstance(item, _HOLDERS))
    return found


@contextlib.contextmanager
def gc_paused():
    """Pause the cycle collector while building a big tree that has no cycles (a parse).

    A collection runs every few hundred new objects and, as the tree grows, scans it again:
    a 1.2 MB scene parsed in 1.2 s with it and 0.4 s without.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def top_level_bindings(text: str) -> Iterator[tuple[str, int, ast.expr | None]]:
    """Yield (name, line, value) for each name a top-level assignment of ``text`` binds.

    ``value`` is the expression assigned to that very name, when the text says it
    (``WIDTH, HEIGHT = 64, 36`` gives WIDTH the 64), else None. Unparsable text binds nothing.
    """
    try:
        with gc_paused():
            body = ast.parse(text).body
    except (SyntaxError, ValueError):
        return
    for node in body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                yield from _bound(target, node.value, node.lineno)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            yield from _bound(node.target, None, node.lineno)


def _bound(target: ast.expr, value: ast.expr | None, line: int):
    """Yield (name, line, value) for the names ``target`` binds (tuples and lists unpacked)."""
    if isinstance(target, ast.Name):
        yield target.id, line, value
    elif isinstance(target, ast.Starred):
        yield from _bound(target.value, None, line)
    elif isinstance(target, (ast.Tuple, ast.List)):
        pairs = isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts)
        starred = any(isinstance(e, ast.Starred) for e in target.elts)
        for k, element in enumerate(target.elts):
            inner = value.elts[k] if pairs and not starred else None  # type: ignore[union-attr]
            yield from _bound(element, inner, line)
