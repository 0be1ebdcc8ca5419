"""The README's switch for the compiled grid walk: ``PURAY_NO_JIT=1`` makes the numpy walk serve
a grid of spheres the compiled walk would otherwise take, with the same pixels."""

from __future__ import annotations

import pytest

from tests.tracer.test_sphere_walk import sphere_crowd
from tracer.accel import compiled
from tracer.accel.aggregates import Aggregate

pytest.importorskip("numba")


def test_puray_no_jit_makes_the_numpy_walk_serve(monkeypatch):
    monkeypatch.setattr(compiled, "MIN_SPHERES", 1)
    monkeypatch.delenv("PURAY_NO_JIT", raising=False)
    crowd = Aggregate(sphere_crowd(4))
    assert compiled.sphere_walk(crowd.grid, crowd.prims) is not None  # compiled by default
    monkeypatch.setenv("PURAY_NO_JIT", "1")
    assert compiled.sphere_walk(crowd.grid, crowd.prims) is None
    assert compiled.cells_per_prim(crowd.prims, crowd.in_grid) is None  # the numpy walk's grid
