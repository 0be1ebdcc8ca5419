"""The scene API reference the window shows: the built site if there is one, else the docstrings.

Offline first: a documentation site built by ``mkdocs build`` (shipped inside the package, in
a checkout's ``site/`` folder, or built into the user's cache) opens in the browser; without
one the window shows :func:`entries`, read from the docstrings of ``tracer.__all__`` as the
site's reference page reads them (the same members, the same docstrings). Importing tracer
runs no scene code. Qt-free.
"""

from __future__ import annotations

import html
import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import tracer

_PACKAGE = Path(__file__).resolve().parent
#: The site's page of the scene API (``use_directory_urls: false`` in mkdocs.yml).
SITE_PAGE = "scene-api.html"
#: Where a built site may be, before the user's cache: shipped in the package, or a checkout's.
SITE_FOLDERS = (_PACKAGE / "site", _PACKAGE.parent / "site")
#: The kernel's shape interface (tracer/geometry/shape.py): public, but not what scene files
#: call; mkdocs.yml's ``filters`` leave out the same names (a test keeps the two alike).
KERNEL_INTERFACE = (
    "prepare",
    "intersect",
    "normals",
    "bounds",
    "batch",
    "primitives",
    "materials",
    "material_ids",
)
_ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):`(~?)([^`]+)`")
_CODE = re.compile(r"``(.+?)``|`([^`]+)`")


@dataclass(frozen=True)
class Member:
    """A documented method or property of a class: its name, signature and docstring."""

    name: str
    signature: str
    doc: str


@dataclass(frozen=True)
class Entry:
    """One public name of the scene API: ``kind`` is "class" or "function"."""

    name: str
    kind: str
    signature: str
    doc: str
    members: tuple[Member, ...] = ()

    def matches(self, text: str) -> bool:
        """Tell whether ``text`` (any case) is in the name, signature, docstring or a member's."""
        needle = text.strip().lower()
        haystack = [self.name + self.signature, self.doc]
        haystack += [m.name + m.signature + "\n" + m.doc for m in self.members]
        return not needle or any(needle in part.lower() for part in haystack)


def built_site(extra_folders: Iterable[Path] = ()) -> Path | None:
    """Return the scene API page of the first built site found, or None."""
    for folder in (*SITE_FOLDERS, *extra_folders):
        page = Path(folder) / SITE_PAGE
        if page.is_file():
            return page
    return None


def entries() -> list[Entry]:
    """Return every name of ``tracer.__all__`` with its signature, docstring and members."""
    found = []
    for name in tracer.__all__:
        obj = getattr(tracer, name)
        kind = "class" if inspect.isclass(obj) else "function"
        members = _members(obj) if kind == "class" else ()
        found.append(Entry(name, kind, signature(obj), inspect.getdoc(obj) or "", members))
    return found


def signature(obj: object) -> str:
    """Return how to call ``obj`` (for a class: its ``__init__``), without ``self``."""
    if inspect.isclass(obj):
        obj = next(c.__dict__["__init__"] for c in obj.__mro__ if "__init__" in c.__dict__)
        if obj is object.__init__:
            return "()"
        if not inspect.isfunction(obj):
            return "(...)"  # a built-in's, such as an exception's
    try:
        params = list(inspect.signature(obj).parameters.values())  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "(...)"
    if params and params[0].name in ("self", "cls"):
        params = params[1:]
    return "(" + ", ".join(_parameter(p, params) for p in params) + ")"


def _parameter(p: inspect.Parameter, params: list[inspect.Parameter]) -> str:
    text = p.name
    if p.kind is p.VAR_POSITIONAL:
        text = "*" + text
    elif p.kind is p.VAR_KEYWORD:
        text = "**" + text
    elif p.kind is p.KEYWORD_ONLY and not any(q.kind is q.VAR_POSITIONAL for q in params):
        first = next(q for q in params if q.kind is q.KEYWORD_ONLY)
        text = ("*, " if p is first else "") + text
    if p.annotation is not p.empty:
        note = p.annotation
        text += ": " + (note if isinstance(note, str) else inspect.formatannotation(note))
    if p.default is not p.empty:
        text += (" = " if p.annotation is not p.empty else "=") + repr(p.default)
    return text


def _members(cls: type) -> tuple[Member, ...]:
    """Return the class's own documented public methods and properties, in source order."""
    found = []
    for name, raw in cls.__dict__.items():
        if name.startswith("_") or name in KERNEL_INTERFACE:
            continue
        func = raw.__func__ if isinstance(raw, classmethod | staticmethod) else raw
        if isinstance(raw, property):
            found.append(Member(name, "", inspect.getdoc(raw) or ""))
        elif inspect.isfunction(func) and func.__doc__:
            found.append(Member(name, signature(func), inspect.getdoc(func) or ""))
    return tuple(m for m in found if m.doc)


def summary(doc: str) -> str:
    """Return the first line of a docstring, as plain text."""
    return plain(doc.strip().split("\n", 1)[0]) if doc.strip() else ""


def plain(text: str) -> str:
    """Return docstring text without reStructuredText's roles and double backticks."""
    return _CODE.sub(lambda m: m.group(1) or m.group(2), _ROLE.sub(_role, text))


def _role(match: re.Match[str]) -> str:
    """Return a role as a code span of its name (the last part after ``~``, as Sphinx shows)."""
    short, name = match.groups()
    return f"`{name.rsplit('.', 1)[-1] if short else name}`"


def _paragraphs(doc: str) -> str:
    """Return a docstring as HTML paragraphs, its literals as code."""
    parts = []
    for paragraph in re.split(r"\n\s*\n", doc.strip()):
        text = html.escape(_ROLE.sub(_role, " ".join(paragraph.split())), quote=False)
        parts.append("<p>" + _CODE.sub(_code, text) + "</p>")
    return "\n".join(parts)


def _code(match: re.Match[str]) -> str:
    return f"<code>{match.group(1) or match.group(2)}</code>"


def wrapped(name: str, signature: str, width: int = 72) -> str:
    """Return ``name + signature``, one parameter a line when it is longer than ``width``."""
    if len(name + signature) <= width or signature in ("()", "(...)"):
        return name + signature
    params, depth, start = [], 0, 1
    for i, char in enumerate(signature[1:-1], 1):
        depth += (char in "([{") - (char in ")]}")
        if char == "," and depth == 0:
            params.append(signature[start:i].strip())
            start = i + 1
    params.append(signature[start:-1].strip())
    return name + "(\n" + "".join(f"    {p},\n" for p in params) + ")"


def entry_html(entry: Entry) -> str:
    """Return the entry as HTML: heading, signature, docstring, then each member's."""
    call = html.escape(wrapped(entry.name, entry.signature), quote=False)
    parts = [
        f"<h2>{entry.kind} {html.escape(entry.name)}</h2>",
        f"<pre>{call}</pre>",
        _paragraphs(entry.doc),
    ]
    for member in entry.members:
        head = html.escape(member.name + member.signature, quote=False)
        parts += [f"<h3><code>{head}</code></h3>", _paragraphs(member.doc)]
    return "\n".join(parts)
