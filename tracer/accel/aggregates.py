"""A scene's objects for ray queries, nearest hit and any hit: exact, flat in object count.

The objects become primitives with boxes (Shape.bounds, a class's batch, a mesh's
primitives). A handful of them: every object is tested against every ray, as Puray does. Many:
the bounded ones go in a uniform grid (grid.py) that every ray can walk, and in direction
bins around the camera (directions.py) that answer primary rays without a walk; unbounded or
huge ones (planes, Puray's 10000-radius ground sphere) are tested beside them for every ray.
Either way a ray gets the same distance from the same arithmetic and ties go to the earlier
object (then the lower prim), so pictures are identical to testing everything.

Global primitive ids are ordered by (object, prim): ties between ids are ties in that order.
Boxes are padded by PAD of the scene's reach (its size, or the camera's distance if larger):
float64 hit tests stray from a shape's true surface by well under that for rays starting
within FAR_ORIGIN reaches; rays from farther away are tested against every primitive.
"""

from __future__ import annotations

import numpy as np

from ..arrays import median
from ..geometry.shape import Hittable
from . import compiled
from .directions import DirectionMap
from .grid import UniformGrid, reduce_nearest
from .primitives import Primitives

#: Fewer bounded primitives than this: test every object (today's loop; twoballs takes it).
MIN_PRIMS = 16
#: Boxes are padded by this fraction of the scene's reach (covers float64 rounding of hits).
PAD = 1e-4
#: Shadow rays start this many times their offset from the surface (shadow_offset: a
#: length, or a function of the scene's extent that bounds the offsets) away from a ray to the
#: light at most: the padding of the boxes binned by direction from a
#: light is twice that (rays that pass farther from the light walk the grid).
LIGHT_SLACK = 2.0
#: Scenes with more bounded prims than this bin them by direction from the camera only.
MAX_LIGHT_MAP = 200_000
#: Scenes with unbounded shapes (a floor plane) have hit points far away: a second grid with
#: FAR_PAD padding serves rays from up to FAR_GRID_ORIGIN reaches away, if it stays small.
FAR_PAD = 1e-2
FAR_GRID_ORIGIN = 3000.0
FAR_GRID_ENTRIES = 256
#: The far grid's boxes are big (FAR_PAD): coarse cells keep it small and quick to build.
FAR_CELLS_PER_PRIM = 0.5
#: Rays starting farther than this many reaches from the grid walk the far grid, or else
#: are tested against every primitive.
FAR_ORIGIN = 30.0
#: A primitive bigger than this many scene cores is tested beside the grid.
HUGE = 4.0
#: Pairs tested at once when rays from far away are checked against every primitive.
PAIRS = 1 << 20


class Aggregate:
    """Every object of a scene, ready for nearest-hit and any-hit queries on many rays."""

    def __init__(
        self, objects: list[Hittable], eye=(0.0, 0.0, 0.0), lights=(), shadow_offset=1e-4
    ) -> None:
        self.count = len(objects)
        self.grid: UniformGrid | None = None
        self.far_grid: UniformGrid | None = None
        self.eye_map: DirectionMap | None = None
        self.light_maps: dict[tuple, DirectionMap] = {}
        self.objects = list(objects)
        self.prims = Primitives(self.objects)
        self.groups = self.prims.groups
        self.group_objects = self.prims.group_objects
        self.prim_objects = self.prims.prim_objects
        lo, hi = self.prims.lo, self.prims.hi
        self.prims.forget_boxes()
        inside = np.isfinite(lo).all(axis=1) & np.isfinite(hi).all(axis=1)
        inside[inside] = ~_huge(lo[inside], hi[inside])
        if int(inside.sum()) >= MIN_PRIMS:
            unbounded = not inside.all() and not np.isfinite(lo[~inside]).all()
            unbounded |= not inside.all() and not np.isfinite(hi[~inside]).all()
            self._structure(lo, hi, inside, eye, lights, shadow_offset, unbounded)
            self.objects = []  # rendering needs only the batches now

    def _structure(self, lo, hi, inside, eye, lights, shadow_offset, unbounded) -> None:
        """File the bounded prims in a grid (and by direction from the eye); keep the rest."""
        ids = np.flatnonzero(inside)
        lo, hi = lo[ids], hi[ids]
        self.centre = (lo.min(axis=0) + hi.max(axis=0)) / 2
        size = float(np.linalg.norm(hi.max(axis=0) - lo.min(axis=0)))
        self.reach = max(size, float(np.linalg.norm(np.subtract(eye, self.centre))), 1e-300)
        pad = PAD * self.reach
        density = compiled.cells_per_prim(self.prims, ids)
        self.grid = UniformGrid(lo - pad, hi + pad, ids, cells_per_prim=density)
        self.far_grid = self._far_grid(lo, hi, ids) if unbounded else None
        inside[self.grid.left_out] = False
        self.in_grid = np.flatnonzero(inside)
        self.far = np.flatnonzero(~inside)
        self.prims.focus(self.in_grid)
        keep = inside[ids]
        lo, hi, ids = lo[keep] - pad, hi[keep] + pad, ids[keep]
        eye_map = DirectionMap(eye, lo, hi, ids)
        self.eye_map = eye_map if eye_map.usable else None
        # Shadow rays head for a light but start a little off the surface: wider padding.
        if callable(shadow_offset):
            extent = max(np.abs(lo).max(), np.abs(hi).max(), *map(abs, eye))
            extent = max([extent, *(abs(c) for light in lights for c in light)])
            shadow_offset = shadow_offset(float(extent))
        self.light_pad = 2 * LIGHT_SLACK * shadow_offset
        for light in lights if len(ids) <= MAX_LIGHT_MAP else ():
            light_map = DirectionMap(light, lo - self.light_pad, hi + self.light_pad, ids)
            if light_map.usable:
                self.light_maps[light_map.point] = light_map

    def nearest(self, o, d) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Return (distance, object index or -1, prim or None) of every ray's nearest hit."""
        if self.grid is None:
            return self._nearest_each(o, d)
        n = d[0].shape[0]
        best = np.full(n, np.inf)
        bid = np.full(n, -1, dtype=np.intp)
        bsub = np.zeros(n, dtype=np.intp)
        # Objects beside the grid first (a floor): rays that hit them nearer stop sooner.
        for gid in self.far:
            t, ok, sub = self.prims.test_all_rays(o, d, int(gid))
            ok = ok & ((t < best) | ((t == best) & (bid > gid))) & (t < np.inf)
            best[ok] = t[ok]
            bid[ok] = gid
            bsub[ok] = sub[ok] if isinstance(sub, np.ndarray) else (sub or 0)
        away = self._far_origins(o, n)
        test = lambda rays, ids: self.prims.test(o, d, rays, ids)  # noqa: E731
        if self.eye_map is not None and _same_point(o, self.eye_map.point):
            self.eye_map.nearest(d, test, best, bid, bsub)  # a pinhole camera's rays
        else:
            walk = compiled.sphere_walk(self.grid, self.prims)
            if walk is not None:
                compiled.nearest(walk, o, d, best, bid, away)
            else:
                self.grid.nearest(o, d, test, best, bid, bsub, skip=away)
        away = self._walk_far_grid(
            o, d, away, n, lambda g, skip: g.nearest(o, d, test, best, bid, bsub, skip=skip)
        )
        if away is not None:
            rays = self._may_reach(o, d, np.flatnonzero(away))
            for ids in _chunks(self.in_grid, rays):
                pair_rays, pair_ids = np.repeat(rays, ids.size), np.tile(ids, rays.size)
                t, ok, sub = test(pair_rays, pair_ids)
                reduce_nearest(pair_rays, t, ok, pair_ids, sub, best, bid, bsub)
        return best, self.prims.object_of(bid), bsub

    def occluded(self, o, d, dist: np.ndarray, toward=None) -> np.ndarray:
        """Return a mask of the rays with a hit nearer than ``dist`` (any object will do).

        ``toward``: the point the rays head for (a light), when they do.
        """
        n = dist.shape[0]
        blocked = np.zeros(n, dtype=bool)
        if self.grid is None:
            for obj in self.objects:
                res = obj.intersect(o, d)
                t, ok = res[0], res[1]
                ok &= t < dist
                blocked |= ok
            return blocked
        for gid in self.far:
            t, ok, _sub = self.prims.test_all_rays(o, d, int(gid))
            blocked |= ok & (t < dist)
        away = self._far_origins(o, n)
        skip = blocked if away is None else blocked | away
        test = lambda rays, ids: self.prims.test(o, d, rays, ids)  # noqa: E731
        light_map = None if toward is None else self.light_maps.get(tuple(map(float, toward)))
        if light_map is not None:
            near = self._passes_near(o, d, dist, light_map.point) & ~skip
            light_map.any_hit(o, d, dist, test, blocked, np.flatnonzero(near))
            skip = skip | near
        walk = compiled.sphere_walk(self.grid, self.prims)
        if walk is not None:
            compiled.any_hit(walk, o, d, dist, blocked, skip)
        else:
            self.grid.any_hit(o, d, dist, test, blocked, skip=skip)
        away = self._walk_far_grid(
            o, d, away, n, lambda g, skip: g.any_hit(o, d, dist, test, blocked, skip=skip | blocked)
        )
        if away is not None:
            rays = self._may_reach(o, d, np.flatnonzero(away & ~blocked))
            for ids in _chunks(self.in_grid, rays):
                pair_rays = np.repeat(rays, ids.size)
                t, ok, _sub = test(pair_rays, np.tile(ids, rays.size))
                blocked[pair_rays[ok & (t < dist[pair_rays])]] = True
        return blocked

    def _far_grid(self, lo, hi, ids) -> UniformGrid | None:
        """Return a grid padded for rays from far away (hit points on a plane), if small."""
        pad = FAR_PAD * self.reach
        most = min(FAR_GRID_ENTRIES * len(ids), 1 << 24)
        far_grid = UniformGrid(lo - pad, hi + pad, ids, most, FAR_CELLS_PER_PRIM)
        return None if far_grid.left_out.size or far_grid.entries > most else far_grid

    def _walk_far_grid(self, o, d, away, n: int, walk):
        """Let rays from far away walk the far grid; return the mask of those still left."""
        if away is None or self.far_grid is None:
            return away
        beyond = self._far_origins(o, n, FAR_GRID_ORIGIN)
        walk(self.far_grid, ~away if beyond is None else ~away | beyond)
        return beyond

    def _passes_near(self, o, d, dist, point) -> np.ndarray:
        """Return a mask of the rays o + t d, t <= dist, that end within half light_pad of point.

        Such a ray stays that close to the segment from its origin to the point all along.
        """
        miss = [o[a] + dist * d[a] - point[a] for a in range(3)]
        gap = miss[0] * miss[0] + miss[1] * miss[1] + miss[2] * miss[2]
        return np.asarray(gap < (self.light_pad / 2) ** 2)

    def _nearest_each(self, o, d):
        """Test every object against every ray in order (a handful of objects)."""
        best = np.full(d[0].shape, np.inf)
        hit = np.full(d[0].shape, -1, dtype=np.intp)
        prim = None
        for k, obj in enumerate(self.objects):
            res = obj.intersect(o, d)
            t, ok = res[0], res[1]
            ok &= t < best  # strictly closer: ties go to the earlier object
            np.copyto(best, t, where=ok)
            hit[ok] = k
            if len(res) > 2:
                self.prim_objects.add(k)
                prim = np.zeros(hit.shape, dtype=np.intp) if prim is None else prim
                prim[ok] = res[2][ok]
            elif prim is not None:
                prim[ok] = 0
        return best, hit, prim

    def _far_origins(self, o, n: int, reaches: float = FAR_ORIGIN) -> np.ndarray | None:
        """Return a mask of rays starting too far from the grid for its padding, or None."""
        if not isinstance(o[0], np.ndarray):
            far = float(np.linalg.norm(np.subtract(o, self.centre))) > reaches * self.reach
            return np.ones(n, dtype=bool) if far else None
        x, y, z = (o[a] - self.centre[a] for a in range(3))
        r2 = x * x
        r2 += y * y
        r2 += z * z
        far = r2 > (reaches * self.reach) ** 2
        return far if far.any() else None

    def _may_reach(self, o, d, rays: np.ndarray) -> np.ndarray:
        """Return the rays (from far away) whose line passes near the grid's box."""
        assert self.grid is not None
        oc = [np.asarray(o[a] - self.centre[a]) for a in range(3)]
        oc = [np.broadcast_to(a, d[0].shape)[rays] for a in oc]
        dc = [d[a][rays] for a in range(3)]
        along = oc[0] * dc[0] + oc[1] * dc[1] + oc[2] * dc[2]
        miss2 = sum((oc[a] - along * dc[a]) ** 2 for a in range(3))
        dist = np.sqrt(oc[0] ** 2 + oc[1] ** 2 + oc[2] ** 2)
        radius = self.grid.size / 2 + 1e-6 * (dist + self.reach)
        return rays[(miss2 <= radius * radius) & (along <= radius)]


def _same_point(o, point: tuple) -> bool:
    return not isinstance(o[0], np.ndarray) and tuple(float(c) for c in o) == point


def _chunks(ids: np.ndarray, rays: np.ndarray):
    """Split ``ids`` so that each part paired with every ray makes about PAIRS pairs."""
    if rays.size == 0:
        return
    size = max(1, PAIRS // rays.size)
    for k in range(0, ids.size, size):
        yield ids[k : k + size]


def _huge(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Return a mask of boxes far bigger than the scene's core (the ground sphere's)."""
    if len(lo) == 0:
        return np.zeros(0, dtype=bool)
    centres = (lo + hi) / 2
    q = (0.01, 0.99) if len(lo) >= 100 else (0.1, 0.9)  # a few far centres do not count
    core_lo, core_hi = np.quantile(centres, q, axis=0, method="inverted_cdf")
    sizes = np.linalg.norm(hi - lo, axis=1)
    core = max(float(np.linalg.norm(core_hi - core_lo)), median(sizes))
    return sizes > HUGE * core
