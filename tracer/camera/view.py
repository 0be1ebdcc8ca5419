"""A camera as plain numbers: how the GUI learns the scene's camera and overrides it.

A view is ``(position, look_at, fov)``: two (x, y, z) float triples and a horizontal field
of view in degrees, the arguments of :class:`~tracer.camera.cameras.LookAtCamera` with its default
``up`` (0, -1, 0). It travels in :class:`~tracer.settings.RenderSettings` (``camera``) to the
workers, which build the camera from the numbers: no scene code runs in the GUI.

Puray's camera maps to a view only approximately. It shoots rays from ``position`` through
the window x in [-1, 1], y in [-h/w, h/w] of the plane z = 0, a window centred on the origin
whatever the position: an off-axis (sheared) frustum when the camera is not at x = y = 0.
Its view looks from ``position`` through the origin (the window's centre, so the centre ray
is the same) with ``fov = 2 atan(1 / |position|)`` (the window's half-width seen from the
camera). For a camera on the z axis this is the same projection (pixels equal up to
rounding); off the axis the picture is turned instead of sheared, a few pixels apart.
``look_at`` (the pivot camera mode orbits around) is the first surface the centre ray hits,
or the origin when it hits nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..vector import Point
from .cameras import Camera, LookAtCamera, PurayCamera

XYZ = tuple[float, float, float]
View = tuple[XYZ, XYZ, float]
#: Where a ray (position, unit direction) first meets the scene's surfaces (None: nowhere).
FirstHit = Callable[[XYZ, XYZ], XYZ | None]
#: How a custom camera class (not Puray's, not LookAtCamera) is started from: straight ahead.
DEFAULT_FOV = 60.0


def view_of(camera: Camera, first_hit: FirstHit | None = None) -> tuple[str, View]:
    """Return a prepared camera's class name and its view (approximate for Puray's camera).

    ``first_hit(position, direction)``: where a ray first meets the scene (the kernel's
    ``SceneArrays.first_hit``); with it, a camera without a look-at point gets the first
    surface straight ahead as one.
    """
    pos = tuple(float(c) for c in camera.position)
    position = (pos[0], pos[1], pos[2])
    if isinstance(camera, LookAtCamera):
        target = (float(camera.look_at.x), float(camera.look_at.y), float(camera.look_at.z))
        return "LookAtCamera", (position, target, float(camera.fov))
    if isinstance(camera, PurayCamera):
        distance = math.sqrt(sum(c * c for c in position))
        if distance == 0:
            return "PurayCamera", (position, (0.0, 0.0, 1.0), 90.0)
        fov = math.degrees(2 * math.atan(1 / distance))
        ahead = (-position[0] / distance, -position[1] / distance, -position[2] / distance)
        hit = None if first_hit is None else first_hit(position, ahead)
        return "PurayCamera", (position, hit or (0.0, 0.0, 0.0), fov)
    straight = (position[0], position[1], position[2] + 1.0)
    hit = None if first_hit is None else first_hit(position, (0.0, 0.0, 1.0))
    return type(camera).__name__, (position, hit or straight, DEFAULT_FOV)


def camera_from(view: View) -> LookAtCamera:
    """Build and prepare the LookAtCamera a view stands for (raises SceneError if invalid)."""
    position, look_at, fov = view
    camera = LookAtCamera(Point(*position), Point(*look_at), fov=fov)
    camera.prepare()
    return camera


def check_view(view) -> None:
    """Raise ValueError unless ``view`` is ((x, y, z), (x, y, z), fov) of finite numbers."""
    try:
        position, look_at, fov = view
        numbers = [*position, *look_at, fov]
        ok = len(position) == 3 and len(look_at) == 3
    except (TypeError, ValueError):
        ok, numbers = False, []
    if not ok or not all(_is_number(n) and math.isfinite(n) for n in numbers):
        raise ValueError(f"camera must be ((x, y, z), (x, y, z), fov) numbers, got {view!r}")
    if not 0 < fov < 180:
        raise ValueError(f"camera fov must be between 0 and 180 degrees, got {fov!r}")
    if tuple(position) == tuple(look_at):
        raise ValueError("camera look_at must differ from its position")
    dx, dz = look_at[0] - position[0], look_at[2] - position[2]
    if dx == 0 and dz == 0:
        raise ValueError("camera must not look straight up or down (its up is the y axis)")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
