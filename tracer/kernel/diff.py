"""What an edit changed: a loaded scene's parts as digests, compared in the worker.

A picture depends on the scene's *view* (its shapes without their materials, which of them
let light through, the camera, frame size, background, SETTINGS and offset rule), its
*lights* and its *materials* (one digest per material id, and which object has which ids).
:func:`describe` digests a fresh load; :func:`compare` tells two loads apart: only
materials changed (re-shade the hits kept from the last render), lights changed (trace the
shadow rays again and shade), or the view changed (trace everything).

Digests walk the objects themselves: numbers, arrays (by their bytes), containers and every
attribute but ``_site`` (where the scene made the object: moving a line moves it). Classes
and functions the scene defined count by their code and by the module globals that code
reads, so a material whose ``color_at`` reads a global ``SCALE`` changes with ``SCALE``.
"""

from __future__ import annotations

import hashlib
import marshal
import types
from dataclasses import dataclass

import numpy as np

from ..shading.materials import Material

#: Attributes that say where an object was made, not what it is.
_SKIP = frozenset({"_site"})
#: Modules whose classes and functions count by name (the engine's, numpy's, Python's).
_OURS = ("tracer", "numpy", "builtins", "math", "random", "colorsys", "PIL")
#: A scene with more objects than this is described by its kernel arrays only (no walk).
MAX_WALK = 20_000


@dataclass(frozen=True)
class LoadParts:
    """Digests of one load: what the picture depends on, by part."""

    view: bytes
    lights: bytes
    materials: tuple[bytes, ...]  # one per material id of the kernel's table
    through: tuple[bool, ...]  # per material id: lets rays and light through
    assignment: bytes  # which object has which material ids
    reflects: tuple[bool, ...] = ()  # per material id: its reflection is not 0
    model: bytes = b""  # the reflectance model's parameters (what its children depend on)
    places: tuple[bytes, ...] = ()  # per light: where it is and its radius


@dataclass(frozen=True)
class Change:
    """What differs between the load a G-buffer was made from and a new one.

    ``path``: "traced" (the view changed: nothing kept applies), "re-lit" (shadow rays must
    be traced again: lights changed, or a changed material lets light through to shadows)
    or "re-shaded". ``changed``: per material id whether it changed (None: all count).
    ``same_tree``: the hits spawn the same children as before (no changed material starts
    or stops reflecting, the model's parameters are the same): the bounce tree stands.
    ``fresh``: the lights whose terms at the hits (diffuse and specular factors, shadows)
    must be made again: moved, new, or shining through a changed clear material (None: all).
    """

    path: str
    changed: np.ndarray | None = None
    same_tree: bool = False
    fresh: tuple[int, ...] | None = ()

    @property
    def nothing(self) -> bool:
        return self.path == "re-shaded" and self.changed is not None and not self.changed.any()


TRACE = Change("traced")


def compare(old: LoadParts, new: LoadParts, shadows: bool) -> Change:
    """Return what changed from load ``old`` to load ``new`` (rendered with ``shadows``)."""
    if old.view != new.view:
        return TRACE
    changed: np.ndarray | None = None
    if old.assignment == new.assignment and len(old.materials) == len(new.materials):
        pairs = zip(old.materials, new.materials, strict=True)
        changed = np.fromiter((a != b for a, b in pairs), dtype=bool, count=len(new.materials))
    relit = old.lights != new.lights
    places = zip(old.places, new.places, strict=False)
    fresh: tuple[int, ...] | None = tuple(i for i, (a, b) in enumerate(places) if a != b)
    fresh += tuple(range(len(old.places), len(new.places)))  # type: ignore[operator]
    through = np.array(new.through, dtype=bool)
    if shadows and (through.any() if changed is None else (changed & through).any()):
        relit, fresh = True, None  # light passing a changed clear material reaches other hits
    same_tree = changed is not None and old.model == new.model
    if same_tree:
        flips = np.array(old.reflects, dtype=bool) != np.array(new.reflects, dtype=bool)
        same_tree = not (flips & changed).any()  # type: ignore[operator]
    return Change("re-lit" if relit else "re-shaded", changed, same_tree, fresh)


def describe(loaded, shapes: bytes | None = None) -> LoadParts | None:
    """Return the parts of a fresh load (a kernel.render.LoadedScene), None if unknowable.

    ``shapes``: its objects' :func:`shapes_digest`, if made already. A snapshot of a huge
    scene travels without its objects: such a load cannot be described.
    """
    scene, kernel = loaded.scene, loaded.kernel
    objects = scene.objects
    if len(objects) != kernel.aggregate.count:
        return None
    view = _Digest()
    view.feed(("size", scene.width, scene.height, scene.settings, kernel.puray))
    view.feed((type(kernel.model).__qualname__, kernel.plain_shadows))
    view.feed((scene.camera, scene.background))
    lets = kernel.model.lets_through
    view.feed(np.fromiter((lets(o.material) for o in objects), dtype=bool, count=len(objects)))
    shapes = shapes_digest(objects) if shapes is None else shapes
    view.feed(shapes if shapes is not None else _kernel_geometry(kernel), skip_materials=True)
    mats = tuple(_digest(m) for m in kernel.materials)
    assignment = _Digest()
    assignment.feed((kernel.obj_mat, sorted(kernel.multi.items())))
    return LoadParts(
        view.digest(),
        _digest(scene.lights),
        mats,
        tuple(bool(lets(m)) for m in kernel.materials),
        assignment.digest(),
        tuple(bool(r) for r in kernel.reflection != 0),
        hashlib.sha256(kernel.model.fingerprint()).digest(),
        tuple(
            _digest((pos, r)) for (pos, _rgb), r in zip(kernel.lights, kernel.radii, strict=True)
        ),
    )


def shapes_digest(objects: list) -> bytes | None:
    """Return a digest of the objects' shapes, materials aside (None: too many to walk)."""
    if len(objects) > MAX_WALK:
        return None
    d = _Digest()
    d.feed(objects, skip_materials=True)
    return d.digest()


def structure_key(shapes: bytes, built_from: list, eye, lights, offset) -> bytes:
    """Return what an acceleration structure depends on: the shapes (``shapes_digest``), the
    kinds of what it is built from (a sphere rays pass through needs both roots), the camera
    position, the lights and the offset rule."""
    d = _Digest()
    d.feed((shapes, [type(s).__qualname__ for s in built_from]))
    d.feed((tuple(eye), [tuple(light) for light in lights], offset))
    return d.digest()


def _kernel_geometry(kernel) -> list:
    """Return the arrays a huge scene's geometry lives in (its batches, per object groups)."""
    agg = kernel.aggregate
    return [agg.groups, agg.group_objects, kernel.centers]


def _digest(obj) -> bytes:
    d = _Digest()
    d.feed(obj)
    return d.digest()


_SCALARS = (type(None), bool, int, float, complex, str, bytes, np.generic)
_END = object()


class _Digest:
    """A SHA-256 of object graphs: shared objects count once, cycles end."""

    def __init__(self) -> None:
        self.h = hashlib.sha256()
        self.seen: dict[int, int] = {}
        self.keep: list = []  # what the walk made, so that ids stay unique while it runs

    def digest(self) -> bytes:
        return self.h.digest()

    def feed(self, root, skip_materials: bool = False) -> None:
        """Add ``root`` and everything it holds (materials as a mark when ``skip_materials``)."""
        stack = [root]
        put = self.h.update
        while stack:
            obj = stack.pop()
            if obj is _END:
                put(b")")
            elif isinstance(obj, _SCALARS):
                put(f"{type(obj).__name__}:{obj!r};".encode())
            elif isinstance(obj, np.ndarray):
                self._array(obj, stack)
            elif id(obj) in self.seen:
                put(f"@{self.seen[id(obj)]};".encode())
            else:
                self.seen[id(obj)] = len(self.seen)
                self.keep.append(obj)
                if skip_materials and isinstance(obj, Material):
                    put(b"material;")
                else:
                    stack.append(_END)
                    stack.extend(reversed(self._parts(obj)))

    def _array(self, a: np.ndarray, stack: list) -> None:
        self.h.update(f"a{a.dtype.str}{a.shape}(".encode())
        if a.dtype.hasobject:
            stack.append(_END)
            stack.extend(reversed(a.ravel().tolist()))
            return
        self.h.update(np.ascontiguousarray(a).data)
        self.h.update(b")")

    def _parts(self, obj) -> list:
        """Name ``obj``'s kind in the digest; return what it holds, in order."""
        kind = type(obj)
        self.h.update(f"{kind.__module__}.{kind.__qualname__}(".encode())
        if isinstance(obj, (list, tuple)):
            return list(obj)
        if isinstance(obj, dict):
            return [x for k in sorted(obj, key=repr) for x in (k, obj[k])]
        if isinstance(obj, (set, frozenset)):
            return sorted(obj, key=repr)
        if isinstance(obj, types.ModuleType):
            return [obj.__name__]
        if isinstance(obj, (types.FunctionType, types.MethodType, type, types.CodeType)):
            return self._code_parts(obj)
        if isinstance(obj, (types.BuiltinFunctionType, staticmethod, classmethod, property)):
            return [getattr(obj, "__qualname__", repr(type(obj)))]
        return [*self._class_parts(kind), *_state(obj)]

    def _class_parts(self, kind: type) -> list:
        """Return a scene-defined class (and its scene-defined bases) to walk as code."""
        return [k for k in kind.__mro__ if not _ours(k)]

    def _code_parts(self, obj) -> list:
        """Return what a function, method, class or code object is made of."""
        if isinstance(obj, types.MethodType):
            return [obj.__func__, obj.__self__ if not isinstance(obj.__self__, type) else None]
        if isinstance(obj, type):
            if _ours(obj):
                return [obj.__qualname__]
            own = {k: v for k, v in vars(obj).items() if k not in ("__dict__", "__weakref__")}
            return [obj.__qualname__, [b for b in obj.__bases__], own]
        if isinstance(obj, types.CodeType):
            return [marshal.dumps(obj)]
        if _ours(obj):
            return [obj.__qualname__]
        code = obj.__code__
        cells = [c.cell_contents for c in obj.__closure__ or () if _filled(c)]
        names = _global_names(code)
        glob = obj.__globals__
        reads = {n: glob[n] for n in names if n in glob}
        return [marshal.dumps(code), obj.__defaults__, obj.__kwdefaults__, cells, reads]


def _state(obj) -> list:
    """Return an object's attributes (its __dict__ and slots) but ``_site``, sorted by name."""
    state = dict(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        for name in getattr(cls, "__slots__", ()):
            if hasattr(obj, name):
                state[name] = getattr(obj, name)
    return [x for k in sorted(state) if k not in _SKIP for x in (k, state[k])]


def _ours(obj) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module.split(".")[0] in _OURS


def _filled(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True


def _global_names(code: types.CodeType) -> list[str]:
    """Return the global names a code object and the code nested in it read."""
    names: set[str] = set()
    todo = [code]
    while todo:
        c = todo.pop()
        names.update(c.co_names)
        todo.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return sorted(names)
