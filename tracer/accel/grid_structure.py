"""The numpy structure over a scene's bounded primitives: a uniform grid and direction bins.

The bounded primitives go in a uniform grid (grid.py) that every ray can walk, and in
direction bins around the camera and the lights (directions.py) that answer primary and
shadow rays without a walk. Primitives spanning too many cells stay beside the grid and are
tested for every ray. Boxes are padded by PAD of the scene's reach (aggregates.py): rays
starting within FAR_ORIGIN reaches walk the grid; rays from farther away walk a far grid with
FAR_PAD padding (when a floor plane sends rays from there) or are tested against every
primitive. The numpy engine: the reference of the compiled walk, and its fallback.
"""

from __future__ import annotations

import numpy as np

from .compiled_spheres import CELLS_PER_SPHERE, SphereWalk
from .directions import DirectionMap
from .grid import UniformGrid, reduce_nearest
from .primitives import Primitives

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
#: Pairs tested at once when rays from far away are checked against every primitive.
PAIRS = 1 << 20


class GridStructure:
    """Bounded primitives ``ids`` (boxes lo/hi, unpadded) in a grid and direction maps."""

    def __init__(self, prims: Primitives, lo, hi, ids, frame, views, spheres: bool = False) -> None:
        """``spheres``: ids are one batch of spheres, walked compiled (compiled_spheres.py)."""
        eye, lights, shadow_offset = views
        self.prims = prims
        self.centre, self.reach, pad, unbounded = frame
        density = CELLS_PER_SPHERE if spheres else None
        self.grid = UniformGrid(lo - pad, hi + pad, ids, cells_per_prim=density)
        self.spheres = SphereWalk(self.grid, prims) if spheres else None
        self.far_grid = self._far_grid(lo, hi, ids) if unbounded else None
        keep = ~np.isin(ids, self.grid.left_out)
        self.left_out = self.grid.left_out  # tested beside the grid, for every ray
        self.in_grid = ids[keep]
        prims.focus(self.in_grid)
        lo, hi, ids = lo[keep] - pad, hi[keep] + pad, ids[keep]
        eye_map = DirectionMap(eye, lo, hi, ids)
        self.eye_map = eye_map if eye_map.usable else None
        # Shadow rays head for a light but start a little off the surface: wider padding.
        if callable(shadow_offset):
            extent = max(np.abs(lo).max(), np.abs(hi).max(), *map(abs, eye))
            extent = max([extent, *(abs(c) for light in lights for c in light)])
            shadow_offset = shadow_offset(float(extent))
        self.light_pad = 2 * LIGHT_SLACK * shadow_offset
        self.light_maps: dict[tuple, DirectionMap] = {}
        for light in lights if len(ids) <= MAX_LIGHT_MAP else ():
            light_map = DirectionMap(light, lo - self.light_pad, hi + self.light_pad, ids)
            if light_map.usable:
                self.light_maps[light_map.point] = light_map

    def nearest(self, o, d, best, bid, bsub) -> None:
        """Lower (best, bid, bsub) to every ray's nearest hit among the structure's prims."""
        n = d[0].shape[0]
        away = self._far_origins(o, n)
        test = lambda rays, ids: self.prims.test(o, d, rays, ids)  # noqa: E731
        if self.eye_map is not None and _same_point(o, self.eye_map.point):
            self.eye_map.nearest(d, test, best, bid, bsub)  # a pinhole camera's rays
        elif self.spheres is not None and self.spheres.usable():
            self.spheres.nearest(o, d, best, bid, away)
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

    def occluded(self, o, d, dist, toward, blocked) -> None:
        """Set ``blocked`` for rays with a hit nearer than ``dist`` (``toward``: their light)."""
        n = dist.shape[0]
        away = self._far_origins(o, n)
        skip = blocked if away is None else blocked | away
        test = lambda rays, ids: self.prims.test(o, d, rays, ids)  # noqa: E731
        light_map = None if toward is None else self.light_maps.get(tuple(map(float, toward)))
        if light_map is not None:
            near = self._passes_near(o, d, dist, light_map.point) & ~skip
            light_map.any_hit(o, d, dist, test, blocked, np.flatnonzero(near))
            skip = skip | near
        if self.spheres is not None and self.spheres.usable():
            self.spheres.any_hit(o, d, dist, blocked, skip)
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
