"""Backgrounds: what rays that hit nothing see (``BACKGROUND = Color(...)`` or ``Sky(...)``).

A background implements ``colors(dx, dy, dz) -> (3, n)``: the colours seen along unit ray
directions (arrays). Puray's background is black; a scene without BACKGROUND (or with a
black one) renders exactly as before, reflections included.
"""

from __future__ import annotations

import numpy as np

from ..errors import SceneError, caller_site, error_at
from ..vector import Color
from .color_source import method_site
from .textures import is_color


class Background:
    """Base of the built-in backgrounds."""

    def colors(self, dx: np.ndarray, dy: np.ndarray, dz: np.ndarray) -> np.ndarray:
        """Return the (3, n) colours seen along unit directions (dx, dy, dz)."""
        raise NotImplementedError


class Plain(Background):
    """One colour in every direction."""

    def __init__(self, color: Color) -> None:
        self.rgb = np.array([color.x, color.y, color.z], dtype=np.float64)

    def colors(self, dx, dy, dz):
        return np.repeat(self.rgb[:, None], len(dx), axis=1)


class Sky(Background):
    """A sky: ``horizon`` at and below the horizon, blending to ``zenith`` straight up (-y).

    The blend follows the sine of the elevation, so most of the sky near the horizon stays
    pale and the deep colour gathers overhead, as in a clear sky.
    """

    def __init__(self, zenith: Color, horizon: Color) -> None:
        site = self._site = caller_site()
        for name, value in (("zenith", zenith), ("horizon", horizon)):
            if not is_color(value):
                raise error_at(site, f"Sky {name} must be a Color, got {value!r}")
        self.zenith = zenith
        self.horizon = horizon
        self._top = np.array([zenith.x, zenith.y, zenith.z], dtype=np.float64)
        self._low = np.array([horizon.x, horizon.y, horizon.z], dtype=np.float64)

    def colors(self, dx, dy, dz):
        up = np.clip(-dy, 0.0, 1.0)  # y grows downwards: up is -y
        return self._low[:, None] + (self._top - self._low)[:, None] * up[None, :]


def as_background(value) -> Background | None:
    """Return the background a scene's BACKGROUND names; None for black (the exact path).

    Raises SceneError (without a place: the caller adds BACKGROUND's line) for anything
    that is neither a Color nor a background.
    """
    if value is None:
        return None
    if callable(getattr(value, "colors", None)) and not isinstance(value, Color):
        return value
    if is_color(value):
        if not (value.x or value.y or value.z):
            return None  # black: rays that miss stay exactly as Puray draws them
        return Plain(value)
    raise SceneError(f"BACKGROUND must be a Color or a Sky, got {value!r}")


def background_colors(background, d) -> np.ndarray:
    """Return a background's (3, n) colours along directions ``d``, checking user code."""
    n = len(d[0])
    out = np.asarray(background.colors(d[0], d[1], d[2]), dtype=np.float64)
    if out.shape != (3, n):
        try:
            out = np.broadcast_to(out, (3, n))
        except ValueError:
            msg = f"background colors returned shape {out.shape}, expected (3, {n})"
            raise error_at(method_site(background, "colors", *d), msg) from None
    if not np.isfinite(out).all():
        site = method_site(background, "colors", *d)  # only now: it calls colors() again
        raise error_at(site, "background colors returned NaN or inf")
    return out
