"""The reflectance model: what happens at a bounce's hits besides Phong's local colour.

The kernel's bounce loop (tracer/kernel/trace.py) never knows which model a scene has. At
every bounce it asks the scene's :class:`ReflectanceModel` for a :class:`Scattering` of the
hits, which turns the normals it shades with, weighs the children (and may dim the local
colour), spawns the children as :class:`Branch` es (reflected rays, refracted rays...) and
folds their colours back into the local ones. Puray's model is phong.py's (``local +
reflection * child``); glass.py's adds refraction. A new model is a new module here that
implements these two protocols, plus a line in reflectance.py's ``MODELS``.

Geometry travels as (x, y, z) triples of float64 arrays, one entry per hit; colours as (3, n)
arrays. Everything a model computes is float64, in a fixed order: pictures are exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

#: An (x, y, z) triple of arrays (or of floats: one origin shared by all rays).
Vec = tuple[Any, Any, Any]

#: How far rays spawned at hits start off the surface: one length for all, or one per hit.
Step = float | np.ndarray


def step_at(step: Step, rows: np.ndarray) -> Step:
    """Return the steps of hits ``rows`` (one length for all stays as it is)."""
    return step[rows] if isinstance(step, np.ndarray) else step


class Offset(Protocol):
    """The kernel's offset rule (tracer/kernel/offsets.py): the step at hits ``p``, ``t`` away."""

    def __call__(self, p: Vec, t: np.ndarray, /) -> Step: ...


@dataclass(frozen=True, slots=True)
class Branch:
    """Child rays of one kind spawned at some of a bounce's hits.

    ``rows``: the hits (positions among the bounce's) the rays leave from, in order;
    ``weights``: per hit of the bounce, the factor a child's colour is multiplied by in its
    parent's (its scalar part: a tint is the model's fold's business).
    """

    kind: str  # "reflection", "refraction"
    rows: np.ndarray
    o: Vec
    d: Vec
    weights: np.ndarray


class Scattering(Protocol):
    """What a reflectance model makes of one bounce's hits (built by ``model.scattering``)."""

    def normals(self, n: Vec) -> Vec:
        """Return the normals to shade and reflect with (e.g. turned to face the rays)."""
        ...

    def weigh(self, local: np.ndarray, reflection: np.ndarray) -> None:
        """Weigh the children by the materials' ``reflection``; may scale ``local`` in place."""
        ...

    def children(self, p: Vec, n: Vec, d: Vec, step: Step, last: bool) -> list[Branch]:
        """Return the child rays of the hits at ``p`` (none at the ``last`` bounce's depth).

        ``step``: how far children start off the surface (the kernel's offset rule).
        """
        ...

    def fold(self, local: np.ndarray, child: np.ndarray | None) -> None:
        """Add the children's (3, k) colours (branches in order) to ``local``, in place."""
        ...

    def notes(self, row: int) -> dict[str, object]:
        """Return what a pick records of hit ``row`` beyond Phong's terms (Bounce fields)."""
        ...


class RayQueries(Protocol):
    """The acceleration structure's two questions (tracer/accel/aggregates.py)."""

    def nearest(self, o: Vec, d: Vec) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Return (distance, object index or -1, prim or None) of every ray's nearest hit."""
        ...

    def occluded(self, o: Vec, d: Vec, dist: np.ndarray, toward: Any = None) -> np.ndarray:
        """Return a mask of the rays with a hit nearer than ``dist``."""
        ...


class SceneQueries(Protocol):
    """What shading asks of the kernel's scene arrays: ray queries and material ids."""

    aggregate: RayQueries

    def material_of(self, hit: np.ndarray, prim: np.ndarray | None) -> np.ndarray:
        """Return the material id of every hit."""
        ...


class NormalsOf(Protocol):
    """The kernel's normals stage: outward unit normals at points ``p`` of hit objects."""

    def __call__(
        self, scene: Any, p: Vec, d: Vec, hit: np.ndarray, prim: np.ndarray | None, /
    ) -> Vec: ...


class ReflectanceModel(Protocol):
    """A scene's reflectance model: its scattering at every bounce, and what it asks of the kernel.

    Besides the scattering: spheres with both roots, shadow rays that pass through surfaces.
    """

    #: Some surfaces let rays and light through: spheres of such materials need both roots
    #: (a ray inside hits the far side) and shadow rays ask :meth:`transmittance`.
    transmits: bool

    def lets_through(self, material: object) -> bool:
        """Tell whether rays go on inside surfaces of ``material``."""
        ...

    def scattering(self, mat: np.ndarray, d: Vec, n: Vec, t: np.ndarray) -> Scattering:
        """Return the scattering at hits of materials ``mat`` by rays ``d`` at distances ``t``."""
        ...

    def transmittance(
        self,
        scene: SceneQueries,
        q: Vec,
        L: Vec,
        dist: np.ndarray,
        toward: Any,
        normals: NormalsOf,
        offset: Offset,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Return (dark mask, (3, m) transmittance or None) of shadow rays ``q + s L``.

        ``offset``: the rule for how far a shadow ray passing a surface goes on beyond it.
        """
        ...

    def fingerprint(self) -> bytes:
        """Return the model's parameters as bytes (empty: nothing beyond the materials)."""
        ...
