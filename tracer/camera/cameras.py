"""Cameras turn pixel coordinates into rays.

A camera implements ``rays(px, py, width, height) -> (origin, direction)``: ``px`` and ``py``
are float pixel coordinates (pixel centres at whole numbers, anti-aliasing adds sub-pixel
offsets); it returns triples of arrays (an origin may be a triple of floats when all rays share
it).

A camera whose ``uses_lens`` is true also gets ``lens=(u, v)``: one 2-D sample per ray in
[0, 1)^2, stratified over each pixel's anti-aliasing samples and a pure function of (pixel,
sample index, seed) (see :mod:`tracer.sampling`). The thin-lens LookAtCamera uses it to pick
a point on its aperture, so any number of workers renders the same picture.
"""

from __future__ import annotations

import math

import numpy as np

from ..arrays import unit
from ..errors import caller_site, error_at, finite_xyz
from ..sampling import concentric_disk
from ..vector import Vector


def _number(value, what: str, site, zero_ok: bool = False) -> float:
    """Return a finite number above zero (or zero too) as a float; SceneError if not."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok and math.isfinite(value) and (value > 0 or (zero_ok and value == 0)):
        return float(value)
    need = "0 or more" if zero_ok else "above 0"
    raise error_at(site, f"{what} must be a number {need}, got {value!r}")


class Camera:
    """Base of the cameras: where rays start (Puray's 'to camera' vector uses its position)."""

    position: tuple[float, float, float]

    #: True when ``rays`` takes lens samples (the renderer computes them only then).
    uses_lens: bool = False

    def prepare(self) -> None:
        """Validate and cache numbers (raises SceneError)."""

    def rays(self, px: np.ndarray, py: np.ndarray, width: int, height: int, lens=None):
        """Return (origin, direction) of rays through pixel coordinates (px, py)."""
        raise NotImplementedError


class PurayCamera(Camera):
    """Puray's pinhole: from ``position`` through the z=0 plane, x in [-1, 1], y down.

    A scene's ``CAMERA = Vector(...)`` becomes one; ``site`` is where the scene made it.
    """

    def __init__(self, position: Vector, site=None) -> None:
        self.source = position
        self._site = site or caller_site()

    def prepare(self) -> None:
        self.position = finite_xyz(self.source, "CAMERA", self._site)

    def rays(self, px, py, width, height, lens=None):
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
    """A camera at ``position`` looking at ``look_at`` with horizontal field of view ``fov``.

    Puray's world has y growing downwards, so the default ``up`` is (0, -1, 0).
    With ``aperture`` > 0 it is a thin lens of that diameter: points on the plane at
    ``focus_distance`` along the view direction are sharp (None: the plane through
    ``look_at``), nearer and farther ones blur. ``aperture=0`` is a pinhole.
    """

    def __init__(
        self,
        position: Vector,
        look_at: Vector,
        fov: float = 60.0,
        up: Vector | None = None,
        aperture: float = 0.0,
        focus_distance: float | None = None,
    ) -> None:
        self.source = position
        self.look_at = look_at
        self.fov = fov
        self.up = Vector(0, -1, 0) if up is None else up
        self.aperture = aperture
        self.focus_distance = focus_distance
        self._site = caller_site()

    @property
    def uses_lens(self) -> bool:  # type: ignore[override]
        return bool(getattr(self, "_lens_radius", 0.0))

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
        self._lens_radius = _number(self.aperture, "camera aperture", site, zero_ok=True) / 2
        if self.focus_distance is None:
            self._focus = float(np.linalg.norm(target - np.array(self.position)))
        else:
            self._focus = _number(self.focus_distance, "camera focus_distance", site)

    def rays(self, px, py, width, height, lens=None):
        o, d = self._pinhole(px, py, width, height)
        if lens is None or not self._lens_radius:
            return o, d
        return self._thin_lens(d, lens)

    def _thin_lens(self, d, lens):
        """Return rays from points on the aperture through where pinhole rays ``d`` focus."""
        forward, right, down = self._basis
        lx, ly = concentric_disk(*lens)
        lx *= self._lens_radius
        ly *= self._lens_radius
        # The pinhole ray meets the focus plane (at focus distance along forward) at t.
        t = self._focus / (d[0] * forward[0] + d[1] * forward[1] + d[2] * forward[2])
        o, e = [], []
        for k in range(3):
            ok = self.position[k] + right[k] * lx + down[k] * ly
            o.append(ok)
            e.append(self.position[k] + d[k] * t - ok)
        m = np.sqrt(e[0] * e[0] + e[1] * e[1] + e[2] * e[2])
        return tuple(o), (e[0] / m, e[1] / m, e[2] / m)

    def _pinhole(self, px, py, width, height):
        forward, right, down = self._basis
        sx = (-1.0 + px * (2.0 / (width - 1) if width > 1 else 0.0)) * self._half
        sy = (-1.0 + py * (2.0 / (height - 1) if height > 1 else 0.0)) * (
            self._half * height / width
        )
        d = [forward[k] + right[k] * sx + down[k] * sy for k in range(3)]
        m = np.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
        return self.position, (d[0] / m, d[1] / m, d[2] / m)
