"""Glass: a dielectric that reflects and refracts by the exact Fresnel equations.

At a glass hit the kernel traces two children: the reflected ray, weighted by the Fresnel
reflectance R (unpolarised light: the mean of the s and p reflectances, not Schlick's
approximation), and the refracted ray (Snell's law), weighted by 1 - R; past the critical
angle R is 1 (total internal reflection) and nothing is refracted. The surface's own
highlights are weighted by R too, and glass has no ambient or diffuse term, so
``Glass(ior=1.0)`` (R = 0, rays pass straight on) is invisible.

Colour: ``color`` tints light once as it enters the glass; ``absorption`` dims it by
Beer-Lambert, ``exp(-absorption * distance)`` (the same for every channel) over the distance
it travels inside. Which side a ray is on comes from the outward normal: a hit with
``d . n > 0`` is one from inside, whose ray travelled inside the glass.
"""

from __future__ import annotations

import math

import numpy as np

from ..arrays import dot, unit
from ..errors import caller_site, error_at
from ..vector import Color
from .materials import Material


class Glass(Material):
    """A dielectric of index ``ior``, tinting what passes by ``color``, absorbing by distance."""

    def __init__(
        self, ior: float = 1.5, color: Color | None = None, absorption: float = 0.0
    ) -> None:
        tint = Color(1, 1, 1) if color is None else color
        super().__init__(tint, ambient=0.0, diffuse=0.0, specular=1.0, reflection=0.0)
        self._site = caller_site()
        self.ior = _number(ior, "Glass ior", self._site, zero_ok=False)
        self.absorption = _number(absorption, "Glass absorption", self._site, zero_ok=True)
        try:
            rgb = (float(tint.x), float(tint.y), float(tint.z))
        except (AttributeError, TypeError, ValueError):
            raise error_at(self._site, f"Glass color must be a Color, got {color!r}") from None
        if not all(math.isfinite(c) and c >= 0 for c in rgb):
            raise error_at(self._site, f"Glass color must have finite channels >= 0, got {rgb}")
        self._tint = rgb


def _number(value, what: str, site, zero_ok: bool) -> float:
    """Return a finite number above zero (or zero too); SceneError at ``site`` if not."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok and math.isfinite(value) and (value > 0 or (zero_ok and value == 0)):
        return float(value)
    need = "0 or more" if zero_ok else "above 0"
    raise error_at(site, f"{what} must be a number {need}, got {value!r}")


def fresnel(cos_i: np.ndarray, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (R, cos_t): the exact unpolarised reflectance and the refracted cosine.

    ``cos_i`` is the cosine of the angle of incidence (0..1), ``eta`` = n1 / n2 (from the
    incident side to the other). Past the critical angle R = 1 and cos_t = 0.
    """
    sin2_t = eta * eta * (1.0 - cos_i * cos_i)
    tir = sin2_t >= 1.0
    cos_t = np.sqrt(np.maximum(1.0 - sin2_t, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        rs = (eta * cos_i - cos_t) / (eta * cos_i + cos_t)
        rp = (cos_i - eta * cos_t) / (cos_i + eta * cos_t)
    r = 0.5 * (rs * rs + rp * rp)
    r = np.where(tir | ~np.isfinite(r), 1.0, r)
    return r, np.where(tir, 0.0, cos_t)


def refract(d, n, eta, cos_i, cos_t):
    """Return Snell's refracted unit directions of rays ``d`` at normals ``n`` facing them."""
    k = eta * cos_i - cos_t
    return unit(eta * d[0] + k * n[0], eta * d[1] + k * n[1], eta * d[2] + k * n[2])


class GlassTable:
    """The glass materials of a scene's material table: which, their ior, tint, absorption."""

    def __init__(self, materials: list) -> None:
        self.is_glass = np.array([isinstance(m, Glass) for m in materials], dtype=bool)
        self.ior = np.array([getattr(m, "ior", 1.0) for m in materials], dtype=np.float64)
        tints = [getattr(m, "_tint", (1.0, 1.0, 1.0)) for m in materials]
        self.tint = np.array(tints, dtype=np.float64).reshape(-1, 3).T.copy()
        self.absorb = np.array([getattr(m, "absorption", 0.0) for m in materials])

    @classmethod
    def of(cls, materials: list) -> GlassTable | None:
        """Return the table, or None when no material is glass (the kernel's old path)."""
        return cls(materials) if any(isinstance(m, Glass) for m in materials) else None

    def fingerprint(self) -> bytes:
        return b"".join(a.tobytes() for a in (self.is_glass, self.ior, self.tint, self.absorb))


def _take(v, idx):
    return tuple(a[idx] for a in v)


class GlassHits:
    """What glass does at the hits of one bounce: Fresnel weights and refracted rays.

    ``rows`` are the glass hits (positions among the bounce's hits); ``through`` those that
    refract (not totally reflected), with ``weight`` (3, k) and directions ``d_t``;
    ``inside`` the rows hit from inside, whose colour is dimmed by ``att``.
    """

    def __init__(self, table: GlassTable, mat: np.ndarray, d, n, t: np.ndarray) -> None:
        rows = np.flatnonzero(table.is_glass[mat])
        self.rows = rows
        m = mat[rows]
        dr, nr = _take(d, rows), _take(n, rows)
        dn = dot(dr, nr)
        inside = dn > 0
        sign = np.where(inside, -1.0, 1.0)
        self.facing = (nr[0] * sign, nr[1] * sign, nr[2] * sign)
        cos_i = np.minimum(np.abs(dn), 1.0)
        ior = table.ior[m]
        eta = np.where(inside, ior, 1.0 / ior)
        self.r, cos_t = fresnel(cos_i, eta)
        ok = self.r < 1.0
        self.through = rows[ok]
        k = np.flatnonzero(ok)
        self.d_t = refract(_take(dr, k), _take(self.facing, k), eta[k], cos_i[k], cos_t[k])
        tint = np.where(inside[k], 1.0, table.tint[:, m[k]])  # tinted on the way in
        self.weight = (1.0 - self.r[k]) * tint
        ins = np.flatnonzero(inside & (table.absorb[m] > 0))
        self.inside = rows[ins]
        self.att = np.exp(-table.absorb[m[ins]] * t[rows[ins]])

    def stop(self) -> None:
        """Trace no refracted rays from here (the depth limit)."""
        self.through = self.through[:0]
        self.weight = self.weight[:, :0]
        self.d_t = tuple(a[:0] for a in self.d_t)

    def facing_normals(self, n):
        """Return normals with the glass hits' turned to face their rays."""
        if self.rows.size == 0:
            return n
        out = tuple(a.copy() for a in n)
        for a in range(3):
            out[a][self.rows] = self.facing[a]
        return out

    def weigh(self, local: np.ndarray, refl: np.ndarray) -> np.ndarray:
        """Weight glass highlights by R; return the reflection weights with R at glass hits."""
        if self.rows.size == 0:
            return refl
        local[:, self.rows] *= self.r
        refl = refl.copy()
        refl[self.rows] = self.r
        return refl

    def refracted(self, p, step: float):
        """Return the refracted rays' origins (a step along them, past the surface) and dirs."""
        pt = _take(p, self.through)
        return tuple(pt[a] + self.d_t[a] * step for a in range(3)), self.d_t

    def fold(self, local: np.ndarray, refl: np.ndarray, go: np.ndarray, child) -> None:
        """Add reflection * child_r + transmission * child_t, then dim what came from inside."""
        if child is not None:
            k = go.size
            local[:, go] += child[:, :k] * refl[go]
            if self.through.size:
                local[:, self.through] += child[:, k:] * self.weight
        if self.inside.size:
            local[:, self.inside] *= self.att
