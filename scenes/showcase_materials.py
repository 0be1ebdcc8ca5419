"""Vectorised materials for the showcase scene: each colours a whole array of points at once.

A material that defines ``colors_at(points)`` gets an (n, 3) float64 array of hit points and
returns an (n, 3) array of RGB in 0..1; the renderer calls it once per bounce instead of once
per pixel. ``color_at`` is kept for Puray, which knows only the scalar form.
"""

import numpy as np

from tracer import Color, Material


def _rgb(color):
    return np.array([color.x, color.y, color.z], dtype=np.float64)


class _Vectorised(Material):
    """Answer Puray's scalar ``color_at`` through ``colors_at``."""

    def color_at(self, position):
        r, g, b = self.colors_at(np.array([[position.x, position.y, position.z]]))[0]
        return Color(r, g, b)


class Stripes(_Vectorised):
    """Bands of ``color1`` and ``color2``, ``width`` units wide, across ``direction``."""

    def __init__(self, color1, color2, width=0.1, direction=None, **shading):
        super().__init__(color1, **shading)
        self.color1, self.color2, self.width = color1, color2, width
        d = np.array([1.0, 1.0, 0.0]) if direction is None else np.array(list(direction), float)
        self.direction = d / np.linalg.norm(d)

    def colors_at(self, points):
        band = np.floor(points @ self.direction / self.width) % 2
        return np.where((band == 0)[:, None], _rgb(self.color1), _rgb(self.color2))


class Gradient(_Vectorised):
    """Blend from ``color0`` at point ``p0`` to ``color1`` at ``p1``, along the line between."""

    def __init__(self, color0, color1, p0, p1, **shading):
        super().__init__(color0, **shading)
        self.color0, self.color1 = color0, color1
        self.origin = np.array(list(p0), dtype=np.float64)
        span = np.array(list(p1), dtype=np.float64) - self.origin
        self.axis = span / (span @ span)

    def colors_at(self, points):
        t = np.clip((points - self.origin) @ self.axis, 0.0, 1.0)[:, None]
        return (1 - t) * _rgb(self.color0) + t * _rgb(self.color1)
