"""The ray-tracing kernel: many rays at once, Puray's shading, bit for bit.

Exactness rules (see ../shared/bench/ref.c): float64 everywhere, every expression in Puray's
left-to-right order, nearest object wins with ties to the earlier one, and the recursion
``colour = local + reflection * child`` folded from the deepest bounce upwards (running
weights would round differently).

Secondary rays are compacted at every bounce: only rays that hit a reflective surface go
on. Refraction fits the same scheme: one more child ray set per bounce, folded the same way.
Colours are (3, n) arrays worked on one channel row at a time: 1-D ops are the fast ones.
"""

from __future__ import annotations

import hashlib

import numpy as np

from .arrays import dot, unit
from .geometry import Sphere
from .scene import Scene
from .shading.background import background_colors
from .shading.materials import Material, fill_colors, is_plain

MIN_DISPLACE = 0.0001


class SceneArrays:
    """Per-object and per-light constants of a scene, as small numpy arrays."""

    def __init__(self, scene: Scene) -> None:
        self.objects = scene.objects
        self.camera = scene.camera.position
        # One table of materials; a shape with several (CSG) maps its hits to its own range.
        self.materials: list[Material] = []
        base = []
        for obj in self.objects:
            base.append(len(self.materials))
            self.materials.extend(_materials_of(obj))
        self.mat_base = np.array(base, dtype=np.intp)
        self.multi = [k for k, obj in enumerate(self.objects) if len(_materials_of(obj)) > 1]
        mats = self.materials
        self.ambient = np.array([m.ambient for m in mats], dtype=np.float64)
        self.diffuse = np.array([m.diffuse for m in mats], dtype=np.float64)
        self.specular = np.array([m.specular for m in mats], dtype=np.float64)
        self.reflection = np.array([m.reflection for m in mats], dtype=np.float64)
        self.spec_k = np.array([float(getattr(m, "specular_k", 50)) for m in mats])
        self.one_spec_k = float(self.spec_k[0]) if len(set(self.spec_k.tolist())) == 1 else None
        self.lights = [(light._pos, light._rgb) for light in scene.lights]
        # Spheres' normals come from one gather of their centres; other shapes are asked.
        is_sphere = [isinstance(obj, Sphere) for obj in self.objects]
        self.others = [k for k, yes in enumerate(is_sphere) if not yes]
        centers = [
            obj._c if yes else (0.0, 0.0, 0.0)
            for obj, yes in zip(self.objects, is_sphere, strict=True)
        ]
        self.centers = np.array(centers, dtype=np.float64).reshape(-1, 3).T.copy()
        # Plain colours come from one gather too; patterned materials are asked per material.
        plain = [is_plain(m) for m in mats]
        self.patterned = [k for k, yes in enumerate(plain) if not yes]
        table = [
            (m.color.x, m.color.y, m.color.z) if yes else (0, 0, 0)
            for m, yes in zip(mats, plain, strict=True)
        ]
        self.colors = np.array(table, dtype=np.float64).reshape(-1, 3).T.copy()

    def fingerprint_bytes(self) -> bytes:
        """Return a digest of the geometry and materials (to compare two loads of a scene)."""
        h = hashlib.sha256()
        for a in (self.ambient, self.diffuse, self.specular, self.reflection, self.colors):
            h.update(a.tobytes())
        for obj in self.objects:
            state = sorted(
                (k, v) for k, v in vars(obj).items() if k.startswith("_") and k != "_site"
            )
            h.update(f"{type(obj).__qualname__}{state!r}".encode())
        return h.digest()


def _materials_of(obj) -> list:
    materials = getattr(obj, "materials", None)
    return list(materials()) if materials is not None else [obj.material]


def _take(o, idx):
    return tuple(a[idx] if isinstance(a, np.ndarray) else a for a in o)


def nearest(sa: SceneArrays, o, d):
    """Return (distance, object index or -1, sub-primitive or None) of every ray's nearest hit."""
    best = np.full(d[0].shape, np.inf)
    hit = np.full(d[0].shape, -1, dtype=np.intp)
    prim = None
    for k, obj in enumerate(sa.objects):
        t, ok, *rest = obj.intersect(o, d)
        ok &= t < best  # strictly closer: ties go to the earlier object
        np.copyto(best, t, where=ok)
        hit[ok] = k
        if rest:
            if prim is None:
                prim = np.zeros(d[0].shape, dtype=np.intp)
            np.copyto(prim, rest[0], where=ok)
    return best, hit, prim


def _material_ids(sa: SceneArrays, hit, prim):
    """Return each hit's index into the scene's material table."""
    if not sa.multi and len(sa.materials) == len(sa.objects):
        return hit  # one material per object: the table is the object list
    mid = sa.mat_base[hit]
    for k in sa.multi:
        sel = np.flatnonzero(hit == k)
        if sel.size:
            mid[sel] += sa.objects[k].material_ids(prim[sel])
    return mid


def _occluded(sa: SceneArrays, p, L, dist):
    blocked = np.zeros(dist.shape, dtype=bool)
    for obj in sa.objects:
        t, ok, *_ = obj.intersect(p, L)
        ok &= t < dist
        blocked |= ok
    return blocked


def _shade(sa: SceneArrays, p, n, hit, oc, shadows: bool, terms: list | None = None):
    """Puray's Phong: ambient + per light Lambert diffuse and Blinn-Phong specular. (3, m).

    ``terms`` (the pick's recording path) receives (kd, ks, dark or None) for every light.
    """
    col = np.empty((3, len(hit)))
    col[:] = sa.ambient[hit]  # white * ambient
    diffuse, spec = sa.diffuse[hit], sa.specular[hit]
    ocd = [oc[c] * diffuse for c in range(3)]
    k = sa.one_spec_k if sa.one_spec_k is not None else sa.spec_k[hit]
    px, py, pz = p
    cx, cy, cz = sa.camera
    tcx, tcy, tcz = cx - px, cy - py, cz - pz
    for (lx, ly, lz), rgb in sa.lights:
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
            dark = _occluded(sa, q, (Lx, Ly, Lz), dist)
            kd[dark] = 0.0
            ks[dark] = 0.0
        if terms is not None:
            terms.append((kd, ks, dark if shadows else None))
        for c in range(3):
            row = col[c]
            row += ocd[c] * kd
            term = spec * rgb[c]
            term *= ks
            row += term
    return col


def _normals(sa: SceneArrays, p, d, hit, prim):
    cx, cy, cz = (sa.centers[a][hit] for a in range(3))
    n = unit(p[0] - cx, p[1] - cy, p[2] - cz)
    for k in sa.others:
        sel = np.flatnonzero(hit == k)
        if sel.size:
            pk = None if prim is None else prim[sel]
            nk = sa.objects[k].normals(_take(p, sel), _take(d, sel), pk)
            for axis in range(3):
                n[axis][sel] = nk[axis]
    return n


def _colors(sa: SceneArrays, p, hit):
    oc = np.empty((3, len(hit)))
    for c in range(3):
        np.take(sa.colors[c], hit, out=oc[c])
    for k in sa.patterned:
        material = sa.materials[k]
        if len(sa.materials) == 1:
            fill_colors(material, p, oc)
            continue
        sel = np.flatnonzero(hit == k)
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


def trace(
    sa: SceneArrays,
    o,
    d,
    max_depth: int,
    shadows: bool = False,
    background=None,
    ids_out=None,
) -> np.ndarray:
    """Return the (3, n) colours seen along rays ``o + t d`` with up to ``max_depth`` bounces.

    Rays that hit nothing see ``background`` (None: black, Puray's). ``ids_out``: an (n,)
    integer array to receive each ray's first hit (index in OBJECTS, -1 for none): the id
    buffer the window outlines objects with.
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
            levels.append((count, idx, None, None, None, missed))
            break
        p = tuple(oc + dc * t for oc, dc in zip(o, d, strict=True))
        n = _normals(sa, p, d, hit, prim)
        mid = _material_ids(sa, hit, prim)
        local = _shade(sa, p, n, mid, _colors(sa, p, mid), shadows)
        refl = sa.reflection[mid]
        go = np.flatnonzero(refl) if depth < max_depth else idx[:0]
        levels.append((count, idx, local, refl, go, missed))
        if go.size == 0:
            break
        if go.size < idx.size:
            p, n, d = _take(p, go), _take(n, go), _take(d, go)
        o, d = _reflect(p, n, d)
    child = None
    for count, idx, local, refl, go, missed in reversed(levels):
        if local is not None and child is not None:
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
