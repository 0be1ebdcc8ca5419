"""Puray's reflectance model: Phong's local colour plus a mirror reflection.

The local colour is ambient + per light Lambert diffuse and Blinn-Phong specular
(:func:`phong`); a surface with ``reflection`` r spawns one reflected ray and adds r times
its colour: ``colour = local + reflection * child`` (:class:`PhongScattering`). The products
and sums run in Puray's order, one channel row at a time, so pictures are Puray's bit for
bit (see ../shared/bench/ref.c).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from ..arrays import dot, unit
from .model import Branch, NormalsOf, Offset, SceneQueries, Step, Vec, step_at


class PhongTable(Protocol):
    """The material table and lights Phong's equation reads (the kernel's scene arrays)."""

    camera: Any  # (x, y, z): the position highlights are seen from
    lights: list  # [((x, y, z), (r, g, b)), ...]
    ambient: np.ndarray  # per material id
    diffuse: np.ndarray
    specular: np.ndarray
    spec_k: np.ndarray
    one_spec_k: float | None  # the exponent when every material has the same
    puray: bool  # Puray's scene: its half vector's view vector is camera - p, not unit


class LightVisibility(Protocol):
    """Shadow rays toward one light: (dark mask, (3, m) transmittance or None)."""

    def __call__(
        self, light: int, L: Vec, dist: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray | None]: ...


def phong(
    table: PhongTable,
    p: Vec,
    n: Vec,
    mat: np.ndarray,
    oc: np.ndarray,
    shadow: LightVisibility | None = None,
    terms: list | None = None,
    known: list | None = None,
) -> np.ndarray:
    """Return the (3, m) local colours at points ``p`` with normals ``n`` and colours ``oc``.

    ``shadow``: how much of each light reaches the points (None: shadows are off).
    ``terms`` (a pick's record, a G-buffer's) receives (kd, ks, dark or None, transmittance
    or None) for every light. ``known``: per light those terms from an earlier call at the
    same points toward the same light, or None where the light is new: only the materials'
    sums are done again for the others (a re-shade).
    """
    col = np.empty((3, len(mat)))
    col[:] = table.ambient[mat]  # white * ambient
    diffuse, spec = table.diffuse[mat], table.specular[mat]
    ocd = [oc[c] * diffuse for c in range(3)]
    view = None
    for i, (_position, rgb) in enumerate(table.lights):
        term = None if known is None else known[i]
        if term is None:
            view = view or _view(table, p, mat)
            term = _light_terms(table, p, n, i, view, shadow)
        if terms is not None:
            terms.append(term)
        kd, ks, _dark, trans = term
        _add_light(col, ocd, spec, rgb, kd, ks, trans)
    return col


def _view(table: PhongTable, p: Vec, mat: np.ndarray) -> tuple:
    """Return the highlights' exponent at the points and their vectors toward the camera."""
    k = table.one_spec_k if table.one_spec_k is not None else table.spec_k[mat]
    px, py, pz = p
    cx, cy, cz = table.camera
    tcx, tcy, tcz = cx - px, cy - py, cz - pz
    if not table.puray:  # Blinn's half vector of unit vectors (Puray's grows with distance)
        tcx, tcy, tcz = unit(tcx, tcy, tcz)
    return k, (tcx, tcy, tcz)


def _light_terms(table: PhongTable, p: Vec, n: Vec, i: int, view: tuple, shadow) -> tuple:
    """Return light ``i``'s (kd, ks, dark or None, transmittance or None) at the points."""
    k, (tcx, tcy, tcz) = view
    (lx, ly, lz), _rgb = table.lights[i]
    px, py, pz = p
    trans = dark = None
    Lx, Ly, Lz = lx - px, ly - py, lz - pz
    if shadow is not None:
        dist = np.sqrt(dot((Lx, Ly, Lz), (Lx, Ly, Lz)))
    Lx, Ly, Lz = unit(Lx, Ly, Lz)
    kd = dot(n, (Lx, Ly, Lz))
    np.maximum(kd, 0.0, out=kd)
    ks = dot(n, unit(Lx + tcx, Ly + tcy, Lz + tcz))
    np.maximum(ks, 0.0, out=ks)
    np.power(ks, k, out=ks)
    if shadow is not None:
        dark, trans = shadow(i, (Lx, Ly, Lz), dist)
        kd[dark] = 0.0
        ks[dark] = 0.0
    return kd, ks, dark, trans


def _add_light(col, ocd, spec, rgb, kd, ks, trans) -> None:
    """Add one light's diffuse and specular terms to the (3, m) colours, row by row."""
    for c in range(3):
        row = col[c]
        if trans is None:
            row += ocd[c] * kd
            term = spec * rgb[c]
            term *= ks
        else:  # a clear surface between: its tint and absorption dim the light
            row += ocd[c] * (kd * trans[c])
            term = spec * rgb[c]
            term *= ks * trans[c]
        row += term


def light_share(table: PhongTable, light: int, k: int, oc, kd, ks, trans) -> tuple[list, list]:
    """Return one light's (diffuse, specular) channels at material ``k``, for a pick's record.

    The same products in the same order as :func:`phong` adds them.
    """
    rgb = table.lights[light][1]
    d, s = table.diffuse[k], table.specular[k]
    if trans is None:
        return [oc[c] * d * kd for c in range(3)], [s * rgb[c] * ks for c in range(3)]
    diffuse = [oc[c] * d * (kd * trans[c]) for c in range(3)]
    return diffuse, [s * rgb[c] * (ks * trans[c]) for c in range(3)]


def reflect(p: Vec, n: Vec, d: Vec, step: Step) -> tuple[Vec, Vec]:
    """Return mirror-reflected rays: origins a ``step`` off the surface, unit directions."""
    o = tuple(pc + nc * step for pc, nc in zip(p, n, strict=True))
    dn = dot(d, n)
    dn *= 2
    return o, unit(d[0] - n[0] * dn, d[1] - n[1] * dn, d[2] - n[2] * dn)


def take(v: Vec, idx: np.ndarray) -> Vec:
    """Return the entries ``idx`` of a triple of arrays."""
    return (v[0][idx], v[1][idx], v[2][idx])


_NONE = np.empty(0, dtype=np.intp)


class PhongScattering:
    """Puray's bounce: a reflected ray from every hit that reflects, weighted by ``reflection``."""

    def __init__(self) -> None:
        self.refl = np.empty(0)
        self.go = _NONE

    def normals(self, n: Vec) -> Vec:
        return n

    def weigh(self, local: np.ndarray, reflection: np.ndarray) -> None:
        self.refl = reflection

    def children(self, p: Vec, n: Vec, d: Vec, step: Step, last: bool) -> list[Branch]:
        refl = self.refl
        go = self.go = _NONE if last else np.flatnonzero(refl)
        if go.size == 0:
            return []
        if go.size < refl.size:
            p, n, d, step = take(p, go), take(n, go), take(d, go), step_at(step, go)
        o, d = reflect(p, n, d, step)
        return [Branch("reflection", go, o, d, refl)]

    def fold(self, local: np.ndarray, child: np.ndarray | None) -> None:
        if child is None:
            return
        go, refl = self.go, self.refl
        if go.size == local.shape[1]:
            child *= refl
            local += child  # local + reflection * child
        else:
            local[:, go] += child * refl[go]

    def notes(self, row: int) -> dict[str, object]:
        return {}


class Phong:
    """Puray's model for a whole scene: opaque surfaces, mirror reflections."""

    transmits = False

    def lets_through(self, material: object) -> bool:
        return False

    def scattering(self, mat: np.ndarray, d: Vec, n: Vec, t: np.ndarray) -> PhongScattering:
        return PhongScattering()

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
        return scene.aggregate.occluded(q, L, dist, toward=toward), None

    def fingerprint(self) -> bytes:
        return b""
