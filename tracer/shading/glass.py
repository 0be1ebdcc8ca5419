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
from typing import cast

import numpy as np

from ..arrays import dot, unit
from ..errors import caller_site, error_at
from ..vector import Color
from .materials import Material
from .model import Branch, NormalsOf, Offset, SceneQueries, Step, Vec, step_at
from .phong import reflect, take

#: Glass surfaces a shadow ray passes at most (after that it counts as blocked).
MAX_CROSSINGS = 16


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


class GlassModel:
    """Phong plus glass for a scene's materials: which are glass, their ior, tint, absorption.

    Non-glass hits scatter as Phong's (a reflected ray weighted by ``reflection``); glass
    hits by :class:`GlassHits`. Spheres of glass get both roots; shadow rays pass glass.
    """

    transmits = True

    def __init__(self, materials: list) -> None:
        self.is_glass = np.array([isinstance(m, Glass) for m in materials], dtype=bool)
        self.ior = np.array([getattr(m, "ior", 1.0) for m in materials], dtype=np.float64)
        tints = [getattr(m, "_tint", (1.0, 1.0, 1.0)) for m in materials]
        self.tint = np.array(tints, dtype=np.float64).reshape(-1, 3).T.copy()
        self.absorb = np.array([getattr(m, "absorption", 0.0) for m in materials])

    @classmethod
    def of(cls, materials: list) -> GlassModel | None:
        """Return the model, or None when no material is glass (Phong's then)."""
        return cls(materials) if any(isinstance(m, Glass) for m in materials) else None

    def lets_through(self, material: object) -> bool:
        return isinstance(material, Glass)

    def scattering(self, mat: np.ndarray, d: Vec, n: Vec, t: np.ndarray) -> GlassHits:
        return GlassHits(self, mat, d, n, t)

    def fingerprint(self) -> bytes:
        return b"".join(a.tobytes() for a in (self.is_glass, self.ior, self.tint, self.absorb))

    def transmittance(
        self,
        scene: SceneQueries,
        q: Vec,
        L: Vec,
        dist: np.ndarray,
        toward,
        normals: NormalsOf,
        offset: Offset,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Return (dark mask, (3, m) transmittance or None) of shadow rays that may pass glass.

        Rays the any-hit query finds blocked walk their blockers by nearest-hit queries,
        multiplied by each glass's tint where they enter it and by its Beer-Lambert
        absorption over the distance inside; any opaque blocker makes them dark.
        """
        blocked = scene.aggregate.occluded(q, L, dist, toward=toward)
        if not blocked.any():
            return blocked, None
        trans = np.ones((3, blocked.size))
        rows = np.flatnonzero(blocked)
        self._cross(scene, trans, rows, take(q, rows), take(L, rows), dist[rows], normals, offset)
        return cast(np.ndarray, ~trans.any(axis=0)), trans

    def _cross(self, scene: SceneQueries, trans, rows, o, d, left, normals, offset) -> None:
        """Multiply the transmittance of shadow rays ``rows`` by each glass they cross."""
        for _ in range(MAX_CROSSINGS):
            t, hit, prim = scene.aggregate.nearest(o, d)
            on = np.flatnonzero((hit >= 0) & (t < left))
            rows, o, d, left, t, hit = rows[on], take(o, on), take(d, on), left[on], t[on], hit[on]
            prim = None if prim is None else prim[on]
            if rows.size == 0:
                break
            mat = scene.material_of(hit, prim)
            clear = self.is_glass[mat]
            trans[:, rows[~clear]] = 0.0
            keep = np.flatnonzero(clear)
            rows, o, d, left, t, hit = (
                rows[keep],
                take(o, keep),
                take(d, keep),
                left[keep],
                t[keep],
                hit[keep],
            )
            mat, prim = mat[keep], None if prim is None else prim[keep]
            p = tuple(o[a] + d[a] * t for a in range(3))
            leaving = dot(d, normals(scene, p, d, hit, prim)) > 0
            factor = np.where(leaving, np.exp(-self.absorb[mat] * t), self.tint[:, mat])
            trans[:, rows] *= factor
            step = offset(p, t)
            o = tuple(p[a] + d[a] * step for a in range(3))
            left = left - t - step
        else:
            trans[:, rows] = 0.0  # too many surfaces: count it as blocked


class GlassHits:
    """What glass does at the hits of one bounce: Fresnel weights and refracted rays.

    ``rows`` are the glass hits (positions among the bounce's hits); ``through`` those that
    refract (not totally reflected), with ``weight`` (3, k) and directions ``d_t``;
    ``inside`` the rows hit from inside, whose colour is dimmed by ``att``. The children are
    the reflected rays (``go``: every hit that reflects, glass or not) then the refracted
    ones, folded as ``local + reflection * child_r + transmission * child_t``.
    """

    def __init__(self, model: GlassModel, mat: np.ndarray, d, n, t: np.ndarray) -> None:
        rows = np.flatnonzero(model.is_glass[mat])
        self.rows = rows
        m = mat[rows]
        dr, nr = take(d, rows), take(n, rows)
        dn = dot(dr, nr)
        inside = dn > 0
        sign = np.where(inside, -1.0, 1.0)
        self.facing = (nr[0] * sign, nr[1] * sign, nr[2] * sign)
        cos_i = np.minimum(np.abs(dn), 1.0)
        ior = model.ior[m]
        eta = np.where(inside, ior, 1.0 / ior)
        self.r, cos_t = fresnel(cos_i, eta)
        ok = self.r < 1.0
        self.through = rows[ok]
        k = np.flatnonzero(ok)
        self.d_t = refract(take(dr, k), take(self.facing, k), eta[k], cos_i[k], cos_t[k])
        tint = np.where(inside[k], 1.0, model.tint[:, m[k]])  # tinted on the way in
        self.share = 1.0 - self.r[k]
        self.weight = self.share * tint
        ins = np.flatnonzero(inside & (model.absorb[m] > 0))
        self.inside = rows[ins]
        self.att = np.exp(-model.absorb[m[ins]] * t[rows[ins]])
        self.refl = np.empty(0)
        self.go = rows[:0]

    def stop(self) -> None:
        """Trace no refracted rays from here (the depth limit)."""
        self.through = self.through[:0]
        self.weight = self.weight[:, :0]
        self.d_t = tuple(a[:0] for a in self.d_t)

    def normals(self, n: Vec) -> Vec:
        """Return normals with the glass hits' turned to face their rays."""
        if self.rows.size == 0:
            return n
        out = tuple(a.copy() for a in n)
        for a in range(3):
            out[a][self.rows] = self.facing[a]
        return out

    def weigh(self, local: np.ndarray, reflection: np.ndarray) -> None:
        """Weight glass highlights by R; reflect by R at glass hits, by ``reflection`` elsewhere."""
        self.refl = reflection
        if self.rows.size == 0:
            return
        local[:, self.rows] *= self.r
        self.refl = reflection.copy()
        self.refl[self.rows] = self.r

    def refracted(self, p, step: Step):
        """Return the refracted rays' origins (a step along them, past the surface) and dirs."""
        pt, step = take(p, self.through), step_at(step, self.through)
        return tuple(pt[a] + self.d_t[a] * step for a in range(3)), self.d_t

    def children(self, p: Vec, n: Vec, d: Vec, step: Step, last: bool) -> list[Branch]:
        """Return the reflected rays, then the refracted ones (none past the depth limit)."""
        go = self.go = np.flatnonzero(self.refl)
        if last:
            go = self.go = go[:0]
            self.stop()
        out = []
        if go.size:
            o_r, d_r = reflect(take(p, go), take(n, go), take(d, go), step_at(step, go))
            out.append(Branch("reflection", go, o_r, d_r, self.refl))
        if self.through.size:
            o_t, d_t = self.refracted(p, step)
            shares = np.zeros(self.refl.size)
            shares[self.through] = self.share
            out.append(Branch("refraction", self.through, o_t, d_t, shares))
        return out

    def fold(self, local: np.ndarray, child: np.ndarray | None) -> None:
        """Add reflection * child_r + transmission * child_t, then dim what came from inside."""
        if child is not None:
            k = self.go.size
            local[:, self.go] += child[:, :k] * self.refl[self.go]
            if self.through.size:
                local[:, self.through] += child[:, k:] * self.weight
        if self.inside.size:
            local[:, self.inside] *= self.att

    def notes(self, row: int) -> dict[str, object]:
        """Return hit ``row``'s Fresnel reflectance, transmission and attenuation, if glass."""
        out: dict[str, object] = {}
        for key, rows, values in (
            ("fresnel", self.rows, self.r),
            ("transmission", self.through, self.weight.T),
            ("attenuation", self.inside, self.att),
        ):
            at = np.flatnonzero(rows == row)
            if at.size:
                v = values[at[0]]
                out[key] = float(v) if np.ndim(v) == 0 else tuple(float(c) for c in v)
        return out
