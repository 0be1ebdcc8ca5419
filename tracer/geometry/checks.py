"""Validate the numbers a scene gives a shape; errors name the scene line that made it."""

from __future__ import annotations

import math

from ..errors import error_at, finite_xyz

Site = tuple[str, int] | None


def point(value, what: str, site: Site) -> tuple[float, float, float]:
    """Return a Point's coordinates as floats (SceneError at ``site`` if it is not one)."""
    return finite_xyz(value, what, site, "Point")


def direction(value, what: str, site: Site) -> tuple[float, float, float]:
    """Return a non-zero Vector scaled to unit length."""
    x, y, z = finite_xyz(value, what, site)
    m = math.sqrt(x * x + y * y + z * z)
    if m == 0:
        raise error_at(site, f"{what} must not be the zero vector")
    return x / m, y / m, z / m


def positive(value, what: str, site: Site) -> float:
    """Return a positive finite number as a float."""
    try:
        r = float(value)
    except (TypeError, ValueError):
        raise error_at(site, f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(r) or r <= 0:
        raise error_at(site, f"{what} must be positive and finite, got {r}")
    return r


def number(value, what: str, site: Site) -> float:
    """Return a finite number as a float."""
    try:
        r = float(value)
    except (TypeError, ValueError):
        raise error_at(site, f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(r):
        raise error_at(site, f"{what} must be finite, got {r}")
    return r


def sub(a, b):
    """Return a - b for triples."""
    return a[0] - b[0], a[1] - b[1], a[2] - b[2]


def length(a) -> float:
    """Return the length of a triple."""
    return math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2])
