"""Textures: colours that vary over space, for materials (``Material(color=Marble(...))``).

A texture is a colour source (color_source.py's ``ColorSource``): it implements
``colors_at(points) -> (n, 3)``: ``points`` is an (n, 3) float64 array of hit points
(x, y, z per row), the result RGB in 0..1. Textures are solid (3-D): they
colour a point in space, whatever surface passes through it. They are deterministic (the
same picture in every process) and compose: wherever a texture takes a colour it also takes
a texture (``Marble(Noise(...), Color(...))``). A texture a scene writes itself only needs a
``colors_at`` (or Puray's scalar ``color_at``) method.

Procedural textures blend two inputs ``a`` and ``b`` by a weight in [0, 1]; ``scale`` is a
frequency: points are multiplied by it, so a larger scale gives a finer pattern.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import caller_site, error_at
from ..vector import Color
from .color_source import Layer, is_texture, layer_colors
from .noise import fbm, turbulence

#: Most octaves of noise a texture sums (beyond this they are finer than float64 can place).
MAX_OCTAVES = 16


class Texture:
    """Base of the built-in textures: remembers where the scene created it."""

    _site: tuple[str, int] | None = None

    def colors_at(self, points: np.ndarray) -> np.ndarray:
        """Return the (n, 3) colours at an (n, 3) array of points."""
        raise NotImplementedError

    def color_at(self, position) -> Color:
        """Return the colour at one point (Puray's scalar form; slow)."""
        rgb = layer_colors(self, np.array([[position.x, position.y, position.z]], float))[0]
        return Color(*(float(c) for c in rgb))


def is_color(value: object) -> bool:
    """Tell whether ``value`` is a Color-like with three finite channels."""
    try:
        return all(math.isfinite(float(c)) for c in (value.x, value.y, value.z))  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError):
        return False


def check_layer(value, what: str, site) -> Layer:
    """Return ``value`` if it is a Color or a texture; raise SceneError at ``site`` if not."""
    if is_texture(value) or is_color(value):
        return value
    raise error_at(site, f"{what} must be a Color or a texture, got {value!r}")


def check_positive(value, what: str, site) -> float:
    """Return ``value`` as a float if it is a finite number above zero."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not (math.isfinite(value) and value > 0):
        raise error_at(site, f"{what} must be a positive number, got {value!r}")
    return float(value)


def check_count(value, what: str, site, top: int) -> int:
    """Return ``value`` if it is a whole number from 1 to ``top``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= top:
        raise error_at(site, f"{what} must be a whole number from 1 to {top}, got {value!r}")
    return int(value)


def check_seed(value, what: str, site) -> int:
    """Return ``value`` if it is a whole number (a noise seed)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise error_at(site, f"{what} seed must be a whole number, got {value!r}")
    return int(value)


def mix(a, b, t: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Return (n, 3) colours ``a * (1 - t) + b * t`` of two layers at ``points``."""
    ca, cb = layer_colors(a, points), layer_colors(b, points)
    w = t[:, None]
    return ca * (1.0 - w) + cb * w


class Checker(Texture):
    """A 3-D chequerboard of cubes of side ``size``: ``a`` where the cell sum is even.

    Cells are counted by ``floor(x / size + BIAS) + floor(y / size + BIAS) + ...``: the
    lattice is shifted by a millionth of a cell so that a plane lying on a cell boundary
    (a floor at y = 0) falls cleanly into one layer of cells instead of speckling as its
    hit points round to either side.
    """

    #: The lattice's shift, in cells: far above the rounding of hit points, far below a pixel.
    BIAS = 1e-6

    def __init__(self, a, b, size: float = 1.0) -> None:
        self._site = site = caller_site()
        self.a = check_layer(a, "Checker a", site)
        self.b = check_layer(b, "Checker b", site)
        self.size = check_positive(size, "Checker size", site)

    def colors_at(self, points: np.ndarray) -> np.ndarray:
        cells = np.floor(points / self.size + self.BIAS).sum(axis=1)
        odd = np.fmod(np.abs(cells), 2.0) == 1.0
        return mix(self.a, self.b, odd.astype(np.float64), points)


class Noise(Texture):
    """Perlin noise summed over ``octaves`` (fractal Brownian motion), blending a into b."""

    #: Noise sums cluster around 0; this spreads them over the blend's [0, 1].
    CONTRAST = 1.5

    def __init__(self, a, b, scale: float = 1.0, octaves: int = 4, seed: int = 0) -> None:
        self._site = site = caller_site()
        self.a = check_layer(a, "Noise a", site)
        self.b = check_layer(b, "Noise b", site)
        self.scale = check_positive(scale, "Noise scale", site)
        self.octaves = check_count(octaves, "Noise octaves", site, MAX_OCTAVES)
        self.seed = check_seed(seed, "Noise", site)

    def colors_at(self, points: np.ndarray) -> np.ndarray:
        n = fbm(points * self.scale, self.octaves, self.seed)
        t = np.clip(0.5 + self.CONTRAST * n, 0.0, 1.0)
        return mix(self.a, self.b, t, points)


class Marble(Texture):
    """Veins of ``b`` through ``a``: a sine along x, swirled by Perlin's turbulence."""

    OCTAVES = 6

    def __init__(self, a, b, scale: float = 1.0, turbulence: float = 5.0, seed: int = 0) -> None:
        self._site = site = caller_site()
        self.a = check_layer(a, "Marble a", site)
        self.b = check_layer(b, "Marble b", site)
        self.scale = check_positive(scale, "Marble scale", site)
        if isinstance(turbulence, bool) or not isinstance(turbulence, (int, float)):
            raise error_at(site, f"Marble turbulence must be a number, got {turbulence!r}")
        if not (math.isfinite(turbulence) and turbulence >= 0):
            raise error_at(site, f"Marble turbulence must be 0 or more, got {turbulence!r}")
        self.turbulence = float(turbulence)
        self.seed = check_seed(seed, "Marble", site)

    def colors_at(self, points: np.ndarray) -> np.ndarray:
        q = points * self.scale
        swirl = self.turbulence * turbulence(q, self.OCTAVES, self.seed)
        vein = 0.5 + 0.5 * np.sin(np.pi * (q[:, 0] + q[:, 1] * 0.5 + swirl))
        return mix(self.a, self.b, vein**3, points)  # cubed: thin veins, broad stone


class Wood(Texture):
    """Growth rings around the y axis: ``rings`` per unit (scaled), a in the wood, b in rings."""

    OCTAVES = 3

    def __init__(self, a, b, scale: float = 1.0, rings: float = 8.0, seed: int = 0) -> None:
        self._site = site = caller_site()
        self.a = check_layer(a, "Wood a", site)
        self.b = check_layer(b, "Wood b", site)
        self.scale = check_positive(scale, "Wood scale", site)
        self.rings = check_positive(rings, "Wood rings", site)
        self.seed = check_seed(seed, "Wood", site)

    def colors_at(self, points: np.ndarray) -> np.ndarray:
        q = points * self.scale
        grain = fbm(q * np.array([1.0, 0.15, 1.0]) * 2.0, self.OCTAVES, self.seed)
        radius = np.hypot(q[:, 0], q[:, 2]) + 0.12 * grain
        ring = radius * self.rings
        ring -= np.floor(ring)  # 0..1 across each ring
        t = np.clip((ring - 0.55) / 0.45, 0.0, 1.0) ** 2  # latewood: a darker band
        return mix(self.a, self.b, t, points)
