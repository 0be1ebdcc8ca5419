"""Voronoi cells (Worley noise): each point takes the colour of its nearest feature point.

Space is cut into unit cubes (after ``scale``); each cube holds one feature point at a
position hashed from its integer coordinates and the seed. A point's nearest feature is
among the 27 cubes around it; all 27 are hashed for all points at once.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..errors import caller_site
from ..sampling import hash_ints
from .textures import Texture, check_layer, check_positive, check_seed, layer_colors, mix

#: The 27 cubes around (and including) a point's own.
_NEIGHBOURS = list(itertools.product((-1, 0, 1), repeat=3))

#: Width of the edge lines, in cells.
EDGE_WIDTH = 0.06


def _unit(h: np.ndarray, salt: int) -> np.ndarray:
    """Return floats in [0, 1) from hashes ``h`` and a salt (one per use of a cell's hash)."""
    return (hash_ints(h, salt) >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53)


def nearest_features(q: np.ndarray, seed: int):
    """Return the two nearest feature points of (n, 3) points and the nearest one's value.

    Returns (f1, f2, value): (n, 3) positions of the nearest and second nearest feature
    points and the nearest cell's value in [0, 1).
    """
    n = len(q)
    with np.errstate(invalid="ignore"):
        cell = np.floor(q).astype(np.int64)
    d1 = np.full(n, np.inf)
    d2 = np.full(n, np.inf)
    f1 = np.zeros((n, 3))
    f2 = np.zeros((n, 3))
    value = np.zeros(n)
    for off in _NEIGHBOURS:
        c = cell + np.array(off, dtype=np.int64)
        h = hash_ints(seed, c[:, 0], c[:, 1], c[:, 2])
        f = c + np.stack([_unit(h, k) for k in range(3)], axis=1)
        d = ((q - f) ** 2).sum(axis=1)
        first = d < d1  # ties keep the earlier neighbour: the same cell in every process
        second = ~first & (d < d2)
        d2 = np.where(first, d1, np.where(second, d, d2))
        f2 = np.where(first[:, None], f1, np.where(second[:, None], f, f2))
        d1 = np.where(first, d, d1)
        f1 = np.where(first[:, None], f, f1)
        value = np.where(first, _unit(h, 3), value)
    return f1, f2, value


class Voronoi(Texture):
    """Cells coloured between ``a`` and ``b`` (a hashed shade per cell), optional ``edge`` lines."""

    def __init__(self, a, b, scale: float = 1.0, edge=None, seed: int = 0) -> None:
        self._site = site = caller_site()
        self.a = check_layer(a, "Voronoi a", site)
        self.b = check_layer(b, "Voronoi b", site)
        self.scale = check_positive(scale, "Voronoi scale", site)
        self.edge = None if edge is None else check_layer(edge, "Voronoi edge", site)
        self.seed = check_seed(seed, "Voronoi", site)

    def colors_at(self, points: np.ndarray) -> np.ndarray:
        q = points * self.scale
        f1, f2, value = nearest_features(q, self.seed)
        out = mix(self.a, self.b, value, points)
        if self.edge is None:
            return out
        # Distance from the bisector plane between the two nearest features, in cells.
        axis = f2 - f1
        length = np.sqrt((axis**2).sum(axis=1))
        gap = ((f1 + f2) * 0.5 - q) * axis
        dist = gap.sum(axis=1) / np.where(length > 0, length, 1.0)
        line = np.clip(1.0 - dist / EDGE_WIDTH, 0.0, 1.0)[:, None]
        return out * (1.0 - line) + layer_colors(self.edge, points) * line
