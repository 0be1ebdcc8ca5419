"""The compiled structure: a hierarchy over a scene's bounded primitives, walked by numba.

Chosen per load where it wins: numba imports here (the ``fast`` extra), PURAY_NO_JIT is not
set, and the scene has at least MIN_PRIMS bounded primitives (below that numba's start-up,
~0.3 s in each process that first walks compiled, outweighs the walk). The hierarchy
(compiled_bvh.py) replaces the numpy grid and its direction bins (grid_structure.py);
primitives of the built-in kinds are tested in compiled code with the numpy tests'
arithmetic (compiled_shapes.py), the others by their own numpy test on the pairs the walk
hands back. Both structures give the same pixels. Compiling takes a few seconds once per
machine: setup does it (``python -m tracer.accel.compiled``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

import numpy as np

from ..geometry import Box, Cone, Cylinder, Disc, Mesh, Sphere, Triangle, prepare_all
from ..geometry.glass_sphere import GlassSphere
from ..vector import Point, Vector
from . import compiled_prims
from .grid import reduce_nearest
from .primitives import Primitives

#: Fewer bounded primitives than this: the numpy structure (not worth numba's start-up).
MIN_PRIMS = 500
#: Pairs (ray, primitive) of foreign primitives handed back at once, at first.
PAIRS = 1 << 16
#: Set (to anything) to always use the numpy structure.
OFF = "PURAY_NO_JIT"


def usable() -> bool:
    """Tell whether this process can walk compiled (numba imports, not turned off)."""
    return not os.environ.get(OFF) and _modules() is not None


def chooses(prims: Primitives, ids: np.ndarray) -> bool:
    """Tell whether the bounded primitives ``ids`` get the compiled structure."""
    return ids.size >= MIN_PRIMS and usable()


class CompiledStructure:
    """Primitives ``ids`` (boxes lo/hi, unpadded) in a hierarchy for the compiled walk.

    Plain arrays: it travels to other processes (and pickles) without numba.
    """

    def __init__(self, prims: Primitives, lo, hi, ids, frame, far: float) -> None:
        centre, _reach, pad, _unbounded = frame
        build = _modules()[0].build  # type: ignore[index]
        self.prims = prims
        prims.focus(ids)
        box, first, count, order, depth = build(lo - pad, hi + pad)
        gids = ids[order].astype(np.int64)
        self.tables, codes = compiled_prims.in_order(prims, gids)
        self.bvh = (box, first, count, codes, gids, int(depth))
        sub = prims.g_sub
        self.sub_of = np.zeros(0, np.int64) if sub is None else sub.astype(np.int64)
        self.scene = (float(pad), *map(float, centre), float(far))

    def nearest(self, o, d, best, bid, bsub) -> None:
        """Lower (best, bid, bsub) to every ray's nearest hit among the structure's prims."""
        walk = _modules()[1]  # type: ignore[index]
        n = d[0].shape[0]
        rays = np.arange(n)
        args = (*_origins(o, n), *map(_plain, d), rays)
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
        walk = _modules()[1]  # type: ignore[index]
        n = d[0].shape[0]
        rays = np.flatnonzero(~blocked)
        limit = _plain(dist)
        args = (*_origins(o, n), *map(_plain, d), rays)
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


def _origins(o, n: int) -> list[np.ndarray]:
    """Return ray origins as three arrays (a point shared by every ray is repeated)."""
    return [_plain(a) if isinstance(a, np.ndarray) else np.full(n, float(a)) for a in o]


def _plain(a: np.ndarray) -> np.ndarray:
    """Return ``a`` as a writable contiguous float64 array (the one type the walks compile for)."""
    if a.dtype == np.float64 and a.flags.c_contiguous and a.flags.writeable:
        return a
    return np.array(a, dtype=np.float64)


_loaded: list = []


def _modules():
    """Return (compiled_bvh, compiled_walk), importing numba, or None where it does not import."""
    # Deferred: numba is an optional dependency (the fast extra), and importing it costs
    # ~0.2 s that only a process walking a big scene should pay.
    if not _loaded:
        try:
            from . import compiled_bvh, compiled_walk
        except ImportError:  # no numba here (or one that does not work with this numpy)
            _loaded.append(None)
        else:
            _fresh_cache((compiled_bvh.build, compiled_walk.nearest, compiled_walk.any_hit))
            _loaded.append((compiled_bvh, compiled_walk))
    return _loaded[0]


#: The modules whose code the compiled kernels hold (inlined from one into another).
SOURCES = ("compiled_shapes.py", "compiled_walk.py", "compiled_bvh.py")


def _fresh_cache(kernels) -> None:
    """Drop numba's cached kernels when any of SOURCES changed since they were compiled.

    numba checks only the file of the function it caches; these kernels inline code from
    the other files (the shape tests), so a change there would load stale machine code.
    """
    here = Path(__file__).parent
    digest = hashlib.sha256(b"".join((here / name).read_bytes() for name in SOURCES)).hexdigest()
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


def warm() -> bool:
    """Compile the builder and the walks (or load them from numba's cache); check them."""
    if _modules() is None:
        return False
    objects = _every_kind()
    prims = Primitives(objects)
    ids = np.arange(len(prims.lo))
    lo, hi = prims.lo, prims.hi
    structure = CompiledStructure(prims, lo, hi, ids, (np.zeros(3), 10.0, 1e-3, False), 300.0)
    # One ray down the middle of every primitive, from the front: each must hit its own.
    o = (np.zeros(ids.size), np.zeros(ids.size), np.full(ids.size, -5.0))
    centres = (lo + hi) / 2
    d = [np.asarray(c) for c in _unit(centres[:, 0], centres[:, 1], centres[:, 2] + 5.0)]
    best, bid = np.full(ids.size, np.inf), np.full(ids.size, -1, dtype=np.intp)
    structure.nearest(o, d, best, bid, np.zeros(ids.size, dtype=np.intp))
    blocked = np.zeros(ids.size, dtype=bool)
    structure.occluded(o, d, np.full(ids.size, 10.0), None, blocked)
    if not (bid == ids).all() or not blocked.all():
        raise RuntimeError(f"the compiled walk missed a shape in front of its ray: {bid}")
    return True


def _every_kind() -> list:
    """Return one prepared shape of every kind the compiled walk tests, and a foreign one."""
    objects = [
        Sphere(Point(-4, 0, 0), 0.4),
        Box(Point(-3.3, -0.3, -0.3), Point(-2.7, 0.3, 0.3)),
        Cylinder(Point(-2, -0.3, 0), Point(-2, 0.3, 0), 0.3),
        Cone(Point(-1, 0.3, 0), Point(-1, -0.3, 0), 0.3),
        Disc(Point(0, 0, 0), Vector(0, 0, -1), 0.3),
        Triangle(Point(0.7, 0.3, 0), Point(1.3, 0.3, 0), Point(1.0, -0.3, 0)),
        Mesh([[1.7, 0.3, 0], [2.3, 0.3, 0], [2.0, -0.3, 0]], [[0, 1, 2]]),
        Box(Point(-0.3, -0.3, -0.3), Point(0.3, 0.3, 0.3)).translated(3, 0, 0),
    ]
    ball = Sphere(Point(4, 0, 0), 0.4)
    prepare_all([*objects, ball])
    return [*objects, GlassSphere(ball)]


def _unit(x, y, z):
    norm = np.sqrt(x * x + y * y + z * z)
    return x / norm, y / norm, z / norm


if __name__ == "__main__":
    print("compiled walk:", "ready" if warm() else "numba is not installed (numpy walk)")
