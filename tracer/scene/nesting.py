"""How deep a scene nests shapes, materials and textures inside one another: a checked limit.

A CSG node evaluates its operands, a texture its layers, one Python call inside another: a
``Union(Union(Union(...)))`` folded over hundreds of parts exhausts Python's recursion while
rendering (and while a worker hands the loaded scene to the others). A scene nested deeper
than :data:`MAX_NESTING` is refused at load, at the line that made the outermost part, the
same on one worker or many; every process that loads a scene (a worker, a Dask worker, or a
script or notebook calling ``tracer.load_scene`` itself) raises Python's recursion limit so
that everything up to the limit renders there (:data:`RECURSION_LIMIT`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from ..errors import SceneError
from ..geometry.shape import Shape
from ..shading.textures import is_texture

#: Most levels of shapes, materials and textures inside one another that a scene may have.
MAX_NESTING = 256
#: Python's recursion limit in worker processes: room for MAX_NESTING levels at a few frames
#: each (render, pick, pickling a scene for the other workers, its fingerprint) and more.
RECURSION_LIMIT = 4000


def allow_deep_scenes() -> None:
    """Raise this process's recursion limit to RECURSION_LIMIT (never lower it)."""
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


class NestingCheck:
    """Measure parts once each (many objects share a material); raise at the first too deep."""

    def __init__(self) -> None:
        self.memo: dict[int, int] = {}

    def shapes(self, objects) -> None:
        """Check the objects that hold other shapes (CSG, moved shapes), before preparing them."""
        holders = {kind for kind in set(map(type, objects)) if _holds_shapes(kind)}
        if holders:  # a million plain spheres cost one pass over their types
            for obj in objects:
                if type(obj) in holders:
                    self.part(obj)

    def part(self, top) -> None:
        """Raise SceneError at ``top``'s line if it nests parts deeper than MAX_NESTING."""
        if id(top) in self.memo:
            return
        depth = _depth(top, self.memo)
        if depth > MAX_NESTING:
            how = f"{depth}" if depth <= MAX_NESTING + 1 else f"more than {MAX_NESTING}"
            site = getattr(top, "_site", None) or (None, None)
            raise SceneError(
                f"{type(top).__name__} holds shapes, materials or textures nested {how} levels "
                f"deep; at most {MAX_NESTING} render (build wide, not deep: "
                "Union(a, b, c, ...) rather than Union(Union(a, b), c))",
                *site,
            )


def _holds_shapes(kind: type) -> bool:
    """Tell whether a shape class holds other shapes (it lists their materials as its own)."""
    return issubclass(kind, Shape) and getattr(kind, "materials", None) is not Shape.materials


def _depth(root, memo: dict[int, int]) -> int:
    """Return the levels of parts inside ``root`` (1: none); MAX_NESTING + 2 once too deep.

    Walks with a stack of its own (the point is that Python's would overflow); parts already
    measured are remembered in ``memo`` by id; a part that holds itself is no nesting.
    """
    best = {id(root): 0}
    stack: list[tuple[object, Iterator]] = [(root, _parts(root))]
    while stack:
        node, parts = stack[-1]
        child = next(parts, None)
        if child is None:
            stack.pop()
            memo[id(node)] = depth = 1 + best.pop(id(node))
            if stack:
                parent = id(stack[-1][0])
                best[parent] = max(best[parent], depth)
        elif id(child) in memo:
            best[id(node)] = max(best[id(node)], memo[id(child)])
        elif id(child) not in best:  # not on the path already (a cycle)
            if len(stack) > MAX_NESTING:
                return MAX_NESTING + 2
            best[id(child)] = 0
            stack.append((child, _parts(child)))
    return memo[id(root)]


def _parts(obj) -> Iterator:
    """Yield the shapes, materials and textures an object holds (in lists and tuples too)."""
    values = getattr(obj, "__dict__", None)
    if not isinstance(values, dict):
        return
    pending = list(values.values())
    while pending:
        value = pending.pop()
        kind = type(value)
        if kind is list or kind is tuple:
            pending.extend(value)
        elif _NESTS.get(kind) or (kind not in _NESTS and _nests(value)):
            yield value


#: Whether values of a class are parts (shapes, materials, textures), by class.
_NESTS: dict[type, bool] = {}


def _nests(value) -> bool:
    """Tell whether ``value`` is a part; remember it for its class unless set on the value."""
    part = isinstance(value, Shape) or is_texture(value)
    if len(_NESTS) > 4096:  # scene classes are made anew by every load
        _NESTS.clear()
    if part == (issubclass(type(value), Shape) or is_texture(type(value))):
        _NESTS[type(value)] = part
    return part
