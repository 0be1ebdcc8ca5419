"""A Whitted tracer of sphere scenes written from the shading model, with no ray offsets.

The engine starts spawned rays a little off the surface; this reference needs no offset at
all: a sphere is convex, so a ray leaving its surface outward can never meet it again (it is
left out of that ray's test), and a shadow ray toward a light below the surface's horizon
(n . L <= 0) goes into the sphere itself (dark). What remains is the picture every offset
rule approximates. Shading as the engine documents it: white * ambient + per light
(colour * diffuse) * max(n . L, 0) + (light * specular) * max(n . h, 0)^k, h the unit half
vector of the unit vectors to the light and to the camera (a scene that is not Puray's),
plus reflection * the reflected ray's colour, to the depth limit; rays that miss see black.
Plain-coloured materials only. Imports nothing from ``tracer``.
"""

from __future__ import annotations

import numpy as np

from .brute import unit_rows, xyz


class Spheres:
    """A loaded scene's spheres, materials and lights as arrays."""

    def __init__(self, scene) -> None:
        objs = scene.objects
        if any(type(o).__name__ != "Sphere" for o in objs):
            raise TypeError("the Whitted reference renders spheres only")
        self.c = np.array([xyz(o.center) for o in objs])
        self.r = np.array([float(o.radius) for o in objs])
        mats = [o.material for o in objs]
        self.color = np.array([xyz(m.color) for m in mats])
        self.ambient = np.array([float(m.ambient) for m in mats])
        self.diffuse = np.array([float(m.diffuse) for m in mats])
        self.specular = np.array([float(m.specular) for m in mats])
        self.reflection = np.array([float(m.reflection) for m in mats])
        self.k = np.array([float(getattr(m, "specular_k", 50)) for m in mats])
        self.lights = [(xyz(li.position), xyz(li.color)) for li in scene.lights]
        self.eye = xyz(scene.camera.source)

    def near(self, o, d, skip):
        """Return (t, sphere) of rays' nearest near-root hits, sphere ``skip`` left out."""
        best = np.full(len(d), np.inf)
        hit = np.full(len(d), -1)
        for k in range(len(self.r)):
            L = self.c[k] - o
            tca = np.einsum("ij,ij->i", d, L)
            d2 = np.einsum("ij,ij->i", L, L) - tca * tca
            t = tca - np.sqrt(np.maximum(self.r[k] ** 2 - d2, 0.0))
            ok = (d2 <= self.r[k] ** 2) & (t > 0) & (skip != k) & (t < best)
            best[ok], hit[ok] = t[ok], k
        return best, hit

    def trace(self, o, d, depth: int, skip, shadows: bool) -> np.ndarray:
        """Return the (n, 3) colours along rays (o, d) with ``depth`` more bounces."""
        o = np.broadcast_to(o, d.shape)
        out = np.zeros((len(d), 3))
        t, k = self.near(o, d, skip)
        h = np.flatnonzero(k >= 0)
        if h.size == 0:
            return out
        k = k[h]
        p = o[h] + d[h] * t[h, None]
        n = unit_rows(p - self.c[k])
        col = np.repeat(self.ambient[k, None], 3, axis=1)
        to_eye = unit_rows(self.eye - p)
        for pos, rgb in self.lights:
            towards = pos - p
            dist = np.linalg.norm(towards, axis=1)
            L = towards / dist[:, None]
            kd = np.maximum(np.einsum("ij,ij->i", n, L), 0.0)
            ks = np.maximum(np.einsum("ij,ij->i", n, unit_rows(L + to_eye)), 0.0) ** self.k[k]
            if shadows:
                tb, _ = self.near(p, L, k)
                dark = (np.einsum("ij,ij->i", n, L) <= 0) | (tb < dist)
                kd, ks = np.where(dark, 0.0, kd), np.where(dark, 0.0, ks)
            col += self.color[k] * (self.diffuse[k] * kd)[:, None]
            col += np.multiply.outer(self.specular[k] * ks, rgb)
        refl = self.reflection[k]
        go = np.flatnonzero(refl > 0) if depth > 0 else np.zeros(0, int)
        if go.size:
            dn = np.einsum("ij,ij->i", d[h][go], n[go])
            r = unit_rows(d[h][go] - 2 * dn[:, None] * n[go])
            child = self.trace(p[go], r, depth - 1, k[go], shadows)
            col[go] += refl[go, None] * child
        out[h] = col
        return out


def render(scene, rays, size, depth: int = 5, shadows: bool = False) -> np.ndarray:
    """Return the (h, w, 3) bytes of a sphere scene seen along ``rays`` = (origin, dirs)."""
    o, d = rays
    c = Spheres(scene).trace(o, d, depth, np.full(len(d), -1), shadows)
    img = np.rint(np.clip(c * 255, 0, 255)).astype(np.uint8)
    return img.reshape(size[1], size[0], 3)
