"""Which reflectance model a scene gets: the first of :data:`MODELS` its materials ask for.

A scene has one model (model.py). Puray's Phong (phong.py) is every scene's unless one of
its materials needs more: glass (glass.py) brings reflection and refraction by Fresnel.
Each further model handles the plain materials as Phong does, and is one entry here.
"""

from __future__ import annotations

from .glass import GlassModel
from .model import ReflectanceModel
from .phong import Phong

#: Each entry returns its model for a scene's material table, or None if none needs it.
MODELS = (GlassModel.of,)


def model_for(materials: list) -> ReflectanceModel:
    """Return the reflectance model of a scene with this material table."""
    for of in MODELS:
        model = of(materials)
        if model is not None:
            return model
    return Phong()
