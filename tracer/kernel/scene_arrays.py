"""A scene's constants as numpy arrays, built once per load: the kernel's view of the scene.

Materials as a table (ambient, diffuse, specular, reflection and colour per material id, and
per object the id of its material), lights as positions and colours, sphere centres for the
normals, the shapes without a batch, the scene's reflectance model (shading/model.py) and its
acceleration structure (aggregates.py). It travels to other worker processes with the loaded
scene: arrays, not Python objects per sphere. trace.py renders with it.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

from ..accel.aggregates import Aggregate
from ..geometry import with_both_roots
from ..geometry.shape import Batch, Shape
from ..geometry.sphere import Sphere, SphereBatch
from ..scene.build import Scene
from ..shading.materials import is_plain
from ..shading.reflectance import model_for
from .offsets import MIN_DISPLACE, offset_rule

__all__ = ["MIN_DISPLACE", "SceneArrays", "by_object"]


class SceneArrays:
    """A scene's constants as numpy arrays (materials, lights, sphere centres) and its aggregate.

    Built once per loaded scene and shipped to other processes: it holds no per-sphere
    Python objects, only arrays and the shapes that have no batch.
    """

    def __init__(self, scene: Scene, puray_text: bool = False, aggregates=Aggregate) -> None:
        """Build the arrays; ``puray_text``: the scene's file imports Puray's modules.

        ``aggregates``: what builds the acceleration structure (an earlier load's may serve:
        kernel/rerender.py), called as Aggregate is.
        """
        objects = scene.objects
        self.camera = scene.camera.position
        #: How far spawned rays start off surfaces (offsets.py); ``puray``: Puray's scene,
        #: Puray's arithmetic wherever it depends on scale (offsets, the highlights' half vector).
        self.offset = offset_rule(scene.camera, puray_text)
        self.puray = self.offset.puray
        self.lights = [(light._pos, light._rgb) for light in scene.lights]
        self.radii = [float(getattr(light, "_radius", 0.0)) for light in scene.lights]
        self.soft = any(r > 0 for r in self.radii)
        lights = [pos for pos, _ in self.lights]
        self._material_table(objects)
        self.model = model_for(self.materials)
        self.plain_shadows = not self.model.transmits and not self.soft
        model = self.model
        shapes = with_both_roots(objects, model.lets_through) if model.transmits else objects
        self.aggregate = aggregates(shapes, self.camera, lights, self.offset.most)
        self._geometry(objects)

    def _material_table(self, objects: list) -> None:
        """Give every material one id; per object the id of its (first) material."""
        types = set(map(type, objects))
        plain_types = {t for t in types if _one_material(t)}
        mats = [obj.material for obj in objects]
        keys = np.fromiter(map(id, mats), dtype=np.uint64, count=len(mats))
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        order = np.argsort(first)  # ids in order of first use: the same in every process
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        table = [mats[k] for k in first[order].tolist()]
        self.obj_mat = rank[inverse].astype(np.int32)
        self.multi: dict[int, np.ndarray] = {}  # object -> ids of its materials()
        index = {id(m): k for k, m in enumerate(table)}
        for k, obj in enumerate(objects if len(plain_types) < len(types) else ()):
            if type(obj) not in plain_types:
                for m in obj.materials():
                    if id(m) not in index:
                        index[id(m)] = len(table)
                        table.append(m)
                self.multi[k] = np.array([index[id(m)] for m in obj.materials()], dtype=np.int32)
                self.obj_mat[k] = self.multi[k][0]
        self.materials = table
        self.mat_identity = np.array_equal(self.obj_mat, np.arange(len(objects)))
        self.ambient = np.array([m.ambient for m in table], dtype=np.float64)
        self.diffuse = np.array([m.diffuse for m in table], dtype=np.float64)
        self.specular = np.array([m.specular for m in table], dtype=np.float64)
        self.reflection = np.array([m.reflection for m in table], dtype=np.float64)
        self.spec_k = np.array([float(getattr(m, "specular_k", 50)) for m in table])
        self.one_spec_k = float(self.spec_k[0]) if len(set(self.spec_k.tolist())) == 1 else None
        # Plain colours come from one gather; patterned materials are asked per material.
        flat = [is_plain(m) for m in table]
        self.patterned = [k for k, yes in enumerate(flat) if not yes]
        rgb = [
            (m.color.x, m.color.y, m.color.z) if yes else (0, 0, 0)
            for m, yes in zip(table, flat, strict=True)
        ]
        self.colors = np.array(rgb, dtype=np.float64).reshape(-1, 3).T.copy()

    def _geometry(self, objects: list) -> None:
        """Keep sphere centres for normals by one gather; keep the other shapes themselves."""
        n = len(objects)
        agg = self.aggregate
        spheres = [
            (b, objs)
            for b, objs in zip(agg.groups, agg.group_objects, strict=True)
            if isinstance(b, SphereBatch)
        ]
        is_sphere = np.zeros(n, dtype=bool)
        if len(spheres) == 1 and len(spheres[0][1]) == n:
            self.centers = spheres[0][0].c3  # objects are the batch's spheres, in order
            is_sphere[:] = True
        else:
            self.centers = np.zeros((3, n))
            for batch, objs in spheres:
                self.centers[:, objs] = batch.c3
                is_sphere[objs] = True
        self.shapes: dict[int, Shape] = {}
        for k in np.flatnonzero(~is_sphere).tolist():
            obj = objects[k]
            if isinstance(obj, Sphere):
                self.centers[:, k] = obj._c
            else:
                self.shapes[k] = obj
        self.is_other = np.zeros(n, dtype=bool)
        self.is_other[list(self.shapes)] = True
        self._batch_normals(n)
        self.has_multi = np.zeros(n, dtype=bool)
        self.has_multi[list(self.multi)] = True
        for k in self.multi:
            self.shapes[k] = objects[k]

    def _batch_normals(self, n: int) -> None:
        """Let class batches that define normals(p, d, prims) answer for all their shapes."""
        agg = self.aggregate
        self.normal_groups: list[Batch] = []
        self.obj_group = np.full(n, -1, dtype=np.int32)
        self.obj_local = np.zeros(n, dtype=np.int32)
        for batch, objs in zip(agg.groups, agg.group_objects, strict=True):
            own = len(objs) and int(objs[0]) in agg.prim_objects
            if isinstance(batch, SphereBatch) or own or not hasattr(batch, "normals"):
                continue
            self.obj_group[objs] = len(self.normal_groups)
            self.obj_local[objs] = np.arange(len(objs))
            self.is_other[objs] = False
            self.normal_groups.append(batch)

    def fingerprint_bytes(self) -> bytes:
        """Return a digest of the geometry and materials (to compare two loads of a scene)."""
        h = hashlib.sha256()
        for a in (self.ambient, self.diffuse, self.specular, self.reflection, self.colors):
            h.update(a.tobytes())
        h.update(self.obj_mat.tobytes())
        model = self.model.fingerprint()
        if model or self.soft:
            h.update(repr(self.radii).encode())
            h.update(model)
        h.update(self.centers.tobytes())
        for batch in self.aggregate.groups:
            if isinstance(batch, SphereBatch):
                h.update(batch.r2.tobytes())
        for k, obj in sorted(self.shapes.items()):
            state = sorted(
                (k, v) for k, v in vars(obj).items() if k.startswith("_") and k != "_site"
            )
            h.update(f"{k}{type(obj).__qualname__}{state!r}".encode())
        return h.digest()

    def first_hit(self, position, direction) -> tuple[float, float, float] | None:
        """Return where a ray first meets a surface (None: nowhere).

        The ray leaves ``position`` along unit ``direction``; camera/view.py takes the point
        as a camera's look-at point.
        """
        d = tuple(np.array([c]) for c in direction)
        best, hit = self.aggregate.nearest(position, d)[:2]
        if hit[0] < 0 or not math.isfinite(best[0]):
            return None
        t = float(best[0])
        return (
            position[0] + t * direction[0],
            position[1] + t * direction[1],
            position[2] + t * direction[2],
        )

    def material_of(self, hit: np.ndarray, prim: np.ndarray | None) -> np.ndarray:
        """Return the material id of every hit (objects, prims)."""
        mat = hit if self.mat_identity else self.obj_mat[hit]
        if self.multi:
            for k, sel in by_object(hit, self.has_multi):
                local = self.shapes[k].material_ids(_zero_prims(prim, sel))
                if mat is hit:
                    mat = hit.copy()
                mat[sel] = self.multi[k][local]
        return mat


def _one_material(cls: type) -> bool:
    return getattr(cls, "materials", None) is Shape.materials


def _zero_prims(prim, sel):
    return np.zeros(sel.size, dtype=np.intp) if prim is None else prim[sel]


def by_object(hit: np.ndarray, chosen: np.ndarray):
    """Yield (object, positions of its hits) for the hit objects flagged in ``chosen``."""
    sel = np.flatnonzero(chosen[hit])
    if sel.size == 0:
        return
    objs = hit[sel]
    order = np.argsort(objs, kind="stable")
    objs, sel = objs[order], sel[order]
    cuts = np.flatnonzero(np.diff(objs)) + 1
    for part in np.split(np.arange(sel.size), cuts):
        yield int(objs[part[0]]), sel[part]
