"""Voronoi cells (Worley noise): each point takes the colour of its nearest feature point.

Space is cut into unit cubes (after ``scale``); each cube holds one feature point at a
position hashed from its integer coordinates and the seed. A point's nearest feature is
among the 27 cubes around it; all 27 are hashed for all points at once.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..errors import caller_site
from ..sampling import hash_ints, mix64
from .color_source import layer_colors
from .textures import Texture, check_layer, check_positive, check_seed, mix

#: The 27 cubes around (and including) a point's own.
_NEIGHBOURS = list(itertools.product((-1, 0, 1), repeat=3))

#: Width of the edge lines, in cells.
EDGE_WIDTH = 0.06


#: Odd 64-bit multipliers that spread cell coordinates over the hash (xxHash's primes).
_PRIMES = (
    np.uint64(0x9E3779B185EBCA87),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
)
_BITS = np.uint64(0x1FFFFF)  # 21 bits per coordinate of a feature point


def features(cells: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the feature points of (n, 3) integer cells and each cell's value in [0, 1).

    One 64-bit hash per cell gives 21 bits for each coordinate inside the cell; a second
    scramble of it gives the cell's value.
    """
    with np.errstate(over="ignore"):
        h = hash_ints(seed) ^ (cells[:, 0].astype(np.uint64) * _PRIMES[0])
        h ^= cells[:, 1].astype(np.uint64) * _PRIMES[1]
        h ^= cells[:, 2].astype(np.uint64) * _PRIMES[2]
        h = mix64(h)
        jitter = [(h >> np.uint64(21 * k)) & _BITS for k in range(3)]
        offset = np.stack(jitter, axis=1).astype(np.float64) * (1.0 / 2**21)
        value = (mix64(h ^ _PRIMES[0]) >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53)
    return cells + offset, value


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
        f, v = features(cell + np.array(off, dtype=np.int64), seed)
        d = ((q - f) ** 2).sum(axis=1)
        first = d < d1  # ties keep the earlier neighbour: the same cell in every process
        second = ~first & (d < d2)
        d2 = np.where(first, d1, np.where(second, d, d2))
        f2 = np.where(first[:, None], f1, np.where(second[:, None], f, f2))
        d1 = np.where(first, d, d1)
        f1 = np.where(first[:, None], f, f1)
        value = np.where(first, v, value)
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
