"""Cameras turn pixel coordinates into rays.

A camera implements ``rays(px, py, width, height) -> (origin, direction)``: ``px`` and ``py``
are float pixel coordinates (pixel centres at whole numbers, anti-aliasing adds sub-pixel
offsets); it returns triples of arrays (an origin may be a triple of floats when all rays share
it). Depth of field fits this seam: a lens camera returns per-ray origins on its aperture.
"""

from __future__ import annotations

import math

import numpy as np

from .arrays import unit
from .errors import caller_site, error_at, finite_xyz
from .vector import Vector


class Camera:
    """Base class: a position all camera-facing shading uses (Puray's 'to camera' vector)."""

    position: tuple[float, float, float]

    def prepare(self) -> None:
        """Validate and cache numbers (raises SceneError)."""

    def rays(self, px: np.ndarray, py: np.ndarray, width: int, height: int):
        raise NotImplementedError


class PurayCamera(Camera):
    """Puray's pinhole: from ``position`` through the z=0 plane, x in [-1, 1], y down."""

    def __init__(self, position: Vector, site=None) -> None:
        self.source = position
        self._site = site or caller_site()

    def prepare(self) -> None:
        self.position = finite_xyz(self.source, "CAMERA", self._site)

    def rays(self, px, py, width, height):
        aspect = float(width) / height
        x0, x1 = -1.0, 1.0
        y0, y1 = -1.0 / aspect, 1.0 / aspect
        xstep = (x1 - x0) / (width - 1) if width > 1 else 0.0
        ystep = (y1 - y0) / (height - 1) if height > 1 else 0.0
        cx, cy, cz = self.position
        # target = (x0 + i * xstep, y0 + j * ystep, 0); direction = unit(target - camera)
        dx = (x0 + px * xstep) - cx
        dy = (y0 + py * ystep) - cy
        dz = np.full_like(dx, 0.0 - cz)
        return (cx, cy, cz), unit(dx, dy, dz)


class LookAtCamera(Camera):
    """A pinhole at ``position`` looking at ``look_at`` with horizontal field of view ``fov``.

    Puray's world has y growing downwards, so the default ``up`` is (0, -1, 0).
    """

    def __init__(
        self,
        position: Vector,
        look_at: Vector,
        fov: float = 60.0,
        up: Vector | None = None,
    ) -> None:
        self.source = position
        self.look_at = look_at
        self.fov = fov
        self.up = Vector(0, -1, 0) if up is None else up
        self._site = caller_site()

    def prepare(self) -> None:
        site = self._site
        self.position = finite_xyz(self.source, "camera position", site, "Point")
        target = np.array(finite_xyz(self.look_at, "camera look_at", site, "Point"))
        up = np.array(finite_xyz(self.up, "camera up", site))
        if not (isinstance(self.fov, (int, float)) and 0 < self.fov < 180):
            raise error_at(site, f"camera fov must be between 0 and 180 degrees, got {self.fov!r}")
        forward = target - np.array(self.position)
        if not np.any(forward):
            raise error_at(site, "camera look_at must differ from its position")
        forward /= np.linalg.norm(forward)
        right = np.cross(forward, up)
        if np.linalg.norm(right) < 1e-12:
            raise error_at(site, "camera up must not be parallel to the viewing direction")
        right /= np.linalg.norm(right)
        self._basis = (forward, right, np.cross(forward, right))
        self._half = math.tan(math.radians(self.fov) / 2)

    def rays(self, px, py, width, height):
        forward, right, down = self._basis
        sx = (-1.0 + px * (2.0 / (width - 1) if width > 1 else 0.0)) * self._half
        sy = (-1.0 + py * (2.0 / (height - 1) if height > 1 else 0.0)) * (
            self._half * height / width
        )
        d = [forward[k] + right[k] * sx + down[k] * sy for k in range(3)]
        m = np.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
        return self.position, (d[0] / m, d[1] / m, d[2] / m)
