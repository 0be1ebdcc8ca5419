"""Errors that reach the user: they name the scene file and line, never our internals."""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import os
import sys
import traceback
import weakref
from dataclasses import dataclass, replace

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


@dataclass(frozen=True)
class Frame:
    """One traceback frame in user code."""

    filename: str
    lineno: int
    name: str
    line: str = ""

    def __str__(self) -> str:
        text = f'  File "{self.filename}", line {self.lineno}, in {self.name}'
        return f"{text}\n    {self.line}" if self.line else text


class SceneError(Exception):
    """A scene could not be loaded or rendered; says where, in the user's file."""

    def __init__(
        self,
        message: str,
        filename: str | None = None,
        lineno: int | None = None,
        frames: tuple[Frame, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.lineno = lineno
        self.frames = tuple(frames)

    def __reduce__(self):
        return (type(self), (self.message, self.filename, self.lineno, self.frames))

    @property
    def location(self) -> str:
        if self.filename is None:
            return ""
        return f"{self.filename}:{self.lineno}" if self.lineno else self.filename

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def details(self) -> str:
        """Return the message followed by the user's own traceback frames."""
        if not self.frames:
            return str(self)
        body = "\n".join(str(f) for f in self.frames)
        return f"{self}\nTraceback (scene code, most recent call last):\n{body}"


class WorkerDied(Exception):
    """A render worker process ended while it had work (killed, crashed, os._exit)."""


@functools.lru_cache(maxsize=1024)
def _is_internal(filename: str) -> bool:
    path = os.path.abspath(filename)  # cached: every Sphere() a scene builds asks
    return (
        path.startswith(_PACKAGE_DIR + os.sep)
        or filename.startswith("<frozen")
        or os.sep + "numpy" + os.sep in path
    )


#: A frame repeated more often than this in a row (a runaway recursion) is shown this often.
REPEATS_SHOWN = 3


def user_frames(tb) -> tuple[Frame, ...]:
    """Return the traceback frames that are not ours (the scene's, its modules').

    Like Python's own traceback, a frame repeated many times in a row (a runaway recursion)
    is shown three times, then one entry says how many more times it repeated.
    """
    mine = (
        Frame(fs.filename, fs.lineno or 0, fs.name, (fs.line or "").strip())
        for fs in traceback.extract_tb(tb)
        if not _is_internal(fs.filename)
    )
    frames: list[Frame] = []
    for _where, group in itertools.groupby(mine, key=lambda f: (f.filename, f.lineno, f.name)):
        run = list(group)
        frames += run[:REPEATS_SHOWN]
        if len(run) > REPEATS_SHOWN:
            more = len(run) - REPEATS_SHOWN
            note = f"[the frame above repeated {more} more time{'s' if more != 1 else ''}]"
            frames.append(replace(run[0], line=note))
    return tuple(frames)


def from_exception(exc: BaseException, fallback_file: str | None = None) -> SceneError:
    """Turn an exception raised by scene code into a SceneError at the scene's line."""
    if isinstance(exc, SceneError):
        return exc
    if isinstance(exc, SyntaxError) and exc.filename:
        msg = f"syntax error: {exc.msg}"
        return SceneError(msg, exc.filename, exc.lineno)
    frames = user_frames(exc.__traceback__)
    if isinstance(exc, SystemExit):
        message = f"the scene called sys.exit({exc.code!r}); scenes must not exit"
    else:
        message = f"{type(exc).__name__}: {exc}"
    if frames:
        last = frames[-1]
        return SceneError(message, last.filename, last.lineno, frames)
    return SceneError(message, fallback_file)


def caller_site() -> tuple[str, int] | None:
    """Return (file, line) of the nearest caller outside this package (where a scene built us).

    Called from a constructor of ours: frames of the object's own methods are skipped too, so
    a subclass defined in a scene (its ``__init__`` calling ``super().__init__``) is placed at
    the line that created the object, not at its ``super()`` call.
    """
    frame = sys._getframe(1)
    owner = frame.f_locals.get("self") if _first_argument_name(frame) == "self" else None
    while frame is not None:
        if not _is_internal(frame.f_code.co_filename) and (
            owner is None or not _is_method_of(frame, owner)
        ):
            return frame.f_code.co_filename, line_of(frame)
        frame = frame.f_back  # type: ignore[assignment]
    return None


def _first_argument_name(frame) -> str | None:
    code = frame.f_code
    return code.co_varnames[0] if code.co_argcount else None


def _is_method_of(frame, owner: object) -> bool:
    """Tell whether a frame runs with ``owner`` as its first argument (one of its methods)."""
    name = _first_argument_name(frame)
    return name is not None and frame.f_locals.get(name) is owner


def error_at(site: tuple[str, int] | None, message: str) -> SceneError:
    """Build a SceneError at a recorded creation site."""
    if site is None:
        return SceneError(message)
    return SceneError(message, site[0], site[1])


def finite_xyz(
    value, what: str, site: tuple[str, int] | None, kind: str = "Vector"
) -> tuple[float, float, float]:
    """Return a Vector-like's (x, y, z) as floats; raise SceneError at ``site`` if it is not."""
    try:
        xyz = (float(value.x), float(value.y), float(value.z))
    except (AttributeError, TypeError, ValueError):
        raise error_at(site, f"{what} must be a {kind}, got {value!r}") from None
    if not all(math.isfinite(c) for c in xyz):
        raise error_at(site, f"{what} has a NaN or infinite coordinate: {xyz}")
    return xyz


#: Code objects with a line table this long (bytes) look their lines up in a table of their own.
LONG_CODE = 2048
#: The line tables of the last few long code objects: (weak reference to the code, table).
_line_tables: list[tuple[weakref.ref, tuple[list, list, list]]] = []


def line_of(frame) -> int:
    """Return the line a frame is running, as ``frame.f_lineno`` does, without its cost.

    CPython finds ``f_lineno`` by reading the code's line table from the start: a scene of
    10,000 literal spheres in one list took seconds to build its objects (each records the
    line it was made on). A long code object's table is read once into offsets instead.
    """
    code = frame.f_code
    if frame.f_trace is not None or len(code.co_linetable) < LONG_CODE:
        return frame.f_lineno  # a tracer keeps f_lineno itself; a short table is quick to read
    starts, ends, lines = _table_of(code)
    k = bisect.bisect_right(starts, frame.f_lasti) - 1
    if k < 0 or frame.f_lasti >= ends[k] or lines[k] is None:
        return frame.f_lineno
    return lines[k]


def _table_of(code) -> tuple[list, list, list]:
    """Return a code object's line table as (start offsets, end offsets, lines)."""
    for ref, table in _line_tables:
        if ref() is code:  # by identity: hashing a code object reads all of it
            return table
    ranges = list(code.co_lines())
    table = ([r[0] for r in ranges], [r[1] for r in ranges], [r[2] for r in ranges])
    _line_tables.insert(0, (weakref.ref(code), table))
    del _line_tables[4:]
    return table
