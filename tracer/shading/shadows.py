"""Shadow rays beyond Puray's: toward a sampled point of an area light, through clear surfaces.

Puray's hard shadows are one any-hit query toward the light (the kernel's fast path, taken
whenever a scene's reflectance model lets no light through and no light has a radius). Here a
shadow ray may head for a point sampled on an area light (area_light.py), and the scene's
reflectance model decides what the surfaces on the way let through (glass.py: its tint and
absorption dim the light).
"""

from __future__ import annotations

import numpy as np

from ..arrays import dot, unit
from .model import NormalsOf, Offset, Vec


def visibility(
    sa, light: int, p: Vec, q: Vec, L: Vec, dist, samples, normals: NormalsOf, offset: Offset
):
    """Return (dark mask, (3, m) transmittance or None) of shadow rays from ``q`` to a light.

    ``L``, ``dist``: direction and distance to the light's centre; a light with a radius
    is sampled at a point of its disc when ``samples`` (LightSamples) are given.
    ``normals``: the kernel's normals stage, for the surfaces the rays pass; ``offset``: the
    kernel's offset rule, for how far beyond them the rays go on.
    """
    center = sa.lights[light][0]
    toward = center
    radius = sa.radii[light]
    if radius > 0 and samples is not None:
        s = samples.points(light, center, radius, p)
        v = (s[0] - p[0], s[1] - p[1], s[2] - p[2])
        dist = np.sqrt(dot(v, v))
        L = unit(*v)
        toward = None
    return sa.model.transmittance(sa, q, L, dist, toward, normals, offset)
