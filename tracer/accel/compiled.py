"""The compiled structure: a hierarchy over a scene's bounded primitives, walked by numba.

Chosen per load where it wins (chooses()): kernels here (built ahead of time by setup, or
numba's just-in-time route when the scene pays for its start-up), PURAY_NO_JIT not set, at
least MIN_PRIMS bounded primitives, and not a cloud of more than MAX_SPHERES spheres. The
hierarchy (compiled_bvh.py) replaces the numpy grid and its direction bins
(grid_structure.py); primitives of the built-in kinds are tested in compiled code with the
numpy tests' arithmetic (compiled_shapes.py), the others by their own numpy test on the pairs
the walk hands back. Spheres alone keep the grid, walked by compiled code too
(compiled_spheres.py): a grid serves a cloud better. Every structure gives the same pixels.
Setup compiles the kernels once per machine (``python -m tracer.accel.compiled_setup``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import compiled_aot, compiled_prims
from .grid import reduce_nearest
from .primitives import Primitives

#: Kernels built ahead of time cost nothing to start: every structure is compiled, from
#: aggregates.MIN_PRIMS primitives up (measured: faster from 16 spheres, boxes or triangles).
MIN_PRIMS = 16
#: Just in time, a process's first compiled walk costs ~0.6 s of CPU (numba's import and its
#: first call), in the loading process and again in each other worker. Only a scene whose
#: numpy structure costs more than that gets the compiled one there: measured at 960x540,
#: its saving passes the start-up at ~50,000 spheres or triangles, or ~100 boxes, cylinders,
#: cones, discs or glass spheres (the numpy engine tests those one shape at a time). Once a
#: process has walked compiled, MIN_PRIMS applies there.
COLD_WORK = 50_000  # compiled_prims.work(): spheres or triangles, LONE_WORK a lone shape
#: Pairs (ray, primitive) of foreign primitives handed back at once, at first.
PAIRS = 1 << 16
#: Set (to anything) to always use the numpy structure.
OFF = "PURAY_NO_JIT"


def usable() -> bool:
    """Tell whether this process can walk compiled (numba imports, not turned off)."""
    return not os.environ.get(OFF) and kernels() is not None


def chooses(prims: Primitives, ids: np.ndarray) -> bool:
    """Tell whether the bounded primitives ``ids`` get the compiled structure (where it wins).

    numba is not even imported for a scene whose compiled walk would not pay for it.
    """
    if ids.size < MIN_PRIMS or os.environ.get(OFF) or _big_cloud(prims, ids):
        return False
    if not _loaded:
        module = compiled_aot.load()
        if module is not None:
            _loaded.append(ahead_of_time(module))
    found = _loaded[0] if _loaded else None
    if (found is not None and found.ahead) or _warm:
        return True
    return compiled_prims.work(prims) >= COLD_WORK and kernels() is not None


def _big_cloud(prims: Primitives, ids: np.ndarray) -> bool:
    """Tell whether ``ids`` are more spheres of one batch than a compiled walk serves well."""
    return ids.size > compiled_prims.MAX_SPHERES and compiled_prims.spheres_only(prims, ids)


class CompiledStructure:
    """Primitives ``ids`` (boxes lo/hi, unpadded) in a hierarchy for the compiled walk.

    Plain arrays: it travels to other processes (and pickles) without numba.
    """

    def __init__(self, prims: Primitives, lo, hi, ids, frame, far: float) -> None:
        centre, _reach, pad, _unbounded = frame
        build = _ready().build
        self.prims = prims
        prims.focus(ids)
        box, first, count, order, depth = build(lo - pad, hi + pad)
        _warm[:] = [True]  # numba (where it is the route) has started in this process
        gids = ids[order].astype(np.int64)
        self.tables, codes = compiled_prims.in_order(prims, gids)
        self.bvh = (box, first, count, codes, gids, int(depth))
        sub = prims.g_sub
        self.sub_of = np.zeros(0, np.int64) if sub is None else sub.astype(np.int64)
        self.scene = (float(pad), *map(float, centre), float(far))

    def __getstate__(self) -> dict:
        """Leave the shapes' rows out of a pickle (rebuilt from the primitives: half the bytes)."""
        state = self.__dict__.copy()
        box, first, count, _codes, gids, depth = state.pop("bvh")
        del state["tables"]
        state["walk"] = (box, first, count, gids, depth)
        return state

    def __setstate__(self, state: dict) -> None:
        box, first, count, gids, depth = state.pop("walk")
        self.__dict__.update(state)
        self.tables, codes = compiled_prims.in_order(self.prims, gids)
        self.bvh = (box, first, count, codes, gids, depth)

    def nearest(self, o, d, best, bid, bsub) -> None:
        """Lower (best, bid, bsub) to every ray's nearest hit among the structure's prims."""
        walk = _ready()
        n = d[0].shape[0]
        rays = np.arange(n)
        args = (*origins(o, n), *map(plain, d), rays)
        pairs = np.empty((PAIRS, 2), dtype=np.int64)
        k = 0
        while k < n:
            head = (self.bvh, self.tables, self.sub_of, self.scene)
            done, m = walk.nearest(*head, *args, k, best, bid, bsub, pairs)
            if m:
                pr, pg = pairs[:m, 0], pairs[:m, 1]
                t, ok, sub = self.prims.test(o, d, pr, pg)
                reduce_nearest(pr, t, ok, pg, sub, best, bid, bsub)
            if done == k and m == 0:  # one ray has more foreign pairs than fit
                pairs = np.empty((2 * len(pairs), 2), dtype=np.int64)
            k = done

    def occluded(self, o, d, dist, toward, blocked) -> None:
        """Set ``blocked`` for rays with a hit nearer than ``dist`` (``toward``: unused)."""
        walk = _ready()
        n = d[0].shape[0]
        rays = np.flatnonzero(~blocked)
        limit = plain(dist)
        args = (*origins(o, n), *map(plain, d), rays)
        pairs = np.empty((PAIRS, 2), dtype=np.int64)
        k = 0
        while k < rays.size:
            done, m = walk.any_hit(
                self.bvh, self.tables, self.scene, *args, k, limit, blocked, pairs
            )
            if m:
                pr, pg = pairs[:m, 0], pairs[:m, 1]
                t, ok, _sub = self.prims.test(o, d, pr, pg)
                blocked[pr[ok & (t < dist[pr])]] = True
            if done == k and m == 0:
                pairs = np.empty((2 * len(pairs), 2), dtype=np.int64)
            k = done


def origins(o, n: int) -> list[np.ndarray]:
    """Return ray origins as three arrays (a point shared by every ray is repeated)."""
    return [plain(a) if isinstance(a, np.ndarray) else np.full(n, float(a)) for a in o]


def plain(a: np.ndarray) -> np.ndarray:
    """Return ``a`` as a writable contiguous float64 array (the one type the walks compile for)."""
    if a.dtype == np.float64 and a.flags.c_contiguous and a.flags.writeable:
        return a
    return np.array(a, dtype=np.float64)


class Kernels(NamedTuple):
    """The compiled builder and walks, and whether they were built ahead of time."""

    build: Callable
    nearest: Callable
    any_hit: Callable
    spheres32: Callable  # sphere_walk.walk_rays, grids with int32 lists
    spheres64: Callable  # and with int64 lists
    ahead: bool


_loaded: list[Kernels | None] = []
#: Set once this process has walked compiled (numba started: no start-up to pay again).
_warm: list[bool] = []


def kernels() -> Kernels | None:
    """Return the kernels this process walks with, or None where there are none.

    Built ahead of time (compiled_aot.py: no numba here) where setup built them from these
    sources; else numba's just-in-time route (its cache); else None (no numba).
    """
    if not _loaded:
        _loaded.append(_find())
    return _loaded[0]


def _ready() -> Kernels:
    """Return the kernels (a compiled structure is walked only where there are some)."""
    found = kernels()
    if found is None:
        raise RuntimeError("no compiled kernels in this process")
    return found


def _find() -> Kernels | None:
    module = compiled_aot.load()
    if module is not None:
        return ahead_of_time(module)
    return just_in_time()


def ahead_of_time(module) -> Kernels:
    """Return the kernels of a module built ahead of time (compiled_aot.py)."""
    return Kernels(
        module.build, module.nearest, module.any_hit, module.spheres32, module.spheres64, True
    )


def just_in_time() -> Kernels | None:
    """Return the kernels of numba's just-in-time route (None: numba does not import)."""
    # Deferred: numba is an optional dependency (the fast extra), and importing it costs
    # ~0.35 s, and its first call another ~0.3 s, that only a big scene should pay.
    try:
        from . import compiled_bvh, compiled_walk, sphere_walk
    except ImportError:  # no numba here (or one that does not work with this numpy)
        return None
    spheres = sphere_walk.walk_rays
    _fresh_cache((compiled_bvh.build, compiled_walk.nearest, compiled_walk.any_hit, spheres))
    return Kernels(
        compiled_bvh.build, compiled_walk.nearest, compiled_walk.any_hit, spheres, spheres, False
    )


def _fresh_cache(kernels) -> None:
    """Drop numba's cached kernels when any of the kernels' sources changed since.

    numba checks only the file of the function it caches; these kernels inline code from
    the other files (the shape tests), so a change there would load stale machine code.
    """
    digest = compiled_aot.digest()
    for folder in {getattr(getattr(k, "_cache", None), "_cache_path", None) for k in kernels}:
        if folder is None or not os.path.isdir(folder):
            continue
        stamp = Path(folder) / "puray-compiled.stamp"
        if stamp.exists() and stamp.read_text() == digest:
            continue
        for old in Path(folder).glob("compiled_*.nb[ic]"):
            old.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # a read-only cache: numba recompiles in memory
            temp = stamp.with_suffix(f".{os.getpid()}")
            temp.write_text(digest)
            temp.replace(stamp)
