"""Perlin's improved gradient noise (2002) and its sums, vectorised over (n, 3) points.

The permutation table comes from a seed through an integer hash (:mod:`tracer.sampling`),
not from a random generator whose stream could change between numpy versions: the same seed
gives the same noise in every process, on every machine.
"""

from __future__ import annotations

import functools

import numpy as np

from ..sampling import hash_ints

#: Frequencies of successive octaves grow by this factor, amplitudes shrink by its inverse.
LACUNARITY = 2.0


@functools.lru_cache(maxsize=64)
def permutation(seed: int) -> np.ndarray:
    """Return the 512-entry table (a permutation of 0..255, twice) for ``seed``."""
    keys = hash_ints(seed, np.arange(256))
    perm = np.argsort(keys, kind="stable").astype(np.intp)
    table = np.concatenate([perm, perm])
    table.flags.writeable = False
    return table


def _fade(t: np.ndarray) -> np.ndarray:
    return t * t * t * (t * (t * 6.0 - 15.0) + 10.0)


def _gradients() -> np.ndarray:
    """Return Perlin's 16 gradient vectors (the 12 cube edges, four repeated) as (3, 16)."""
    table = np.zeros((3, 16))
    for h in range(16):
        u = 0 if h < 8 else 1  # the axis of the first term: x or y
        v = 1 if h < 4 else (0 if h in (12, 14) else 2)
        table[u, h] = -1.0 if h & 1 else 1.0
        table[v, h] = -1.0 if h & 2 else 1.0
    return table


_GX, _GY, _GZ = _gradients()


def _grad(h: np.ndarray, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Dot the offset (x, y, z) with one of Perlin's 12 edge gradients, picked by ``h``."""
    h = h & 15
    return _GX[h] * x + _GY[h] * y + _GZ[h] * z


def perlin(points: np.ndarray, seed: int = 0) -> np.ndarray:
    """Return gradient noise in about [-1, 1] at (n, 3) points; 0 on the integer lattice."""
    perm = permutation(seed)
    floor = np.floor(points)
    with np.errstate(invalid="ignore"):  # beyond 2**63: any cell will do
        cell = floor.astype(np.int64) & 255
    f = points - floor
    x, y, z = f[:, 0], f[:, 1], f[:, 2]
    u, v, w = _fade(x), _fade(y), _fade(z)
    a = perm[cell[:, 0]] + cell[:, 1]
    b = perm[cell[:, 0] + 1] + cell[:, 1]
    aa, ab = perm[a] + cell[:, 2], perm[a + 1] + cell[:, 2]
    ba, bb = perm[b] + cell[:, 2], perm[b + 1] + cell[:, 2]
    x1, y1, z1 = x - 1.0, y - 1.0, z - 1.0

    def lerp(t, lo, hi):
        return lo + t * (hi - lo)

    near = lerp(
        v,
        lerp(u, _grad(perm[aa], x, y, z), _grad(perm[ba], x1, y, z)),
        lerp(u, _grad(perm[ab], x, y1, z), _grad(perm[bb], x1, y1, z)),
    )
    far = lerp(
        v,
        lerp(u, _grad(perm[aa + 1], x, y, z1), _grad(perm[ba + 1], x1, y, z1)),
        lerp(u, _grad(perm[ab + 1], x, y1, z1), _grad(perm[bb + 1], x1, y1, z1)),
    )
    return lerp(w, near, far)


def _octaves(points: np.ndarray, octaves: int, seed: int, fold: bool) -> np.ndarray:
    total = np.zeros(len(points))
    norm = 0.0
    for i in range(octaves):
        amplitude = LACUNARITY**-i
        # Each octave is shifted so that the lattices' zeros never line up at the origin.
        n = perlin(points * LACUNARITY**i + 17.31 * i, seed)
        total += amplitude * (np.abs(n) if fold else n)
        norm += amplitude
    return total / norm


def fbm(points: np.ndarray, octaves: int, seed: int = 0) -> np.ndarray:
    """Return fractal Brownian motion: octaves of noise summed, in about [-1, 1]."""
    return _octaves(points, octaves, seed, fold=False)


def turbulence(points: np.ndarray, octaves: int, seed: int = 0) -> np.ndarray:
    """Return Perlin's turbulence: octaves of |noise| summed, in [0, about 1]."""
    return _octaves(points, octaves, seed, fold=True)
