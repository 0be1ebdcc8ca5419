"""A local frame along an axis: what cylinders and cones share (rays split along/across it)."""

from __future__ import annotations

import numpy as np

from ..errors import error_at
from .checks import length, point, positive, sub
from .shape import Triple


class Axis:
    """The segment from ``base`` to ``tip``: its unit direction and length."""

    def __repr__(self) -> str:
        return f"Axis({self.base}, {self.tip}, {self.radius})"

    def __init__(self, base, tip, radius, what: str, tip_name: str, site) -> None:
        self.base = point(base, f"{what} base", site)
        tip_xyz = point(tip, f"{what} {tip_name}", site)
        self.radius = positive(radius, f"{what} radius", site)
        axis = sub(tip_xyz, self.base)
        self.height = length(axis)
        if self.height == 0:
            raise error_at(site, f"{what} {tip_name} must differ from its base, both {tip_xyz}")
        self.a = tuple(c / self.height for c in axis)
        self.tip = tip_xyz

    def split(self, o: Triple, d: Triple):
        """Return (u0, du, o_perp, d_perp): ray origin/direction along and across the axis."""
        a, b = self.a, self.base
        s = (o[0] - b[0], o[1] - b[1], o[2] - b[2])
        u0 = s[0] * a[0] + s[1] * a[1] + s[2] * a[2]
        du = d[0] * a[0] + d[1] * a[1] + d[2] * a[2]
        o_perp = tuple(s[k] - u0 * a[k] for k in range(3))
        d_perp = tuple(d[k] - du * a[k] for k in range(3))
        return u0, du, o_perp, d_perp

    def slab(self, u0, du):
        """Return the t range where the ray is between the base and tip planes (sorted)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            t0 = (0.0 - u0) / du
            t1 = (self.height - u0) / du
        inside = (u0 >= 0) & (u0 <= self.height)
        parallel = du == 0
        lo = np.where(parallel, np.where(inside, -np.inf, np.inf), np.fmin(t0, t1))
        hi = np.where(parallel, np.where(inside, np.inf, -np.inf), np.fmax(t0, t1))
        return lo, hi

    def radial(self, p: Triple):
        """Return (u, radial vector) of points: height along the axis and offset from it."""
        a, b = self.a, self.base
        s = (p[0] - b[0], p[1] - b[1], p[2] - b[2])
        u = s[0] * a[0] + s[1] * a[1] + s[2] * a[2]
        return u, tuple(s[k] - u * a[k] for k in range(3))

    def bounds(self, r_base: float, r_tip: float):
        """Return the box around the two end discs (radii at base and tip)."""
        lo, hi = [], []
        for k in range(3):
            ext = np.sqrt(max(0.0, 1.0 - self.a[k] * self.a[k]))
            ends = [self.base[k] - r_base * ext, self.base[k] + r_base * ext]
            ends += [self.tip[k] - r_tip * ext, self.tip[k] + r_tip * ext]
            lo.append(float(min(ends)))
            hi.append(float(max(ends)))
        return tuple(lo), tuple(hi)


def dot3(a, b):
    """Return a . b for triples of arrays."""
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def roots(qa, qb, qc):
    """Return the sorted roots of qa t^2 + 2 qb t + qc and whether they are real."""
    disc = qb * qb - qa * qc
    real = disc >= 0
    s = np.sqrt(np.maximum(disc, 0.0))
    q = -(qb + np.where(qb >= 0, s, -s))
    with np.errstate(divide="ignore", invalid="ignore"):
        r1 = q / qa
        r2 = qc / q
    r1 = np.where(np.isnan(r1), r2, r1)
    r2 = np.where(np.isnan(r2), r1, r2)
    return np.fmin(r1, r2), np.fmax(r1, r2), real
