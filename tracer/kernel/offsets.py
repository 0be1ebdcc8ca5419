"""How far a spawned ray (reflected, refracted, shadow) starts off the surface it leaves.

A hit point computed in floating point lies a little off the true surface, on either side. A
ray spawned exactly there may hit the surface it leaves (acne: dark speckles), so it starts a
little way off along the normal. How far decides whether pictures depend on scale:

- **Puray's rule** (:class:`PurayOffset`): ``MIN_DISPLACE = 1e-4``, an absolute length. It
  is Puray's, so Puray's scenes keep it: 0 differing pixels against Puray and ref.c. A scene
  at 1 mm then leaks light (1e-4 is a tenth of its size: shadows shrink) and one at 1 km
  shows acne where shading normals differ from the facets.
- **The error-bound rule** (:class:`ErrorBoundOffset`): the offset is a bound on the
  rounding error of the hit point, ``RELATIVE * (max(|x|, |y|, |z|) + t)`` for a hit at
  ``p = o + t d`` (unit ``d``). It scales with the scene, so a scene scaled by any factor
  renders the same picture. See :class:`ErrorBoundOffset` for why it is safe.

Which scenes keep Puray's rule: those written for Puray, whose CAMERA is Puray's camera (a
Vector: Puray's pinhole looking through the z = 0 window) or whose file imports Puray's
modules (``from sphere import Sphere``, ``from vector import Vector``...). Puray's camera
cannot be scaled with a scene (its window is fixed), so nothing scale-free is lost. Every
other scene (``from tracer import ...`` and a LookAtCamera or a Camera class of its own) gets
the error-bound rule. The rule belongs to the scene, not to the view: the window's camera
mode keeps it while it moves the view, and a Puray scene whose camera was written back as a
LookAtCamera (it still imports Puray's modules) renders as the view did.
"""

from __future__ import annotations

import numpy as np

from ..camera.cameras import Camera, PurayCamera
from ..scene.puray_modules import MODULES
from ..scene.source import imported_modules

#: Puray's offset: an absolute length (scene units).
MIN_DISPLACE = 0.0001

#: The error-bound rule's factor: 2**-32 (about 2.3e-10) of the hit's coordinates and ray
#: length, a million (2**20) times float64's rounding unit 2**-52.
RELATIVE = 2.0**-32


class PurayOffset:
    """Puray's rule: every spawned ray starts MIN_DISPLACE off the surface."""

    puray = True

    def __call__(self, p, t) -> float:
        """Return the offset of spawned rays at hit points ``p`` reached at distances ``t``."""
        return MIN_DISPLACE

    def most(self, extent: float) -> float:
        """Return the largest offset of a hit within ``extent`` of the origin (for padding)."""
        return MIN_DISPLACE


class ErrorBoundOffset:
    """Offsets by a bound on the hit point's rounding error: scale-free.

    A hit ``p = o + t d`` rounds by at most a few units of 2**-52 of ``|o| + t`` (``|o| <=
    |p| + t``), and the distance ``t`` a shape's arithmetic returns (a quadratic's root,
    Möller-Trumbore's quotient, a plane's) errs, along the normal, by a few dozen units of
    the magnitudes it combines: the ray's origin, the shape's corners or centre, its radius.
    The spawned ray's own test against the surface it leaves errs by as much again. Both
    scale with the scene, so an offset proportional to ``max(|x|, |y|, |z|) + t`` with a
    factor of 2**20 rounding units keeps every spawned origin on the side it leaves, even
    for shapes whose magnitudes are 10^4 times the hit point's (a ground sphere of radius
    10^4 under a scene of size 1, a far-off origin), at any scale, while the offset stays
    2.3e-10 of the scene's size: no visible leak through a gap, no contact shadow lost.
    """

    puray = False

    def __call__(self, p, t) -> np.ndarray:
        """Return the offset of spawned rays at hit points ``p`` reached at distances ``t``."""
        size = np.abs(p[0])
        np.maximum(size, np.abs(p[1]), out=size)
        np.maximum(size, np.abs(p[2]), out=size)
        size += t
        size *= RELATIVE
        return size

    def most(self, extent: float) -> float:
        """Return the largest offset of a hit within ``extent`` of the origin (ray from there).

        Coordinates up to ``extent``, a ray length up to the box's diagonal, 2 sqrt(3) extent.
        """
        return RELATIVE * 5 * extent


def offset_rule(camera: Camera, puray_text: bool = False) -> PurayOffset | ErrorBoundOffset:
    """Return the offset rule of a scene with this (its own) camera.

    ``puray_text``: the scene's file imports Puray's modules (:func:`imports_puray`).
    """
    puray = puray_text or isinstance(camera, PurayCamera)
    return PurayOffset() if puray else ErrorBoundOffset()


def imports_puray(text: str) -> bool:
    """Tell whether a scene's source imports one of Puray's modules (``from sphere import``)."""
    return puray_among(imported_modules(text))


def puray_among(imports) -> bool:
    """Tell whether (module, level) imports (SceneSource.imports) name one of Puray's modules."""
    return any(name in MODULES and not level for name, level in imports)
