"""Colour sources: what a material asks of its colour, a Color or a texture: colours at points.

A colour source implements :class:`ColorSource` (``colors_at(points) -> (n, 3)``, the
vectorised form) or :class:`PointColorSource` (Puray's scalar ``color_at(position)``); the
renderer calls the most specific one a class defines (:func:`uses_vectorised`) and checks
what user code returned (:func:`surface_colors`), naming the line of its ``return``
(:func:`method_site`). Materials are colour sources too, and so are textures (textures.py),
which compose: a texture takes colour sources.
"""

from __future__ import annotations

import sys
from typing import Protocol, TypeGuard, cast

import numpy as np

from ..errors import error_at
from ..vector import Color, Point, Vector


class ColorSource(Protocol):
    """Colours at points, vectorised: the form built-in textures and materials implement."""

    def colors_at(self, points: np.ndarray) -> np.ndarray:
        """Return RGB in 0..1 as (n, 3) (or broadcasting to it) at (n, 3) float64 ``points``."""
        ...


class PointColorSource(Protocol):
    """Colours at points one at a time: Puray's scalar form (slow, works)."""

    def color_at(self, position: Point) -> Color:
        """Return the colour at one point."""
        ...


#: What materials and textures take wherever they take a colour.
Layer = Color | ColorSource | PointColorSource


def is_texture(value: object) -> TypeGuard[ColorSource | PointColorSource]:
    """Tell a texture (anything with ``colors_at`` or ``color_at``) from a plain colour."""
    if isinstance(value, Vector):
        return False
    return callable(getattr(value, "colors_at", None)) or callable(getattr(value, "color_at", None))


def layer_colors(layer: Layer, points: np.ndarray) -> np.ndarray:
    """Return a Color as a (1, 3) row, or a texture's checked (n, 3) colours at ``points``."""
    if is_texture(layer):
        return surface_colors(layer, points)
    rgb = cast(Color, layer)
    return np.array([[rgb.x, rgb.y, rgb.z]], dtype=np.float64)


def _definer(cls: type, name: str) -> type | None:
    for klass in cls.__mro__:
        if name in vars(klass):
            return klass
    return None


def uses_vectorised(material: object) -> bool:
    """Tell whether the renderer may call ``colors_at`` instead of ``color_at``."""
    cls = type(material)
    vec = _definer(cls, "colors_at")
    if vec is None:
        return False
    scalar = _definer(cls, "color_at")
    return scalar is None or issubclass(vec, scalar)


def _as_rgb(value) -> tuple[float, float, float] | None:
    try:
        rgb = (float(value.x), float(value.y), float(value.z))
    except (AttributeError, TypeError, ValueError):
        try:
            r, g, b = value
            rgb = (float(r), float(g), float(b))
        except (TypeError, ValueError):
            return None
    return rgb if all(np.isfinite(rgb)) else None


def method_site(material: object, name: str, *args) -> tuple[str, int] | None:
    """Return where a material's method returned what it returned: call it once more, watching.

    The line of its ``return`` (not of its ``def``) is what the user needs to fix.
    """
    method = getattr(material, name, None)
    code = getattr(getattr(method, "__func__", method), "__code__", None)
    if code is None:
        return getattr(material, "_site", None)
    site = (code.co_filename, code.co_firstlineno)

    def watch(frame, event, value):
        nonlocal site
        if event == "return" and frame.f_code is code:
            site = (code.co_filename, frame.f_lineno)

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        method(*args)  # type: ignore[misc]
    except BaseException:  # it returned junk a moment ago; whatever it does now, keep the line
        pass
    finally:
        sys.setprofile(previous)
    return site


def _as_numbers(value: object) -> np.ndarray | None:
    """Return what colors_at returned as float64s; None if it is no numbers (None, text)."""
    if value is None:
        return None
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"a {type(value).__name__}"


def surface_colors(material: object, points: np.ndarray) -> np.ndarray:
    """Return (n, 3) colours of ``material`` at ``points``, checking what user code returned."""
    n = len(points)
    if uses_vectorised(material):
        value = material.colors_at(points)  # type: ignore[attr-defined]
        out = _as_numbers(value)
        if out is None:
            raise error_at(
                method_site(material, "colors_at", points),
                f"colors_at must return an (n, 3) array of RGB numbers, one row a point; "
                f"got {_shown(value)}",
            )
        try:
            out = np.broadcast_to(out, (n, 3))
        except ValueError:
            raise error_at(
                method_site(material, "colors_at", points),
                f"colors_at returned shape {out.shape}, expected ({n}, 3)",
            ) from None
        if not np.isfinite(out).all():
            site = method_site(material, "colors_at", points)
            raise error_at(site, "colors_at returned NaN or inf")
        return out
    out = np.empty((n, 3))
    color_at = material.color_at  # type: ignore[attr-defined]
    for i, (x, y, z) in enumerate(points.tolist()):
        value = color_at(Point(x, y, z))
        rgb = _as_rgb(value)
        if rgb is None:
            raise error_at(
                method_site(material, "color_at", Point(x, y, z)),
                f"color_at must return a Color with finite channels, got {value!r}",
            )
        out[i] = rgb
    return out
