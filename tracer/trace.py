"""The ray-tracing kernel: many rays at once, Puray's shading, bit for bit.

Exactness rules (see ../shared/bench/ref.c): float64 everywhere, every expression in Puray's
left-to-right order, nearest object wins with ties to the earlier one, and the recursion
``colour = local + reflection * child`` folded from the deepest bounce upwards (not
accumulated with running weights, which would round differently).

Secondary rays are compacted at every bounce: only rays that hit a reflective surface go on.
Refraction fits the same scheme: another child ray set per bounce, folded the same way.
"""

from __future__ import annotations

import numpy as np

from .materials import surface_colors
from .scene import Scene

MIN_DISPLACE = 0.0001


class SceneArrays:
    """Per-object and per-light constants of a scene, as small numpy arrays."""

    def __init__(self, scene: Scene, shadows: bool) -> None:
        self.objects = scene.objects
        self.camera = scene.camera.position
        mats = [obj.material for obj in self.objects]
        self.ambient = np.array([m.ambient for m in mats], dtype=np.float64)
        self.diffuse = np.array([m.diffuse for m in mats], dtype=np.float64)
        self.specular = np.array([m.specular for m in mats], dtype=np.float64)
        self.reflection = np.array([m.reflection for m in mats], dtype=np.float64)
        exps = {float(getattr(m, "specular_k", 50)) for m in mats}
        self.spec_k = exps.pop() if len(exps) == 1 else None
        self.spec_ks = np.array([float(getattr(m, "specular_k", 50)) for m in mats])
        self.lights = [(light._pos, np.array(light._rgb)) for light in scene.lights]
        self.shadows = shadows


def _take(o, idx):
    return tuple(a[idx] if isinstance(a, np.ndarray) else a for a in o)


def nearest(sa: SceneArrays, o, d):
    """Return (distance, object index or -1) of the nearest hit of every ray."""
    best = np.full(d[0].shape, np.inf)
    hit = np.full(d[0].shape, -1, dtype=np.intp)
    for k, obj in enumerate(sa.objects):
        t = obj.intersect(o, d)
        closer = t < best
        np.copyto(best, t, where=closer)
        hit[closer] = k
    return best, hit


def _occluded(sa: SceneArrays, p, L, dist):
    blocked = np.zeros(dist.shape, dtype=bool)
    for obj in sa.objects:
        blocked |= obj.intersect(p, L) < dist
    return blocked


def _shade(sa: SceneArrays, p, n, hit, oc):
    """Puray's Phong: ambient + per light Lambert diffuse and Blinn-Phong specular. (3, m)."""
    amb = sa.ambient[hit]
    col = np.empty((3, len(hit)))
    col[:] = amb
    ocd = oc * sa.diffuse[hit]
    spec = sa.specular[hit]
    px, py, pz = p
    nx, ny, nz = n
    cx, cy, cz = sa.camera
    tcx, tcy, tcz = cx - px, cy - py, cz - pz
    for (lx, ly, lz), rgb in sa.lights:
        Lx, Ly, Lz = lx - px, ly - py, lz - pz
        m = Lx * Lx
        m += Ly * Ly
        m += Lz * Lz
        np.sqrt(m, out=m)
        Lx /= m
        Ly /= m
        Lz /= m
        kd = nx * Lx
        kd += ny * Ly
        kd += nz * Lz
        np.maximum(kd, 0.0, out=kd)
        hx, hy, hz = Lx + tcx, Ly + tcy, Lz + tcz
        m = hx * hx
        m += hy * hy
        m += hz * hz
        np.sqrt(m, out=m)
        hx /= m
        hy /= m
        hz /= m
        ks = nx * hx
        ks += ny * hy
        ks += nz * hz
        np.maximum(ks, 0.0, out=ks)
        ks = np.power(ks, sa.spec_k if sa.spec_k is not None else sa.spec_ks[hit])
        dcol = ocd * kd
        scol = (rgb[:, None] * spec) * ks
        if sa.shadows:
            dist = np.sqrt((lx - px) ** 2 + (ly - py) ** 2 + (lz - pz) ** 2)
            q = tuple(pc + nc * MIN_DISPLACE for pc, nc in zip(p, n, strict=False))
            lit = ~_occluded(sa, q, (Lx, Ly, Lz), dist)
            dcol *= lit
            scol *= lit
        col += dcol
        col += scol
    return col


def _normals_and_colors(sa: SceneArrays, p, d, hit):
    m = len(hit)
    n = tuple(np.empty(m) for _ in range(3))
    oc = np.empty((m, 3))
    for k, obj in enumerate(sa.objects):
        sel = np.flatnonzero(hit == k)
        if sel.size == 0:
            continue
        if sel.size == m:
            ps, ds = p, d
        else:
            ps, ds = _take(p, sel), _take(d, sel)
        nk = obj.normals(ps, ds)
        for axis in range(3):
            n[axis][sel] = nk[axis]
        oc[sel] = surface_colors(obj.material, np.stack(ps, axis=1))
    return n, oc.T


def trace(sa: SceneArrays, o, d, max_depth: int) -> np.ndarray:
    """Return the (3, n) colours seen along rays ``o + t d`` with up to ``max_depth`` bounces."""
    levels = []
    for depth in range(max_depth + 1):
        count = d[0].shape[0]
        t, hit = nearest(sa, o, d)
        idx = np.flatnonzero(hit >= 0)
        if idx.size == 0:
            levels.append((count, idx, None, None, None))
            break
        if idx.size < count:
            o, d, t, hit = _take(o, idx), _take(d, idx), t[idx], hit[idx]
        p = tuple(oc + dc * t for oc, dc in zip(o, d, strict=False))
        n, oc = _normals_and_colors(sa, p, d, hit)
        local = _shade(sa, p, n, hit, oc)
        refl = sa.reflection[hit]
        go = np.flatnonzero(refl != 0) if depth < max_depth else idx[:0]
        levels.append((count, idx, local, refl, go))
        if go.size == 0:
            break
        p, n, d = _take(p, go), _take(n, go), _take(d, go)
        o = tuple(pc + nc * MIN_DISPLACE for pc, nc in zip(p, n, strict=False))
        dn = d[0] * n[0]
        dn += d[1] * n[1]
        dn += d[2] * n[2]
        dn *= 2
        rx, ry, rz = d[0] - n[0] * dn, d[1] - n[1] * dn, d[2] - n[2] * dn
        m = rx * rx
        m += ry * ry
        m += rz * rz
        np.sqrt(m, out=m)
        d = (rx / m, ry / m, rz / m)
    child = None
    for count, idx, local, refl, go in reversed(levels):
        out = np.zeros((3, count))
        if local is not None:
            if child is not None and go.size:
                local[:, go] += child * refl[go]
            out[:, idx] = local
        child = out
    assert child is not None
    return child
