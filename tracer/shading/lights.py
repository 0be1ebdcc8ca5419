"""Point lights."""

from __future__ import annotations

from ..errors import caller_site
from ..vector import Color, Point


class Light:
    """A coloured point light (Puray's Light)."""

    _pos: tuple[float, float, float]  # validated copies, set when the scene is checked
    _rgb: tuple[float, float, float]

    def __init__(self, position: Point, color: Color | None = None) -> None:
        self.position = position
        self.color = Color.from_hex("#FFFFFF") if color is None else color
        self._site = caller_site()
