"""The compiled kernels as machine code built ahead of time: no numba in the rendering process.

numba's just-in-time route costs every process that first walks compiled ~0.6 s (importing
numba, then setting up its compiler to load the cached code). Setup builds the same kernels
(compiled_bvh.build, compiled_walk.nearest and any_hit, the very functions) once into an
extension module with numba.pycc; importing it takes a millisecond and needs neither numba nor
LLVM. Its file name carries a digest of the kernels' sources, so a module built from other
sources is never loaded (the just-in-time route serves until setup builds it again).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.machinery
import importlib.util
import os
import sys
import sysconfig
import warnings
from pathlib import Path
from types import ModuleType

import numpy as np

HERE = Path(__file__).parent
#: The modules whose code the kernels hold (inlined from one into another).
SOURCES = (
    "compiled_shapes.py",
    "compiled_csg.py",
    "compiled_walk.py",
    "compiled_bvh.py",
    "sphere_walk.py",
    "walk.py",
)


def digest() -> str:
    """Return a digest of the kernels' sources and of the numpy they were built against."""
    parts = [(HERE / name).read_bytes() for name in SOURCES]
    return hashlib.sha256(b"".join([*parts, np.__version__.encode()])).hexdigest()


def _name() -> str:
    return f"puray_kernels_{digest()[:16]}"


def _folders() -> list[Path]:
    """Return where a built module may live: beside the package's bytecode, or the user's cache."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return [HERE / "__pycache__", Path(cache) / "puray"]


def load() -> ModuleType | None:
    """Return the module built from these very sources, or None where there is none."""
    name = _name()
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    for folder in _folders():
        path = folder / f"{name}{suffix}"
        if path.is_file():
            loader = importlib.machinery.ExtensionFileLoader(name, str(path))
            spec = importlib.util.spec_from_file_location(name, path, loader=loader)
            if spec is None:
                continue
            with contextlib.suppress(ImportError, OSError):
                module = importlib.util.module_from_spec(spec)
                loader.exec_module(module)
                return module
    return None


def build() -> Path | None:
    """Build the module (numba.pycc and a C compiler); return its path, or None if none could."""
    with warnings.catch_warnings():  # pycc is pending deprecation: the JIT route then serves
        warnings.simplefilter("ignore")
        try:
            from numba.pycc import CC
        except ImportError:
            return None
    from . import compiled_bvh, compiled_walk, sphere_walk

    name = _name()
    for folder in _folders():
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            continue
        cc = CC(name, source_module=sys.modules[__name__])
        cc.output_dir = str(folder)
        cc.verbose = False
        for export, kernel in _kernels(compiled_bvh, compiled_walk, sphere_walk).items():
            cc.export(export, _signatures()[export])(kernel)
        try:
            cc.compile()
        except Exception as exc:  # no C compiler, no Python headers: the JIT route serves
            print(f"could not build the compiled kernels ahead of time: {exc}", file=sys.stderr)
            return None
        for old in folder.glob("puray_kernels_*"):
            if not old.name.startswith(name):
                old.unlink(missing_ok=True)
        return folder / f"{name}{sysconfig.get_config_var('EXT_SUFFIX') or '.so'}"
    return None


def _kernels(bvh, walk, spheres) -> dict:
    """Return plain functions calling the kernels (pycc compiles each with its own options)."""

    def build(lo, hi):
        return bvh.build(lo, hi)

    def nearest(
        bvh, tables, sub_of, scene, ox, oy, oz, dx, dy, dz, rays, k0, best, bid, bsub, pairs
    ):
        return walk.nearest(
            bvh, tables, sub_of, scene, ox, oy, oz, dx, dy, dz, rays, k0, best, bid, bsub, pairs
        )

    def any_hit(bvh, tables, scene, ox, oy, oz, dx, dy, dz, rays, k0, dist, blocked, pairs):
        return walk.any_hit(
            bvh, tables, scene, ox, oy, oz, dx, dy, dz, rays, k0, dist, blocked, pairs
        )

    def walk_spheres(grid, ox, oy, oz, dx, dy, dz, rays, rows, offset, best, bid, shadow):
        spheres.walk_rays(grid, ox, oy, oz, dx, dy, dz, rays, rows, offset, best, bid, shadow)

    return {
        "build": build,
        "nearest": nearest,
        "any_hit": any_hit,
        "spheres32": walk_spheres,
        "spheres64": walk_spheres,
    }


def _signatures() -> dict:
    """Return the types the kernels take: the ones compiled.CompiledStructure passes."""
    from numba import types as nt

    f8, i8, i4 = nt.float64, nt.int64, nt.int32
    rows, floats, longs = f8[:, ::1], f8[::1], i8[::1]
    bvh = nt.Tuple((rows, i4[::1], i4[::1], longs, longs, i8))
    tables = nt.UniTuple(rows, 9)
    scene = nt.UniTuple(f8, 5)
    rays = (floats,) * 6 + (longs, i8)
    pairs = i8[:, ::1]
    done = nt.UniTuple(i8, 2)
    spheres = {}
    for name, index in (("spheres32", i4[::1]), ("spheres64", longs)):
        grid = nt.Tuple((floats, floats, longs, floats, floats, f8, index, index))
        sphere_rays = (floats,) * 6 + (longs, rows, i8, floats, longs, nt.boolean)
        spheres[name] = nt.none(grid, *sphere_rays)
    return {
        **spheres,
        "build": nt.Tuple((rows, i4[::1], i4[::1], longs, i8))(rows, rows),
        "nearest": done(bvh, tables, longs, scene, *rays, floats, longs, longs, pairs),
        "any_hit": done(bvh, tables, scene, *rays, floats, nt.boolean[::1], pairs),
    }
