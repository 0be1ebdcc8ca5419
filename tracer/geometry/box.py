"""Axis-aligned boxes: the slab test, with the face crossed at entry and exit."""

from __future__ import annotations

import numpy as np

from ..errors import error_at
from ..shading.materials import Material
from ..vector import Point
from .checks import point
from .intervals import Intervals, single
from .shape import Triple
from .solid import Solid


class Box(Solid):
    """An axis-aligned box between two corners (any order per axis); normals face outward.

    Faces are numbered 2 * axis + side (side 0: the low face, 1: the high face).
    """

    face_count = 6

    def __init__(
        self, min_corner: Point, max_corner: Point, material: Material | None = None
    ) -> None:
        super().__init__(material)
        self.min_corner = min_corner
        self.max_corner = max_corner

    def prepare(self) -> None:
        a = point(self.min_corner, "Box min_corner", self._site)
        b = point(self.max_corner, "Box max_corner", self._site)
        lo = tuple(min(u, v) for u, v in zip(a, b, strict=True))
        hi = tuple(max(u, v) for u, v in zip(a, b, strict=True))
        flat = [axis for axis in range(3) if lo[axis] == hi[axis]]
        if flat:
            names = ", ".join("xyz"[axis] for axis in flat)
            raise error_at(self._site, f"Box has zero size along {names}: {a} to {b}")
        self._lo, self._hi = lo, hi

    def bounds(self):
        return self._lo, self._hi

    def intervals(self, o: Triple, d: Triple) -> Intervals:
        near, far = [], []
        with np.errstate(divide="ignore", invalid="ignore"):
            for axis in range(3):
                inv = 1.0 / d[axis]
                t1 = (self._lo[axis] - o[axis]) * inv
                t2 = (self._hi[axis] - o[axis]) * inv
                near.append(np.fmin(t1, t2))
                far.append(np.fmax(t1, t2))
        near_a, far_a = np.stack(near), np.stack(far)
        axis_in, axis_out = np.argmax(near_a, axis=0), np.argmin(far_a, axis=0)
        t_in = np.take_along_axis(near_a, axis_in[None], axis=0)[0]
        t_out = np.take_along_axis(far_a, axis_out[None], axis=0)[0]
        dd = np.stack(d)
        d_in = np.take_along_axis(dd, axis_in[None], axis=0)[0]
        d_out = np.take_along_axis(dd, axis_out[None], axis=0)[0]
        id_in = 2 * axis_in + (d_in < 0)
        id_out = 2 * axis_out + (d_out > 0)
        hit = (t_in <= t_out) & np.isfinite(t_in) & np.isfinite(t_out)
        return single(t_in, t_out, id_in, id_out, hit)

    def normals(self, p: Triple, d: Triple, prim=None) -> Triple:
        if prim is None:  # no face ids: the face nearest to each point
            prim = _nearest_face(p, self._lo, self._hi)
        axis, side = np.divmod(np.asarray(prim, dtype=np.intp), 2)
        sign = np.where(side == 1, 1.0, -1.0)
        return tuple(np.where(axis == k, sign, 0.0) for k in range(3))


def _nearest_face(p: Triple, lo, hi) -> np.ndarray:
    gaps = []
    for axis in range(3):
        gaps += [np.abs(p[axis] - lo[axis]), np.abs(p[axis] - hi[axis])]
    return np.argmin(np.stack(gaps), axis=0)
