"""Validate a scene's OBJECTS before rendering: plain spheres all at once, the rest one by one."""

from __future__ import annotations

from ..errors import SceneError
from .shape import Shape
from .sphere import Sphere, prepare_spheres


def prepare_all(objects) -> None:
    """Validate every object of a scene (plain spheres all at once, the rest one by one).

    The error raised is the one of the first bad object in OBJECTS, as if checked in order.
    """
    spheres, positions = [], []
    first_error: tuple[int, SceneError] | None = None
    for k, obj in enumerate(objects):
        if not isinstance(obj, Shape):
            error = SceneError(f"OBJECTS holds {obj!r}, which is not a shape (Sphere, Plane, ...)")
            first_error = first_error or (k, error)
            break
        if type(obj) is Sphere:
            spheres.append(obj)
            positions.append(k)
            continue
        try:
            obj.prepare()
        except SceneError as exc:
            first_error = (k, exc)
            break
    try:
        prepare_spheres(spheres)
    except SceneError as exc:
        bad = positions[getattr(exc, "index", 0)]
        if first_error is None or bad < first_error[0]:
            raise
    if first_error is not None:
        raise first_error[1]
