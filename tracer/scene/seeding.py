"""Seed the random sources a scene may use, identically in every process and every load.

Python's ``random`` is seeded before each run of a scene. numpy's global generator is seeded
too, but importing ``numpy.random`` costs about 7 ms, and most scenes never touch it: so if
it is not imported yet, it is seeded the moment the scene's code imports it (an import hook
armed while the scene runs). Either way the scene draws the same numbers.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import random
import sys
from collections.abc import Iterator

NUMPY_RANDOM = "numpy.random"


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed ``random`` and numpy's global generator for the code run inside."""
    random.seed(seed)
    module = sys.modules.get(NUMPY_RANDOM)
    if module is not None:
        module.seed(seed % 2**32)
        yield
        return
    hook = _SeedOnImport(seed % 2**32)
    sys.meta_path.insert(0, hook)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(hook)


class _SeedOnImport:
    """A meta path finder that seeds ``numpy.random`` right after it is first imported."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def find_spec(self, fullname, path=None, target=None):
        if fullname != NUMPY_RANDOM:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _SeedingLoader(spec.loader, self.seed)
        return spec


class _SeedingLoader:
    """Load a module with another loader, then seed it."""

    def __init__(self, loader, seed: int) -> None:
        self.loader, self.seed = loader, seed

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        self.loader.exec_module(module)
        module.seed(self.seed)
