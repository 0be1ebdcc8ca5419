"""Frame numbers: FRAME and T while a scene loads, FRAMES and FPS it defines, frame ranges.

The rule for ``T``: a scene runs with ``FRAME`` (0-based) and ``T = FRAME / FRAMES``, where
FRAMES is the value the scene itself defines (1 when it defines none). Since FRAMES is known
only once the scene has run, the loader runs it with its best guess of FRAMES, in this order:

1. what this process saw the last time it loaded this version of the scene;
2. a top-level ``FRAMES = <whole number>`` in the scene's text;
3. neither: it first runs frame 0 (whose T is 0 whatever FRAMES is) and reads FRAMES there.

If the run ends with a FRAMES other than the guess, the scene runs once more with the true T;
a scene whose FRAMES depends on FRAME or T is an error. Frame 0 always runs once, so Puray
scenes and stills load exactly as before. Every frame runs with the same seed: a random
layout stays put while the animation moves (seed by FRAME yourself for per-frame noise).
"""

from __future__ import annotations

import ast
import math
from collections import OrderedDict

from ..errors import SceneError
from ..settings import MAX_FRAMES

DEFAULT_FPS = 24.0
MAX_FPS = 1000.0

#: FRAMES of scene versions this process has loaded (digest -> FRAMES), newest last.
_seen: OrderedDict[str, int] = OrderedDict()
_SEEN_SIZE = 64


def frames_seen(source) -> int | None:
    """Return the FRAMES this process saw the last time it loaded this scene version."""
    return _seen.get(source.digest)


def frames_literal(source) -> int | None:
    """Return the value of a top-level ``FRAMES = <whole number>`` in the scene, if any."""
    value = _literal(source.text, "FRAMES")
    return value if isinstance(value, int) and 1 <= value <= MAX_FRAMES else None


def remember_frames(source, frames: int) -> None:
    """Remember the FRAMES a scene version defined, for its next frames in this process."""
    _seen[source.digest] = frames
    _seen.move_to_end(source.digest)
    while len(_seen) > _SEEN_SIZE:
        _seen.popitem(last=False)


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
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or not 0 < value <= MAX_FPS:
        raise _at(
            source, "FPS", f"FPS must be a number above 0 and at most {MAX_FPS:g}, got {value!r}"
        )
    return float(value)


def check_same_frames(source, namespace: dict, frames: int) -> None:
    """Raise SceneError if a second run of a frame defines yet another FRAMES."""
    if read_frames(source, namespace) != frames:
        raise _at(
            source, "FRAMES", "FRAMES must not depend on FRAME or T: it changed between frames"
        )


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
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError):
        return None
    value = None
    for node in body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            value = node.value.value if isinstance(node.value, ast.Constant) else None
    return value


def _at(source, name: str, message: str) -> SceneError:
    """Build a SceneError at the line where the scene assigns ``name`` (or at the file)."""
    line = None
    try:
        for node in ast.parse(source.text).body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                line = node.lineno
    except (SyntaxError, ValueError):
        pass
    return SceneError(message, source.path, line)
