"""A scene's objects for ray queries, nearest hit and any hit: exact, flat in object count.

The objects become primitives with boxes (Shape.bounds, a class's batch, a mesh's
primitives). A handful of them: every object is tested against every ray, as Puray does. Many:
the bounded ones go in one structure, a hierarchy walked by compiled code where numba serves
(compiled.py) or else a uniform grid with direction bins walked by numpy (grid_structure.py);
unbounded or huge ones (planes, Puray's 10000-radius ground sphere) are tested beside it for
every ray.
Either way a ray gets the same distance from the same arithmetic and ties go to the earlier
object (then the lower prim), so pictures are identical to testing everything.

Global primitive ids are ordered by (object, prim): ties between ids are ties in that order.
Boxes are padded by PAD of the scene's reach (its size, or the camera's distance if larger):
float64 hit tests stray from a shape's true surface by well under that for rays starting
within FAR_ORIGIN reaches; rays from farther away need wider boxes (each structure widens
them its way).
"""

from __future__ import annotations

import numpy as np

from ..arrays import median
from ..geometry.shape import Hittable
from . import compiled, compiled_prims, grid_structure
from .grid_structure import GridStructure
from .primitives import Primitives

#: Fewer bounded primitives than this: test every object (today's loop; twoballs takes it).
MIN_PRIMS = 16
#: Boxes are padded by this fraction of the scene's reach (covers float64 rounding of hits).
PAD = 1e-4
#: Rays starting farther than this many reaches from the structure's boxes need more padding.
FAR_ORIGIN = grid_structure.FAR_ORIGIN
#: A primitive bigger than this many scene cores is tested beside the grid.
HUGE = 4.0


class Aggregate:
    """Every object of a scene, ready for nearest-hit and any-hit queries on many rays."""

    def __init__(
        self, objects: list[Hittable], eye=(0.0, 0.0, 0.0), lights=(), shadow_offset=1e-4
    ) -> None:
        self.count = len(objects)
        self.structure: GridStructure | compiled.CompiledStructure | None = None
        self.objects = list(objects)
        self.prims = Primitives(self.objects)
        self.groups = self.prims.groups
        self.group_objects = self.prims.group_objects
        self.prim_objects = self.prims.prim_objects
        lo, hi = self.prims.lo, self.prims.hi
        self.prims.forget_boxes()
        inside = np.isfinite(lo).all(axis=1) & np.isfinite(hi).all(axis=1)
        inside[inside] = ~_huge(lo[inside], hi[inside])
        self.far = np.flatnonzero(~inside)
        if int(inside.sum()) >= MIN_PRIMS:
            unbounded = not inside.all() and not np.isfinite(lo[~inside]).all()
            unbounded |= not inside.all() and not np.isfinite(hi[~inside]).all()
            ids = np.flatnonzero(inside)
            lo, hi = lo[ids], hi[ids]
            centre = (lo.min(axis=0) + hi.max(axis=0)) / 2
            size = float(np.linalg.norm(hi.max(axis=0) - lo.min(axis=0)))
            reach = max(size, float(np.linalg.norm(np.subtract(eye, centre))), 1e-300)
            self.frame = (centre, reach, PAD * reach, unbounded)
            self.ids = ids
            self.views = (tuple(eye), list(lights), shadow_offset)
            spheres = compiled_prims.spheres_only(self.prims, ids)  # a grid walks those best
            if not compiled.chooses(self.prims, ids):
                self._grid_structure(lo, hi)
            elif spheres:
                self._grid_structure(lo, hi, spheres=True)
            else:
                far = FAR_ORIGIN * reach
                self.structure = compiled.CompiledStructure(
                    self.prims, lo, hi, ids, self.frame, far
                )
            self.objects = []  # rendering needs only the batches now

    @property
    def grid(self):
        """The numpy structure's grid (None: no structure, or the compiled one)."""
        return self.structure.grid if isinstance(self.structure, GridStructure) else None

    def _grid_structure(self, lo=None, hi=None, spheres: bool = False) -> GridStructure:
        """Build the numpy structure (here, or where a compiled one cannot walk)."""
        if lo is None or hi is None:
            lo, hi = self.prims.boxes(self.ids)
        structure = GridStructure(self.prims, lo, hi, self.ids, self.frame, self.views, spheres)
        self.far = np.union1d(self.far, structure.left_out)
        self.structure = structure
        return structure

    def _walker(self):
        """Return the structure to walk in this process (a compiled one needs numba here)."""
        structure = self.structure
        if isinstance(structure, compiled.CompiledStructure) and not compiled.usable():
            return self._grid_structure()
        return structure

    def nearest(self, o, d) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Return (distance, object index or -1, prim or None) of every ray's nearest hit."""
        structure = self._walker()
        if structure is None:
            return self._nearest_each(o, d)
        n = d[0].shape[0]
        best = np.full(n, np.inf)
        bid = np.full(n, -1, dtype=np.intp)
        bsub = np.zeros(n, dtype=np.intp)
        # Objects beside the structure first (a floor): rays that hit them nearer stop sooner.
        for gid in self.far:
            t, ok, sub = self.prims.test_all_rays(o, d, int(gid))
            ok = ok & ((t < best) | ((t == best) & (bid > gid))) & (t < np.inf)
            best[ok] = t[ok]
            bid[ok] = gid
            bsub[ok] = sub[ok] if isinstance(sub, np.ndarray) else (sub or 0)
        structure.nearest(o, d, best, bid, bsub)
        return best, self.prims.object_of(bid), bsub

    def occluded(self, o, d, dist: np.ndarray, toward=None) -> np.ndarray:
        """Return a mask of the rays with a hit nearer than ``dist`` (any object will do).

        ``toward``: the point the rays head for (a light), when they do.
        """
        n = dist.shape[0]
        blocked = np.zeros(n, dtype=bool)
        structure = self._walker()
        if structure is None:
            for obj in self.objects:
                res = obj.intersect(o, d)
                t, ok = res[0], res[1]
                ok &= t < dist
                blocked |= ok
            return blocked
        for gid in self.far:
            t, ok, _sub = self.prims.test_all_rays(o, d, int(gid))
            blocked |= ok & (t < dist)
        structure.occluded(o, d, dist, toward, blocked)
        return blocked

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
