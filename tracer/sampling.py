"""Counter-based random numbers: every sample is a pure function of integers.

No generator state: ``uniform(pixel, sample, seed, dimension)`` gives the same number in any
process, in any order, so a frame split over any number of workers or machines is the same
picture. The hash is SplitMix64's finaliser, chained over the keys.

Lens samples (and, later, light samples) use the anti-aliasing samples: ``n x n`` per pixel.
The unit square is cut into ``n x n`` strata and each pixel visits them in its own random
order (decorrelated from the sub-pixel offsets), with a random jitter inside each stratum.
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix64(h: np.ndarray) -> np.ndarray:
    """Scramble 64-bit integers (SplitMix64's finaliser); wraps modulo 2**64."""
    h = h ^ (h >> np.uint64(30))
    h *= _M1
    h ^= h >> np.uint64(27)
    h *= _M2
    h ^= h >> np.uint64(31)
    return h


def hash_ints(*keys) -> np.ndarray:
    """Return a uint64 hash of integer keys (arrays broadcast together, or Python ints)."""
    with np.errstate(over="ignore"):
        h = np.zeros((), dtype=np.uint64) + _GOLDEN
        for key in keys:
            k = np.asarray(key)
            if k.dtype.kind not in "iub":  # a Python int beyond 64 bits
                k = np.asarray(int(key) % 2**64, dtype=np.uint64)
            h = mix64(np.asarray(h + k.astype(np.uint64) + _GOLDEN, dtype=np.uint64))
        return np.asarray(h, dtype=np.uint64)


def uniform(*keys) -> np.ndarray:
    """Return a float64 in [0, 1) per broadcast key tuple (53 bits of the hash)."""
    return (hash_ints(*keys) >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53)


def strata_order(pixels: np.ndarray, n: int, seed: int, stream: int) -> np.ndarray:
    """Return each pixel's random order of the ``n * n`` strata: an (m, n*n) index array."""
    keys = hash_ints(pixels[:, None], np.arange(n * n)[None, :], seed, stream)
    return np.argsort(keys, axis=1, kind="stable")


def stratified(
    pixels: np.ndarray, sample: int, n: int, order: np.ndarray, seed: int, stream: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return the 2-D sample ``sample`` of every pixel: (u, v) arrays in [0, 1).

    ``order`` is :func:`strata_order` of the same pixels; ``stream`` tells apart independent
    uses (the lens, a light) of the same pixel and sample.
    """
    cell = order[:, sample]
    ju = uniform(pixels, sample, seed, stream, 0)
    jv = uniform(pixels, sample, seed, stream, 1)
    return (cell % n + ju) / n, (cell // n + jv) / n


def concentric_disk(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map the unit square onto the unit disk, keeping strata compact (Shirley and Chiu)."""
    a = 2.0 * u - 1.0
    b = 2.0 * v - 1.0
    wide = np.abs(a) > np.abs(b)
    r = np.where(wide, a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(wide, (np.pi / 4) * (b / a), (np.pi / 2) - (np.pi / 4) * (a / b))
    phi = np.where(r == 0.0, 0.0, phi)
    return r * np.cos(phi), r * np.sin(phi)


#: Streams of samples (see :func:`stratified`); other uses (lights) take other numbers.
LENS = 1


class LensSamples:
    """The lens samples of a run of pixels, for a camera that uses them (else nothing)."""

    def __init__(self, camera, first: int, end: int, n: int, seed: int) -> None:
        """Prepare pixels ``first <= y * width + x < end``, ``n x n`` samples each."""
        self.active = bool(getattr(camera, "uses_lens", False))
        self.n, self.seed = n, seed
        if self.active:
            self.pixels = np.arange(first, end, dtype=np.int64)
            self.order = strata_order(self.pixels, n, seed, LENS)

    def at(self, sample: int) -> dict:
        """Return the keyword arguments that give a camera's ``rays`` sample ``sample``."""
        if not self.active:
            return {}
        return {"lens": stratified(self.pixels, sample, self.n, self.order, self.seed, LENS)}
