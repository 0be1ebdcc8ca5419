"""Move a look-at camera by hand: orbit around a pivot, pan, dolly (Qt-free maths).

Puray's world has y growing downwards: "up" is -y, as for LookAtCamera's default ``up``.
The rig keeps its state in full precision; :meth:`CameraRig.view` hands out the numbers
rounded as camera code writes them, so what is rendered is what "Write camera to scene"
writes, bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

from tracer.camera.code import rounded
from tracer.camera.view import View

MAX_ELEVATION = 89.0  # degrees: never look straight up or down (LookAtCamera's up is y)
MIN_DISTANCE = 1e-3
UP = np.array([0.0, -1.0, 0.0])


class CameraRig:
    """A camera at ``position`` looking at ``pivot`` with horizontal field of view ``fov``."""

    def __init__(self, view: View) -> None:
        position, look_at, fov = view
        self.pivot = np.array(look_at, dtype=np.float64)
        self.fov = float(fov)
        offset = np.array(position, dtype=np.float64) - self.pivot
        self.distance = max(MIN_DISTANCE, float(np.linalg.norm(offset)))
        flat = math.hypot(offset[0], offset[2])
        self.azimuth = math.degrees(math.atan2(offset[0], offset[2]))
        self.elevation = math.degrees(math.atan2(-offset[1], flat))  # above the pivot: > 0
        self.elevation = max(-MAX_ELEVATION, min(MAX_ELEVATION, self.elevation))

    @property
    def position(self) -> np.ndarray:
        az, el = math.radians(self.azimuth), math.radians(self.elevation)
        offset = np.array([math.cos(el) * math.sin(az), -math.sin(el), math.cos(el) * math.cos(az)])
        return self.pivot + self.distance * offset

    def basis(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the unit forward, right and down vectors (as LookAtCamera builds them)."""
        forward = self.pivot - self.position
        forward /= np.linalg.norm(forward)
        right = np.cross(forward, UP)
        right /= np.linalg.norm(right)
        return forward, right, np.cross(forward, right)

    def orbit(self, right_degrees: float, up_degrees: float) -> None:
        """Swing the camera around the pivot: rightwards and upwards, in degrees."""
        self.azimuth = (self.azimuth - right_degrees + 180.0) % 360.0 - 180.0
        self.elevation = max(-MAX_ELEVATION, min(MAX_ELEVATION, self.elevation + up_degrees))

    def pan(self, right: float, down: float) -> None:
        """Slide camera and pivot sideways; 1.0 moves by the view's width at the pivot."""
        _forward, r, d = self.basis()
        width = 2 * self.distance * math.tan(math.radians(self.fov) / 2)
        self.pivot = self.pivot + (r * right + d * down) * width

    def dolly(self, factor: float) -> None:
        """Move towards (factor < 1) or away from (factor > 1) the pivot."""
        self.distance = max(MIN_DISTANCE, self.distance * factor)

    def view(self) -> View:
        """Return (position, look_at, fov) rounded as camera code writes them."""
        p, t = self.position, self.pivot.copy()
        tiny = 1e-7 * max(1.0, self.distance)  # 1e-16 from sin(180 degrees) is a zero
        p[np.abs(p) < tiny] = 0.0
        t[np.abs(t) < tiny] = 0.0
        return rounded(((p[0], p[1], p[2]), (t[0], t[1], t[2]), self.fov))
