"""Cones along any axis, closed by their base cap."""

from __future__ import annotations

import math

import numpy as np

from ..arrays import unit
from ..shading.materials import Material
from ..vector import Point
from .axial import Axis, dot3, roots
from .intervals import Intervals, single
from .shape import Triple
from .solid import Solid

SIDE, BASE_CAP = 0, 1


class Cone(Solid):
    """A solid cone from a base disc of ``radius`` to ``apex``; faces: 0 side, 1 base cap."""

    face_count = 2

    def __init__(self, base: Point, apex: Point, radius: float, material: Material | None = None):
        super().__init__(material)
        self.base = base
        self.apex = apex
        self.radius = radius

    def prepare(self) -> None:
        self._axis = Axis(self.base, self.apex, self.radius, "Cone", "apex", self._site)
        self._k = self._axis.radius / self._axis.height  # radius lost per unit of height

    def bounds(self):
        return self._axis.bounds(self._axis.radius, 0.0)

    def intervals(self, o: Triple, d: Triple) -> Intervals:
        ax, k2 = self._axis, self._k * self._k
        u0, du, op, dp = ax.split(o, d)
        w0 = ax.height - u0  # height below the apex
        qa = dot3(dp, dp) - k2 * du * du
        qb = dot3(op, dp) + k2 * w0 * du
        qc = dot3(op, op) - k2 * w0 * w0
        r0, r1, real = roots(qa, qb, qc)
        # qa > 0: inside between the roots; otherwise the line crosses both nappes and the
        # part inside ours is the ray piece on our side of the apex (w >= 0 there).
        ours_first = ax.height - (u0 + r0 * du) >= 0
        lo = np.where(qa > 0, r0, np.where(ours_first, -np.inf, r1))
        hi = np.where(qa > 0, r1, np.where(ours_first, r0, np.inf))
        s0, s1 = ax.slab(u0, du)
        t_in, t_out = np.maximum(lo, s0), np.minimum(hi, s1)
        id_in = np.where((s0 > lo) & (du > 0), BASE_CAP, SIDE)
        id_out = np.where((s1 < hi) & (du < 0), BASE_CAP, SIDE)
        hit = real & (t_in <= t_out) & np.isfinite(t_in) & np.isfinite(t_out)
        return single(t_in, t_out, id_in, id_out, hit)

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple:
        ax = self._axis
        u, v = ax.radial(p)
        if prim is None:
            prim = np.where(np.abs(u) < 1e-9 * ax.height, BASE_CAP, SIDE)
        with np.errstate(invalid="ignore", divide="ignore"):  # on the axis
            vx, vy, vz = unit(*(np.array(c, dtype=np.float64) for c in v))
        scale = 1.0 / math.sqrt(1.0 + self._k * self._k)
        side = [(c + self._k * a) * scale for c, a in zip((vx, vy, vz), ax.a, strict=True)]
        return tuple(
            np.nan_to_num(np.where(prim == SIDE, side[k], -ax.a[k]), nan=ax.a[k]) for k in range(3)
        )
