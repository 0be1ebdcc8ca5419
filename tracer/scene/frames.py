"""Frame numbers: FRAME and T while a scene loads, FRAMES and FPS it defines, frame ranges.

The rule for ``T``: a scene runs with ``FRAME`` (0-based) and ``T = FRAME / FRAMES``, where
FRAMES is the value the scene itself defines (1 when it defines none). Since FRAMES is known
only once the scene has run, the loader runs it with its best guess of FRAMES, in this order:

1. what this process saw the last time it ran this version of the scene with this seed, or
   else what another process's load of it told (``SceneSource.told_frames``: an animation's
   later frames are told the FRAMES its first frame's load found);
2. a top-level ``FRAMES = <whole number>`` in the scene's text;
3. neither: it first runs frame 0 (whose T is 0 whatever FRAMES is) and reads FRAMES there.

If the run ends with a FRAMES other than a guess from the text, the scene runs once more with
the true T. A scene whose FRAMES depends on FRAME or T (or differs from the FRAMES it was told)
is an error. Frame 0 always runs once,
so Puray scenes and stills load exactly as before. Every frame runs with the same seed: a
random layout stays put while the animation moves (seed by FRAME yourself for per-frame noise).
"""

from __future__ import annotations

import ast
from collections import OrderedDict
from collections.abc import Callable

from ..errors import SceneError
from ..output.rate import fps_problem
from ..settings import MAX_FRAMES
from .source import import_statements, top_level_bindings

DEFAULT_FPS = 24.0

#: FRAMES of scene versions this process has loaded ((digest, seed) -> FRAMES), newest last.
_seen: OrderedDict[tuple, int] = OrderedDict()
_SEEN_SIZE = 64


def run_frame(source, seed: int, frame: int, run: Callable[[int, int], dict]) -> tuple[dict, int]:
    """Run frame ``frame`` of a scene by the rule above; return its globals and its FRAMES.

    ``run(frame, frames)`` runs the scene once with FRAME = frame and T = frame / frames.
    """
    key = (source.digest, seed)
    known = _seen.get(key)  # exact: this version ran with this seed in this process before
    if known is None and source.told_frames is not None and source.told_frames[0] == seed:
        known = source.told_frames[1]  # exact too: another process's load of it told
    literal = literal_frames(source) if frame and known is None else None
    if literal is not None and frame >= literal:
        literal = None  # past the end, or the text misleads: let frame 0 say
    if frame and known is None and literal is None:
        known = read_frames(source, run(0, 1))  # frame 0 tells: its T is 0 whatever FRAMES is
    if known is not None:
        check_frame(source, frame, known)  # never run a frame past the end
    guess = (known or literal or 1) if frame else 1
    namespace = run(frame, guess)
    frames = read_frames(source, namespace)
    if known is not None and frames != known:
        raise _changed(source, known, frames, frame)
    if frame and frames != guess:  # the literal guessed wrong: run again with the true T
        namespace = run(frame, frames)
        if read_frames(source, namespace) != frames:
            raise _changed(source, frames, read_frames(source, namespace), frame)
    _remember(key, frames)
    check_frame(source, frame, frames)
    return namespace, frames


def might_animate(source) -> bool:
    """Tell whether a scene may define FRAMES at all, from its texts (running no code).

    It may when a text names FRAMES, or star-imports a module that is neither ``tracer``
    nor one of Puray's (which define no FRAMES). A still that does neither renders as a
    still without being asked.
    """
    texts = [source.text, *(text for _path, text in source.modules.values())]
    return any("FRAMES" in text or _stars_from_elsewhere(text) for text in texts)


def _stars_from_elsewhere(text: str) -> bool:
    """Tell whether ``text`` has ``from X import *`` for an X other than tracer or Puray's."""
    if "import *" not in text:
        return False
    body = import_statements(text)  # only the statements, up to its last import
    if body is None:
        return True  # the load reports it; meanwhile assume the worst
    return any(
        isinstance(node, ast.ImportFrom)
        and any(alias.name == "*" for alias in node.names)
        and (node.level or (node.module or "").split(".")[0] not in NO_FRAMES)
        for node in body
    )


#: Modules that define no FRAMES: ours and Puray's module names (puray_modules.MODULES,
#: not imported: the command line decides with this before it loads any of the engine).
NO_FRAMES = frozenset({"tracer", "color", "vector", "point", "sphere", "material", "light"})


def _remember(key: tuple, frames: int) -> None:
    _seen[key] = frames
    _seen.move_to_end(key)
    while len(_seen) > _SEEN_SIZE:
        _seen.popitem(last=False)


def literal_frames(source) -> int | None:
    """Return the value of a top-level ``FRAMES = <whole number>`` in the scene, if any."""
    value = _literal(source.text, "FRAMES")
    return value if isinstance(value, int) and 1 <= value <= MAX_FRAMES else None


def _changed(source, before: int, after: int, frame: int) -> SceneError:
    return _at(
        source,
        "FRAMES",
        f"FRAMES must not depend on FRAME or T: it was {before} in another frame "
        f"and is {after} in frame {frame}",
    )


def read_frames(source, namespace: dict) -> int:
    """Return the FRAMES a scene run defined (1 if none); raise SceneError at its line if bad."""
    value = namespace.get("FRAMES", 1)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_FRAMES:
        raise _at(
            source, "FRAMES", f"FRAMES must be a whole number from 1 to {MAX_FRAMES}, got {value!r}"
        )
    return value


def read_fps(source, namespace: dict) -> float:
    """Return the FPS a scene run defined (24 if none); raise SceneError at its line if bad."""
    value = namespace.get("FPS", DEFAULT_FPS)
    problem = fps_problem(value)  # the range every animation writer keeps
    if problem is not None:
        raise _at(source, "FPS", problem)
    return float(value)


def check_frame(source, frame: int, frames: int) -> None:
    """Raise SceneError (at the FRAMES line) if ``frame`` is not one of the scene's frames."""
    if frame < frames:
        return
    if frames == 1:
        raise _at(
            source, "FRAMES", f"there is no frame {frame}: the scene is a still (FRAMES is 1)"
        )
    raise _at(
        source,
        "FRAMES",
        f"there is no frame {frame}: FRAMES is {frames} (frames 0 to {frames - 1})",
    )


def check_frame_size(source, number: int, size: tuple, first: int, first_size: tuple) -> None:
    """Raise SceneError at the WIDTH (or HEIGHT) line unless frame ``number`` has the size
    ``first_size`` of frame ``first``: an animation has one size."""
    if size == first_size:
        return
    (width, height), (w0, h0) = size, first_size
    raise _at(
        source,
        "WIDTH" if width != w0 else "HEIGHT",
        f"frame {number} is {width}x{height} but frame {first} was {w0}x{h0}: every frame of "
        "an animation must have the same size (WIDTH and HEIGHT must not change with FRAME or T)",
    )


def parse_range(text: str, frames: int) -> range:
    """Return the frames that ``A:B`` selects (A to B-1, like a Python slice); raise ValueError."""
    start, colon, stop = text.partition(":")
    if not colon:
        raise ValueError(f"expected A:B (frames A to B-1), got {text!r}")
    try:
        a = int(start) if start.strip() else 0
        b = int(stop) if stop.strip() else frames
    except ValueError:
        raise ValueError(f"expected whole numbers A:B, got {text!r}") from None
    have = "1 frame (0)" if frames == 1 else f"{frames} frames (0 to {frames - 1})"
    if a < 0 or a >= b:
        raise ValueError(f"{text!r} selects no frames; the scene has {have}")
    if b > frames:
        raise ValueError(f"{text!r} goes past the end; the scene has {have}")
    return range(a, b)


def in_frame(error: Exception, frame: int, frames: int) -> Exception:
    """Return ``error`` with its message saying which frame failed ("frame 17 of 48: ...")."""
    label = f"frame {frame} of {frames}: "
    if isinstance(error, SceneError):
        if error.message.startswith(label):
            return error
        return SceneError(label + error.message, error.filename, error.lineno, error.frames)
    if str(error).startswith(label):
        return error
    try:
        return type(error)(label + str(error))
    except Exception:  # an exception class that takes other arguments
        return RuntimeError(f"{label}{type(error).__name__}: {error}")


def _literal(text: str, name: str):
    """Return the value of the last top-level ``name = <literal>`` in ``text``, or None."""
    if name not in text:
        return None  # not assigned: no need to parse a big scene
    value = None
    for bound, _line, expr in top_level_bindings(text):
        if bound == name:
            value = expr.value if isinstance(expr, ast.Constant) else None
    return value


def _at(source, name: str, message: str) -> SceneError:
    """Build a SceneError at the line where the scene assigns ``name`` (or at the file)."""
    lines = [line for bound, line, _value in top_level_bindings(source.text) if bound == name]
    return SceneError(message, source.path, lines[-1] if lines else None)
