"""CSG nodes and moved shapes as programs: flat rows the compiled walk evaluates (compiled_csg.py).

A program is a shape's tree written out in post-order, one float64 row per step: a leaf's
constants (the very floats its numpy ``intervals()`` reads), a node's Boolean operation after
its operands, a move into a Transformed's own space before its shape and back after it. Row
layout: the data in columns 0..13 (a leaf's row as compiled_prims writes it; a node: its
operand count and its box; a move: the inverse matrix's top three rows), then the step
(OP) and the face-id offset its result gets in its parent's ids (SHIFT).

Only the built-in kinds whose arithmetic the compiled code repeats become programs: Union,
Intersection and Difference of spheres, boxes, cylinders, cones, moved ones and nested nodes,
and a moved box, cylinder, cone, sphere or CSG node; a node with any other operand (a closed
mesh, a shape made in scene code) stays FOREIGN (its numpy test). Plain imports, no numba.
"""

from __future__ import annotations

import numpy as np

from ..geometry.box import Box
from ..geometry.cone import Cone
from ..geometry.csg import CSG
from ..geometry.cylinder import Cylinder
from ..geometry.solid import SphereSolid
from ..geometry.sphere import Sphere
from ..geometry.transform import Transformed

BOX, CYLINDER, CONE, BALL, UNION, INTERSECTION, DIFFERENCE, MOVE, BACK, NEAR = range(1, 11)
NODES = {"union": UNION, "intersection": INTERSECTION, "difference": DIFFERENCE}
WIDTH, OP, SHIFT = 16, 14, 15


def _row(op: int, data, shift: int = 0) -> np.ndarray:
    row = np.zeros(WIDTH)
    row[: len(data)] = data
    row[OP], row[SHIFT] = op, shift
    return row


def _leaf(part) -> list | None:
    """Return the data row of a built-in convex solid (its intervals' constants), or None."""
    kind = type(part)
    if kind is Box:
        return [BOX, *part._lo, *part._hi]
    if kind is Cylinder:
        ax = part._axis
        return [CYLINDER, *ax.base, *ax.a, ax.height, ax.radius * ax.radius]
    if kind is Cone:
        ax = part._axis
        return [CONE, *ax.base, *ax.a, ax.height, part._k * part._k]
    if kind is SphereSolid:
        return [BALL, *part.sphere._c, part.sphere._r2]
    return None


def _is_node(shape) -> bool:
    kind = type(shape)
    return (
        isinstance(shape, CSG)
        and kind.intervals is CSG.intervals
        and kind.intersect is CSG.intersect
        and shape.op in NODES
    )


def _is_moved(shape) -> bool:
    kind = type(shape)
    return kind is Transformed or (
        isinstance(shape, Transformed)
        and kind.intervals is Transformed.intervals
        and kind.intersect is Transformed.intersect
    )


def _move(shape: Transformed, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the rows that go into a moved shape's space and come back out of it."""
    return _row(MOVE, shape._inv[:3].reshape(-1)), _row(BACK, [], shift)


def intervals(part, shift: int, out: list) -> bool:
    """Append the post-order rows of a closed solid's intervals to ``out``; False: not ours."""
    leaf = _leaf(part)
    if leaf is not None:
        out.append(_row(leaf[0], leaf[1:], shift))
        return True
    if _is_node(part):
        for child, offset in zip(part._parts, part._offsets[:-1], strict=True):
            if not intervals(child, int(offset), out):
                return False
        out.append(_row(NODES[part.op], [len(part._parts), *part._lo, *part._hi], shift))
        return True
    if _is_moved(part) and part._solid is not None:
        enter, leave = _move(part, shift)
        out.append(enter)
        if not intervals(part._solid, 0, out):
            return False
        out.append(leave)
        return True
    return False


def _hit(shape, out: list) -> bool | None:
    """Append the rows of a shape's first hit; return whether it reports faces (None: no)."""
    if type(shape) is Sphere:
        out.append(_row(NEAR, [*shape._c, shape._r2]))
        return False
    if _is_node(shape) or type(shape) in (Box, Cylinder, Cone):
        return True if intervals(shape, 0, out) else None
    return None


def program(shape) -> tuple[np.ndarray, bool] | None:
    """Return (rows, whether its hits report face ids) of a shape the compiled walk evaluates.

    None for every other shape (FOREIGN). The first hit: a node's box test, its intervals and
    the first boundary in front; a moved shape's: its shape's first hit in its own space.
    """
    out: list = []
    if _is_node(shape):
        faces = _hit(shape, out)
    elif _is_moved(shape):
        enter, leave = _move(shape, 0)
        out.append(enter)
        faces = _hit(shape.shape, out)
        out.append(leave)
    else:
        return None
    if faces is None:
        return None
    return np.array(out, dtype=np.float64).reshape(-1, WIDTH), faces
