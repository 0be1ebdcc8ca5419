"""The ray-tracing kernel: many rays at once, Puray's shading, bit for bit.

Exactness rules (see ../shared/bench/ref.c): float64 everywhere, every expression in Puray's
left-to-right order, nearest object wins with ties to the earlier one, and the recursion
``colour = local + reflection * child`` folded from the deepest bounce upwards (running
weights would round differently).

Secondary rays are compacted at every bounce: only rays that hit a reflective surface go
on. Glass (shading/glass.py) adds refraction: one more child ray set per bounce, folded the
same way (``local + reflection * child_r + transmission * child_t``); scenes without glass
take the loop as it was. Shadows toward area lights and through glass: shading/shadows.py.
Colours are (3, n) arrays worked on one channel row at a time: 1-D ops are the fast ones.
The scene's constants come as a SceneArrays (scene_arrays.py).
"""

from __future__ import annotations

import numpy as np

from ..arrays import dot, unit
from ..shading.background import background_colors
from ..shading.glass import GlassHits
from ..shading.materials import fill_colors
from ..shading.shadows import visibility
from .scene_arrays import MIN_DISPLACE, SceneArrays, by_object

__all__ = ["MIN_DISPLACE", "SceneArrays", "nearest", "trace"]


def _take(o, idx):
    return tuple(a[idx] if isinstance(a, np.ndarray) else a for a in o)


def nearest(sa: SceneArrays, o, d):
    """Return (distance, object index or -1, prim or None) of the nearest hit of every ray."""
    return sa.aggregate.nearest(o, d)


def _occluded(sa: SceneArrays, p, L, dist, light):
    return sa.aggregate.occluded(p, L, dist, toward=light)


def _shade(sa: SceneArrays, p, n, mat, oc, shadows: bool, terms: list | None = None, samples=None):
    """Puray's Phong: ambient + per light Lambert diffuse and Blinn-Phong specular. (3, m).

    ``terms`` (the pick's recording path) receives (kd, ks, dark or None, transmittance or
    None) for every light. ``samples``: LightSamples of the rays, for area lights.
    """
    col = np.empty((3, len(mat)))
    col[:] = sa.ambient[mat]  # white * ambient
    diffuse, spec = sa.diffuse[mat], sa.specular[mat]
    ocd = [oc[c] * diffuse for c in range(3)]
    k = sa.one_spec_k if sa.one_spec_k is not None else sa.spec_k[mat]
    px, py, pz = p
    cx, cy, cz = sa.camera
    tcx, tcy, tcz = cx - px, cy - py, cz - pz
    for i, ((lx, ly, lz), rgb) in enumerate(sa.lights):
        trans = None
        Lx, Ly, Lz = lx - px, ly - py, lz - pz
        if shadows:
            dist = np.sqrt(dot((Lx, Ly, Lz), (Lx, Ly, Lz)))
        Lx, Ly, Lz = unit(Lx, Ly, Lz)
        kd = dot(n, (Lx, Ly, Lz))
        np.maximum(kd, 0.0, out=kd)
        ks = dot(n, unit(Lx + tcx, Ly + tcy, Lz + tcz))
        np.maximum(ks, 0.0, out=ks)
        np.power(ks, k, out=ks)
        if shadows:
            q = tuple(pc + nc * MIN_DISPLACE for pc, nc in zip(p, n, strict=True))
            if sa.plain_shadows:
                dark = _occluded(sa, q, (Lx, Ly, Lz), dist, (lx, ly, lz))
            else:  # area lights, glass
                L = (Lx, Ly, Lz)
                dark, trans = visibility(sa, i, p, q, L, dist, samples, _normals, MIN_DISPLACE)
            kd[dark] = 0.0
            ks[dark] = 0.0
        if terms is not None:
            terms.append((kd, ks, dark if shadows else None, trans))
        for c in range(3):
            row = col[c]
            if trans is None:
                row += ocd[c] * kd
                term = spec * rgb[c]
                term *= ks
            else:  # glass between: its tint and absorption dim the light
                row += ocd[c] * (kd * trans[c])
                term = spec * rgb[c]
                term *= ks * trans[c]
            row += term
    return col


def _normals(sa: SceneArrays, p, d, hit, prim):
    cx, cy, cz = (sa.centers[a][hit] for a in range(3))
    n = unit(p[0] - cx, p[1] - cy, p[2] - cz)
    for g, batch in enumerate(sa.normal_groups):
        sel = np.flatnonzero(sa.obj_group[hit] == g)
        if sel.size:
            prims = sa.obj_local[hit[sel]]
            nk = batch.normals(_take(p, sel), _take(d, sel), prims)  # type: ignore[attr-defined]
            for axis in range(3):
                n[axis][sel] = nk[axis]
    if sa.shapes:
        for k, sel in by_object(hit, sa.is_other):
            obj = sa.shapes[k]
            if prim is not None and k in sa.aggregate.prim_objects:
                nk = obj.normals(_take(p, sel), _take(d, sel), prim[sel])
            else:
                nk = obj.normals(_take(p, sel), _take(d, sel))
            for axis in range(3):
                n[axis][sel] = nk[axis]
    return n


def _colors(sa: SceneArrays, p, mat):
    oc = np.empty((3, len(mat)))
    for c in range(3):
        np.take(sa.colors[c], mat, out=oc[c])
    for m in sa.patterned:
        material = sa.materials[m]
        if len(sa.materials) == 1:
            fill_colors(material, p, oc)
            continue
        sel = np.flatnonzero(mat == m)
        if sel.size:
            part = np.empty((3, sel.size))
            fill_colors(material, _take(p, sel), part)
            oc[:, sel] = part
    return oc


def _reflect(p, n, d):
    """Return the reflected rays' origins (offset along the normal) and unit directions."""
    o = tuple(pc + nc * MIN_DISPLACE for pc, nc in zip(p, n, strict=True))
    dn = dot(d, n)
    dn *= 2
    return o, unit(d[0] - n[0] * dn, d[1] - n[1] * dn, d[2] - n[2] * dn)


def _missed(background, d, hit, hits: int):
    """Return (3, n) background colours where rays hit nothing (None: black or no misses)."""
    if background is None or hits == hit.size:
        return None
    out = np.zeros((3, hit.size))
    miss = np.flatnonzero(hit < 0)
    out[:, miss] = background_colors(background, _take(d, miss))
    return out


def _or_black(missed, count: int) -> np.ndarray:
    return np.zeros((3, count)) if missed is None else missed


def _glass_bounce(sa: SceneArrays, p, n, d, t, mat, shadows: bool, samples, last: bool):
    """Shade hits of a scene with glass; return (local, refl, go, glass, o, d) of children.

    The next rays are the reflected ones (``go``) then the refracted ones (``glass.through``).
    """
    assert sa.glass is not None
    glass = GlassHits(sa.glass, mat, d, n, t)
    n = glass.facing_normals(n)
    local = _shade(sa, p, n, mat, _colors(sa, p, mat), shadows, None, samples)
    refl = glass.weigh(local, sa.reflection[mat])
    go = np.flatnonzero(refl)
    if last:
        go = go[:0]
        glass.stop()
    o_r, d_r = _reflect(_take(p, go), _take(n, go), _take(d, go))
    o_t, d_t = glass.refracted(p, MIN_DISPLACE)
    o = tuple(np.concatenate(pair) for pair in zip(o_r, o_t, strict=True))
    d = tuple(np.concatenate(pair) for pair in zip(d_r, d_t, strict=True))
    return local, refl, go, glass, o, d


def trace(
    sa: SceneArrays,
    o,
    d,
    max_depth: int,
    shadows: bool = False,
    background=None,
    ids_out=None,
    samples=None,
) -> np.ndarray:
    """Return the (3, n) colours seen along rays ``o + t d`` with up to ``max_depth`` bounces.

    Rays that hit nothing see ``background`` (None: black, Puray's). ``ids_out``: an (n,)
    integer array to receive each ray's first hit (index in OBJECTS, -1 for none): the id
    buffer the window outlines objects with. ``samples``: the rays' LightSamples (their
    pixels and sample index), for soft shadows; compacted with the rays at every bounce.
    """
    levels: list[tuple] = []
    for depth in range(max_depth + 1):
        count = d[0].shape[0]
        t, hit, prim = nearest(sa, o, d)
        if depth == 0 and ids_out is not None:
            ids_out[:] = hit
        idx = np.flatnonzero(hit >= 0)
        missed = _missed(background, d, hit, idx.size)
        if idx.size < count:
            o, d, t, hit = _take(o, idx), _take(d, idx), t[idx], hit[idx]
            prim = None if prim is None else prim[idx]
        if idx.size == 0:
            levels.append((count, idx, None, None, None, missed, None))
            break
        if samples is not None:
            samples = samples.take(idx, depth)
        p = tuple(oc + dc * t for oc, dc in zip(o, d, strict=True))
        n = _normals(sa, p, d, hit, prim)
        mat = sa.material_of(hit, prim)
        if sa.glass is not None:  # glass: reflected and refracted children
            last = depth == max_depth
            local, refl, go, glass, o, d = _glass_bounce(
                sa, p, n, d, t, mat, shadows, samples, last
            )
            levels.append((count, idx, local, refl, go, missed, glass))
            if go.size + glass.through.size == 0:
                break
            if samples is not None:
                samples = samples.children(go, glass.through)
            continue
        local = _shade(sa, p, n, mat, _colors(sa, p, mat), shadows, None, samples)
        refl = sa.reflection[mat]
        go = np.flatnonzero(refl) if depth < max_depth else idx[:0]
        levels.append((count, idx, local, refl, go, missed, None))
        if go.size == 0:
            break
        if samples is not None:
            samples = samples.children(go)
        if go.size < idx.size:
            p, n, d = _take(p, go), _take(n, go), _take(d, go)
        o, d = _reflect(p, n, d)
    child = None
    for count, idx, local, refl, go, missed, glass in reversed(levels):
        if glass is not None:
            glass.fold(local, refl, go, child)
        elif local is not None and child is not None:
            if go.size == local.shape[1]:
                child *= refl
                local += child  # local + reflection * child
            else:
                local[:, go] += child * refl[go]
        if local is None or idx.size == count:
            child = local if local is not None else _or_black(missed, count)
        else:
            child = _or_black(missed, count)
            child[:, idx] = local
    assert child is not None
    return child
