"""Frame rates: the one range of FPS every animation writer keeps (GIF, APNG, WebP, MP4).

The slowest writers count a frame's time in 16 bits (APNG: 65.535 s at most), and MP4's time
base needs a rate above zero: 0.1 to 1000 frames per second covers slide shows to high-speed
clips. A scene's FPS, ``puray render --fps`` and the writers all check against this range.
"""

from __future__ import annotations

import math

MIN_FPS = 0.1
MAX_FPS = 1000.0


def fps_problem(value: object, what: str = "FPS") -> str | None:
    """Return why ``value`` is not a frame rate the writers keep (None when it is one)."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and math.isfinite(value) and MIN_FPS <= value <= MAX_FPS:  # type: ignore[operator, arg-type]
        return None
    return f"{what} must be from {MIN_FPS:g} to {MAX_FPS:g} frames per second, got {value!r}"


def check_fps(value: object, what: str = "FPS") -> float:
    """Return ``value`` as a float; raise ValueError (with the allowed range) if it is no FPS."""
    problem = fps_problem(value, what)
    if problem is not None:
        raise ValueError(problem)
    return float(value)  # type: ignore[arg-type]
