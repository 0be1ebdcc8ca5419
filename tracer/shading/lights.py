"""Point lights, and area lights: a light with a radius casts soft shadows (area_light.py)."""

from __future__ import annotations

import math

from ..errors import caller_site, error_at
from ..vector import Color, Point


class Light:
    """A coloured point light at ``position`` (Puray's Light).

    With ``radius`` > 0 it is a sphere that casts soft shadows (when shadows are on);
    shading still uses its centre.
    """

    _pos: tuple[float, float, float]  # validated copies, set when the scene is checked
    _rgb: tuple[float, float, float]

    def __init__(self, position: Point, color: Color | None = None, radius: float = 0.0) -> None:
        self.position = position
        self.color = Color.from_hex("#FFFFFF") if color is None else color
        self._site = caller_site()
        ok = isinstance(radius, (int, float)) and not isinstance(radius, bool)
        if not (ok and math.isfinite(radius) and radius >= 0):
            raise error_at(self._site, f"Light radius must be a number 0 or more, got {radius!r}")
        self.radius = radius
        self._radius = float(radius)
