"""Puray's module names (``from sphere import Sphere`` ...) mapped to our classes.

While a scene loads, ``color``, ``vector``, ``point``, ``sphere``, ``material`` and ``light``
resolve to these modules, so Puray scene files run unchanged.
"""

from __future__ import annotations

import types

from .. import geometry, vector
from ..shading import lights, materials


def _module(name: str, **attrs) -> types.ModuleType:
    module = types.ModuleType(name, f"Puray-compatible '{name}' module (provided by tracer)")
    module.__dict__.update(attrs)
    return module


MODULES = {
    "color": _module("color", Color=vector.Color),
    "vector": _module("vector", Vector=vector.Vector),
    "point": _module("point", Point=vector.Point),
    "sphere": _module("sphere", Sphere=geometry.Sphere),
    "material": _module(
        "material", Material=materials.Material, ChequeredMaterial=materials.ChequeredMaterial
    ),
    "light": _module("light", Light=lights.Light),
}
