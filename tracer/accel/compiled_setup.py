"""Set up the compiled kernels once per machine: ``python -m tracer.accel.compiled_setup``.

Compiles the just-in-time route into numba's cache, builds the kernels ahead of time
(compiled_aot.py), and checks both: a ray down the middle of one shape of every kind must
hit it, and both routes must give the same bits on random rays through them all.
"""

from __future__ import annotations

import numpy as np

from ..geometry import Box, Cone, Cylinder, Difference, Disc, Mesh, Sphere, Triangle, prepare_all
from ..geometry.glass_sphere import GlassSphere
from ..geometry.sphere import SphereBatch
from ..vector import Point, Vector
from . import compiled, compiled_aot
from .grid import UniformGrid
from .primitives import Primitives
from .walk import TOL


def main() -> str:
    """Compile, build and check the kernels; return what this machine walks with."""
    compiled._loaded[:] = []
    jit = compiled.just_in_time()
    if jit is None:
        return "numba is not installed: the numpy walk serves"
    reference = _check(jit)
    module = compiled_aot.load()
    if module is None:  # none built from these sources yet
        compiled_aot.build()
        module = compiled_aot.load()
    if module is None:
        return "ready, just in time (the kernels could not be built ahead of time)"
    ahead = compiled.ahead_of_time(module)
    if any(not np.array_equal(a, b) for a, b in zip(_check(ahead), reference, strict=True)):
        raise RuntimeError("the kernels built ahead of time differ from the just-in-time ones")
    return "ready, built ahead of time"


def _check(kernels: compiled.Kernels) -> tuple:
    """Walk one shape of every kind with ``kernels``; return random rays' answers."""
    compiled._loaded[:] = [kernels]
    objects = _every_kind()
    prims = Primitives(objects)
    ids = np.arange(len(prims.lo))
    lo, hi = prims.lo, prims.hi
    frame = (np.zeros(3), 10.0, 1e-3, False)
    structure = compiled.CompiledStructure(prims, lo, hi, ids, frame, 300.0)
    # One ray down the middle of every primitive, from the front: each must hit its own.
    centres = (lo + hi) / 2
    o = (np.zeros(ids.size), np.zeros(ids.size), np.full(ids.size, -5.0))
    d = _unit(centres[:, 0], centres[:, 1], centres[:, 2] + 5.0)
    best, bid = np.full(ids.size, np.inf), np.full(ids.size, -1, dtype=np.intp)
    structure.nearest(o, d, best, bid, np.zeros(ids.size, dtype=np.intp))
    blocked = np.zeros(ids.size, dtype=bool)
    structure.occluded(o, d, np.full(ids.size, 10.0), None, blocked)
    if not (bid == ids).all() or not blocked.all():
        raise RuntimeError(f"the compiled walk missed a shape in front of its ray: {bid}")
    rng = np.random.default_rng(7)
    _check_spheres(kernels)
    o = tuple(rng.uniform(-5, 5, (3, 20000)))
    d = _unit(*rng.normal(size=(3, 20000)))
    best, bid = np.full(20000, np.inf), np.full(20000, -1, dtype=np.intp)
    sub = np.zeros(20000, dtype=np.intp)
    structure.nearest(o, d, best, bid, sub)
    return best, bid, sub


def _check_spheres(kernels: compiled.Kernels) -> None:
    """Walk a grid of one sphere with both list index types: the ray in front must hit it."""
    batch = SphereBatch(np.zeros((1, 3)), np.ones(1))
    grid = UniformGrid(batch.lo, batch.hi, np.zeros(1, dtype=np.int64))
    o, d = (0.0, 0.0, -2.0), (np.zeros(1), np.zeros(1), np.ones(1))
    for index, walk in ((np.int32, kernels.spheres32), (np.int64, kernels.spheres64)):
        bounds, ids = grid.list_bounds().astype(index), grid.list_ids.astype(index)
        table = (grid.lo, grid.hi, grid.res, grid.h, grid.inv_h, grid.size * TOL, bounds, ids)
        rays = (*compiled.origins(o, 1), *d, np.arange(1), batch.rows, 0)
        best, bid = np.full(1, np.inf), np.full(1, -1, dtype=np.intp)
        walk(table, *rays, best, bid, False)
        if bid[0] != 0 or best[0] != 1.0:
            raise RuntimeError("the compiled sphere walk missed the sphere in front of its ray")


def _every_kind() -> list:
    """Return one prepared shape of every kind the compiled walk tests (a moved one and a CSG
    node: programs), and a foreign one (a moved mesh)."""
    objects = [
        Sphere(Point(-4, 0, 0), 0.4),
        Box(Point(-3.3, -0.3, -0.3), Point(-2.7, 0.3, 0.3)),
        Cylinder(Point(-2, -0.3, 0), Point(-2, 0.3, 0), 0.3),
        Cone(Point(-1, 0.3, 0), Point(-1, -0.3, 0), 0.3),
        Disc(Point(0, 0, 0), Vector(0, 0, -1), 0.3),
        Triangle(Point(0.7, 0.3, 0), Point(1.3, 0.3, 0), Point(1.0, -0.3, 0)),
        Mesh([[1.7, 0.3, 0], [2.3, 0.3, 0], [2.0, -0.3, 0]], [[0, 1, 2]]),
        Box(Point(-0.3, -0.3, -0.3), Point(0.3, 0.3, 0.3)).translated(3, 0, 0),
        Difference(
            Box(Point(4.7, -0.3, -0.3), Point(5.3, 0.3, 0.3)), Sphere(Point(5, 0, 0.3), 0.2)
        ),
        Mesh([[-0.3, 0.3, 0], [0.3, 0.3, 0], [0, -0.3, 0]], [[0, 1, 2]]).translated(6, 0, 0),
    ]
    ball = Sphere(Point(4, 0, 0), 0.4)
    prepare_all([*objects, ball])
    return [*objects, GlassSphere(ball)]


def _unit(x, y, z) -> tuple:
    norm = np.sqrt(x * x + y * y + z * z)
    return x / norm, y / norm, z / norm


if __name__ == "__main__":
    print("compiled walk:", main())
