"""The primitives of a scene as the compiled walk reads them: a kind and a flat row each.

Every built-in shape the compiled tests know (compiled_shapes.py) becomes a row of float64
constants, exactly those its numpy test reads (the same floats, computed by the shape's own
prepare()); a CSG node or a moved shape of built-in kinds is a PROGRAM (compiled_programs.py);
anything else (a shape made in scene code, a CSG node with a mesh in it) is FOREIGN: the
walk hands its pairs back to the numpy test. Plain imports only (no numba): a structure of
these arrays travels to processes that may not have numba.
"""

from __future__ import annotations

import numpy as np

from ..geometry.box import Box
from ..geometry.cone import Cone
from ..geometry.cylinder import Cylinder
from ..geometry.disc import Disc
from ..geometry.glass_sphere import GlassSphere
from ..geometry.mesh import TriangleBatch
from ..geometry.sphere import SphereBatch
from ..geometry.triangle import Triangle
from ..geometry.triangles import TriangleArrays
from . import compiled_programs
from .primitives import Primitives, ShapeBatch

FOREIGN, SPHERE, TRIANGLE, BOX, CYLINDER, CONE, DISC, GLASS, PROGRAM = range(9)
#: Floats per row of each kind's table, in kind order from SPHERE (a program's: where its
#: rows start and end in the programs' table, the last of the tables).
WIDTHS = (4, 10, 6, 8, 8, 7, 4, 2)
#: The numpy engine's work with one built-in shape outside a batch, in spheres or triangles.
LONE_WORK = 500
#: Kinds whose test reports a face id (their objects' normals want it).
SOLIDS = (BOX, CYLINDER, CONE, GLASS)


def _triangle_rows(tris: TriangleArrays) -> np.ndarray:
    return np.hstack((tris.a, tris.e1, tris.e2, tris.tol[:, None]))


def _shape_row(shape) -> tuple[int, list[float]] | None:
    """Return (kind, row) of a lone built-in shape, or None (FOREIGN)."""
    kind = type(shape)
    if kind is Box:
        return BOX, [*shape._lo, *shape._hi]
    if kind is Cylinder:
        ax = shape._axis
        return CYLINDER, [*ax.base, *ax.a, ax.height, ax.radius * ax.radius]
    if kind is Cone:
        ax = shape._axis
        return CONE, [*ax.base, *ax.a, ax.height, shape._k * shape._k]
    if kind is Disc:
        return DISC, [*shape._c, *shape._n, shape._r2]
    if kind is GlassSphere:
        return GLASS, [*shape.sphere._c, shape.sphere._r2]
    if kind is Triangle:
        return TRIANGLE, _triangle_rows(shape._tri)[0].tolist()
    return None


def _group_rows(batch) -> tuple[int, np.ndarray | list]:
    """Return (kind, rows) of one group of the primitive table (kind FOREIGN: no rows)."""
    if type(batch) is SphereBatch:
        return SPHERE, batch.rows
    if type(batch) is TriangleBatch:
        return TRIANGLE, _triangle_rows(batch.tris)
    if isinstance(batch, ShapeBatch):
        found = _shape_row(batch.shape)
        if found is not None:
            return found[0], [found[1]]
    return FOREIGN, []


def _program(batch, programs: list, size: int) -> tuple[list, bool] | None:
    """Append a lone shape's program to ``programs``; return ([its row], reports faces)."""
    if not isinstance(batch, ShapeBatch):
        return None
    found = compiled_programs.program(batch.shape)
    if found is None:
        return None
    rows, faces = found
    programs.append(rows)
    return [[float(size), float(size + len(rows))]], faces


#: A cloud of more spheres than this: the numpy walk (measured, random clouds at 960x540: the
#: compiled walk renders 10,000 in half the numpy walk's time, 100,000 alike, 300,000 ~20 %
#: and 1,000,000 ~50 % slower: one ray at a time waits on memory, numpy's rounds do not).
MAX_SPHERES = 150_000


def spheres_only(prims: Primitives, ids: np.ndarray) -> bool:
    """Tell whether the prims ``ids`` are one batch of plain spheres (a grid serves them best)."""
    found = prims.one_batch(ids)
    return found is not None and type(found[0]) is SphereBatch


def work(prims: Primitives) -> int:
    """Return how much work the numpy engine has with these primitives, in spheres or triangles.

    Batches cost one unit a primitive; a built-in shape outside a batch (a box, cylinder,
    cone, disc, glass sphere: numpy tests those one shape at a time) LONE_WORK units.
    """
    total = 0
    for batch in prims.groups:
        lone = isinstance(batch, ShapeBatch) and (
            _shape_row(batch.shape) is not None
            or compiled_programs.program(batch.shape) is not None
        )
        total += LONE_WORK if lone else len(batch)
    return total


def in_order(prims: Primitives, gids: np.ndarray) -> tuple[tuple, np.ndarray]:
    """Return (the kinds' tables and the programs, each of ``gids``' slot: row << 4 | kind).

    The rows of each table follow ``gids`` (the walk's order: neighbours in memory).
    """
    found, codes = tables(prims)
    *full, programs = found
    codes = codes[gids]
    kinds = codes & 15
    rows = codes >> 4
    out = []
    for kind, table in enumerate(full, start=1):
        sel = np.flatnonzero(kinds == kind)
        out.append(np.ascontiguousarray(table[rows[sel]]))
        rows[sel] = np.arange(sel.size)
    return (*out, programs), (rows << 4) | kinds


def tables(prims: Primitives) -> tuple[tuple, np.ndarray]:
    """Return (the kinds' tables and the programs, per global id its slot: row << 4 | kind)."""
    count = len(prims.g_obj) if prims.g_obj is not None else sum(map(len, prims.groups))
    group = np.zeros(count, np.intp) if prims.g_group is None else prims.g_group
    local = np.arange(count) if prims.g_local is None else prims.g_local
    parts: list[list] = [[] for _ in WIDTHS]
    sizes = [0] * len(WIDTHS)
    base = np.zeros(len(prims.groups), dtype=np.int64)
    kinds = np.zeros(len(prims.groups), dtype=np.int64)
    programs: list = [np.empty((0, compiled_programs.WIDTH))]
    size = 0
    for k, batch in enumerate(prims.groups):
        kind, rows = _group_rows(batch)
        faces = kind in SOLIDS
        found = _program(batch, programs, size) if kind == FOREIGN else None
        if found is not None:
            size += len(programs[-1])
            kind, (rows, faces) = PROGRAM, found
        kinds[k] = kind
        if kind != FOREIGN:
            base[k] = sizes[kind - 1]
            sizes[kind - 1] += len(rows)
            parts[kind - 1].append(rows)
            if faces and isinstance(batch, ShapeBatch):  # the test reports a face
                batch.returns_prim = True  # and the shape's normals want it
                prims.prim_objects.add(batch.index)
    out = tuple(
        np.ascontiguousarray(
            np.concatenate(p) if p else np.empty((0, w)), dtype=np.float64
        ).reshape(-1, w)
        for p, w in zip(parts, WIDTHS, strict=True)
    )
    codes = ((base[group] + local) << 4) | kinds[group]
    return (*out, np.ascontiguousarray(np.concatenate(programs))), codes
