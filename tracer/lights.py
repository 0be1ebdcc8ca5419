"""Point lights."""

from __future__ import annotations

from .errors import caller_site
from .vector import Color, Point


class Light:
    """A coloured point light (Puray's Light)."""

    def __init__(self, position: Point, color: Color | None = None) -> None:
        self.position = position
        self.color = Color.from_hex("#FFFFFF") if color is None else color
        self._site = caller_site()
