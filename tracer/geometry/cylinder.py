"""Cylinders along any axis, closed by two caps."""

from __future__ import annotations

import numpy as np

from ..arrays import unit
from ..shading.materials import Material
from ..vector import Point
from .axial import Axis, dot3, roots
from .intervals import Intervals, single
from .shape import Triple
from .solid import Solid

SIDE, BASE_CAP, TOP_CAP = 0, 1, 2


class Cylinder(Solid):
    """A solid cylinder from ``base`` to ``top``; faces: 0 side, 1 base cap, 2 top cap."""

    face_count = 3

    def __init__(self, base: Point, top: Point, radius: float, material: Material | None = None):
        super().__init__(material)
        self.base = base
        self.top = top
        self.radius = radius

    def prepare(self) -> None:
        self._axis = Axis(self.base, self.top, self.radius, "Cylinder", "top", self._site)

    def bounds(self):
        return self._axis.bounds(self._axis.radius, self._axis.radius)

    def intervals(self, o: Triple, d: Triple) -> Intervals:
        ax = self._axis
        u0, du, op, dp = ax.split(o, d)
        qa, qb = dot3(dp, dp), dot3(op, dp)
        qc = dot3(op, op) - ax.radius * ax.radius
        r0, r1, real = roots(qa, qb, qc)
        parallel = qa == 0  # along the axis: inside the tube everywhere or nowhere
        r0 = np.where(parallel, np.where(qc <= 0, -np.inf, np.inf), r0)
        r1 = np.where(parallel, np.where(qc <= 0, np.inf, -np.inf), r1)
        real |= parallel
        s0, s1 = ax.slab(u0, du)
        t_in, t_out = np.maximum(r0, s0), np.minimum(r1, s1)
        cap_in = np.where(du > 0, BASE_CAP, TOP_CAP)
        cap_out = np.where(du > 0, TOP_CAP, BASE_CAP)
        id_in = np.where(s0 > r0, cap_in, SIDE)
        id_out = np.where(s1 < r1, cap_out, SIDE)
        hit = real & (t_in <= t_out) & np.isfinite(t_in) & np.isfinite(t_out)
        return single(t_in, t_out, id_in, id_out, hit)

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple:
        ax = self._axis
        u, v = ax.radial(p)
        if prim is None:
            prim = _nearest_surface(u, v, ax)
        with np.errstate(invalid="ignore", divide="ignore"):  # on the axis
            side = np.asarray(unit(*(np.array(c, dtype=np.float64) for c in v)))
        cap = np.where(prim == TOP_CAP, 1.0, -1.0)
        return tuple(np.where(prim == SIDE, side[k], cap * ax.a[k]) for k in range(3))


def _nearest_surface(u, v, ax: Axis) -> np.ndarray:
    r = np.sqrt(dot3(v, v))
    gaps = np.stack((np.abs(r - ax.radius), np.abs(u), np.abs(u - ax.height)))
    return np.argmin(gaps, axis=0)
