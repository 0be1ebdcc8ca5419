"""Choose the compiled grid walk (sphere_walk.py) where it applies, else the numpy walk.

It applies to a grid whose primitives are many spheres of one batch, in a process where numba
imports (the ``fast`` extra) and PURAY_NO_JIT is not set. Both walks give the same pixels;
the compiled one walks 3-5x faster, and its first use in a process costs numba's import
(~0.2 s) and loading its machine code from numba's cache (~0.1 s); compiling it takes a few
seconds, once per machine: setup does it (``python -m tracer.accel.compiled``).
"""

from __future__ import annotations

import os

import numpy as np

from ..geometry.sphere import SphereBatch
from .grid import UniformGrid
from .walk import TOL

#: Fewer spheres in the grid than this: the numpy walk (not worth numba's start-up, ~0.3 s
#: in each worker process that first walks compiled).
MIN_SPHERES = 500
#: Cells per sphere of a grid walked compiled: fewer, fuller cells than the numpy walk wants
#: (a compiled test is cheap, a cell visit is not). Measured, 100,000 random spheres: 0.5
#: renders ~7 % faster than 1 and ~20 % faster than 4; 10,000 and the lattice: alike.
CELLS_PER_SPHERE = 0.5
#: Set (to anything) to always use the numpy walk.
OFF = "PURAY_NO_JIT"


def cells_per_prim(prims, ids: np.ndarray) -> float | None:
    """Return the grid density for primitives ``ids`` if their grid will be walked compiled."""
    if _applies(prims.one_batch(ids), ids.size) and _module() is not None:
        return CELLS_PER_SPHERE
    return None


def sphere_walk(grid, prims):
    """Return (module, grid tuple, sphere rows, id offset) to walk ``grid`` compiled, or None."""
    direct = prims.direct
    if not _applies(direct, len(direct[0]) if direct else 0):
        return None
    module = _module()
    if module is None:
        return None
    return module, _table(grid, grid.list_bounds(), grid.list_ids), direct[0].rows, direct[1]


def _table(grid, bounds: np.ndarray, ids: np.ndarray) -> tuple:
    """Return the grid as the compiled walk takes it (sphere_walk._walk unpacks this order)."""
    return (grid.lo, grid.hi, grid.res, grid.h, grid.inv_h, grid.size * TOL, bounds, ids)


def nearest(walk, o, d, best, bid, skip) -> None:
    """Lower best/bid of the rays not in ``skip`` to their nearest sphere (compiled walk)."""
    _run(walk, o, d, skip, best, bid, False)


def any_hit(walk, o, d, dist, blocked, skip) -> None:
    """Set ``blocked`` for the rays not in ``skip`` with a sphere nearer than ``dist``."""
    blocker = np.full(dist.shape[0], -1, dtype=np.intp)
    _run(walk, o, d, skip, dist, blocker, True)
    blocked |= blocker >= 0


def _run(walk, o, d, skip, best, bid, shadow: bool) -> None:
    module, table, rows, offset = walk
    n = d[0].shape[0]
    rays = np.arange(n) if skip is None else np.flatnonzero(~skip)
    ox, oy, oz = _origins(o, n)
    module.walk_rays(table, ox, oy, oz, d[0], d[1], d[2], rays, rows, offset, best, bid, shadow)


def sphere_walk_available():
    """Return the compiled walk's module if this process can use it (numba, not turned off)."""
    return None if os.environ.get(OFF) else _module()


def _applies(direct, count: int) -> bool:
    """Tell whether a grid of ``count`` prims of one batch (``direct``) suits the compiled walk."""
    if direct is None or not isinstance(direct[0], SphereBatch) or os.environ.get(OFF):
        return False
    return count >= MIN_SPHERES


def _module():
    """Return sphere_walk (importing numba), or None where numba does not import."""
    # Deferred: numba is an optional dependency (the fast extra), and importing it costs
    # ~0.2 s that only a process walking a big sphere grid should pay.
    try:
        from . import sphere_walk
    except ImportError:  # no numba here (or one that does not work with this numpy)
        return None
    return sphere_walk


def _origins(o, n: int):
    """Return ray origins as three arrays (a point shared by every ray is repeated)."""
    return [a if isinstance(a, np.ndarray) else np.full(n, float(a)) for a in o]


def warm() -> bool:
    """Compile the walks (or load them from numba's cache) for both list index types."""
    module = _module()
    if module is None:
        return False
    batch = SphereBatch(np.zeros((1, 3)), np.ones(1))
    grid = UniformGrid(batch.lo, batch.hi, np.zeros(1, dtype=np.int64))
    o, d = (0.0, 0.0, -2.0), (np.zeros(1), np.zeros(1), np.ones(1))
    for index in (np.int32, np.int64):  # grids of over 2**31 list entries use int64
        table = _table(grid, grid.list_bounds().astype(index), grid.list_ids.astype(index))
        walk = (module, table, batch.rows, 0)
        best, bid = np.full(1, np.inf), np.full(1, -1, dtype=np.intp)
        nearest(walk, o, d, best, bid, None)
        any_hit(walk, o, d, np.full(1, 5.0), np.zeros(1, dtype=bool), None)
        if bid[0] != 0:
            raise RuntimeError("the compiled grid walk missed the sphere in front of its ray")
    return True


if __name__ == "__main__":
    print("compiled grid walk:", "ready" if warm() else "numba is not installed (numpy walk)")
