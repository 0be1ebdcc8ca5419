"""Counter-based random numbers: every sample is a pure function of integers.

No generator state: ``uniform(pixel, sample, seed, dimension)`` gives the same number in any
process, in any order, so a frame split over any number of workers or machines is the same
picture. The hash is SplitMix64's finaliser, chained over the keys.

Anti-aliasing is progressive: sample ``k`` of a pixel is a pure function of (pixel, k, seed),
so ``--samples S`` is the first S x S samples of one endless sequence per pixel and the window
can keep adding samples where the last pass ended. Sample 0 is the pixel's centre (Puray's
ray); pixel offsets, lens and light points follow a shuffled, randomly shifted Sobol sequence,
stratified at every power of four (:func:`progressive`, :func:`pixel_offset`).
"""

from __future__ import annotations

from math import comb

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


def _sobol_columns() -> tuple[np.ndarray, np.ndarray]:
    """Return the generator columns of the first two Sobol dimensions (32-bit digits).

    Bit ``j`` of a sample index flips these bits of the point: dimension 0 is van der Corput
    (digit ``j`` to weight 2**-(j+1)); dimension 1 is the Pascal matrix mod 2.
    """
    first = [1 << (31 - j) for j in range(32)]
    second = [sum((comb(j, i) & 1) << (31 - i) for i in range(j + 1)) for j in range(32)]
    return np.array(first, dtype=np.uint64), np.array(second, dtype=np.uint64)


_COLUMNS = _sobol_columns()


def sobol(index) -> tuple[np.ndarray, np.ndarray]:
    """Return the 2-D Sobol point(s) of ``index`` as 32-bit integers (u, v) (arrays broadcast).

    Any first 2**(2m) points put one point in each of the 2**m x 2**m cells of the square (and
    of every other grid of 2**(2m) equal cells with power-of-two sides): a (0, 2)-sequence.
    """
    idx = np.asarray(index, dtype=np.uint64)
    u = np.zeros(idx.shape, dtype=np.uint64)
    v = np.zeros(idx.shape, dtype=np.uint64)
    for j in range(int(idx.max(initial=0)).bit_length()):
        bit = (idx >> np.uint64(j)) & np.uint64(1)
        u ^= bit * _COLUMNS[0][j]
        v ^= bit * _COLUMNS[1][j]
    return u, v


def _reverse32(x: np.ndarray) -> np.ndarray:
    """Reverse the 32 low bits of every uint64 in ``x``."""
    out = np.zeros(x.shape, dtype=np.uint64)
    for j in range(32):
        out |= ((x >> np.uint64(j)) & np.uint64(1)) << np.uint64(31 - j)
    return out


_MASK32 = np.uint64(0xFFFFFFFF)


def shuffle_index(sample: int, keys: np.ndarray) -> np.ndarray:
    """Return each key's own order of sample indices, keeping every power-of-two prefix whole.

    The first 2**m samples of any key map to one aligned block of 2**m Sobol indices, so
    they keep the sequence's stratification; different keys (pixels, streams) take different
    blocks in different orders, so the lens and each light do not repeat each other's
    pattern. The map on bit-reversed indices only lets a bit depend on lower bits (adds,
    odd multiplications, x ^= x * even): a bijection that keeps prefixes, as Owen scrambling.
    """
    with np.errstate(over="ignore"):
        x = _reverse32(np.full(keys.shape, sample, dtype=np.uint64))
        x = (x + keys) & _MASK32
        x = (x * np.uint64(0x2C1B3C6D)) & _MASK32  # odd
        x ^= (x * np.uint64(0x297A2D38)) & _MASK32  # even
        x = (x + (keys >> np.uint64(32))) & _MASK32
        x ^= (x * np.uint64(0x6C50B47C)) & _MASK32  # even
        x = (x * np.uint64(0x5BD1E995)) & _MASK32  # odd
        return _reverse32(x)


def progressive(
    pixels: np.ndarray, sample: int, seed: int, stream: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return the 2-D sample ``sample`` of every pixel: (u, v) arrays in [0, 1).

    A pure function of (pixel, sample, seed, stream): a Sobol point chosen by the pixel's
    own :func:`shuffle_index`, digitally shifted by the pixel's random point. Sample 0 is
    that random point itself, ``uniform(pixel, 0, seed, stream, 0 or 1)`` (what a 1-sample
    render has always used); the first 4, 16, 64 samples are stratified. ``stream`` tells
    apart independent uses (the lens, a light) of the same pixel and sample.
    """
    keys = hash_ints(pixels, seed, stream)
    points = sobol(shuffle_index(sample, keys) ^ shuffle_index(0, keys))
    out = []
    for dim in (0, 1):
        shift = hash_ints(pixels, 0, seed, stream, dim) >> np.uint64(11)  # 53 random bits
        bits = (points[dim] << np.uint64(21)) ^ shift
        out.append(bits.astype(np.float64) * (1.0 / 2**53))
    return out[0], out[1]


def pixel_offset(sample: int) -> tuple[float, float]:
    """Return sample ``sample``'s offset from the pixel centre, in [-0.5, 0.5)^2.

    The same in every pixel: sample 0 is the centre (Puray's ray), the first 4, 16, 64 cover
    the pixel's quarters, sixteenths, sixty-fourths once each.
    """
    u, v = sobol(sample)
    half = 1 << 31  # a digital shift by (1/2, 1/2) moves point 0 to the centre
    return (int(u) ^ half) / 2**32 - 0.5, (int(v) ^ half) / 2**32 - 0.5


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


#: Streams of samples (see :func:`progressive`); lights take other numbers.
LENS = 1


class LensSamples:
    """The lens samples of a run of pixels, for a camera that uses them (else nothing)."""

    def __init__(self, camera, first: int, end: int, seed: int) -> None:
        """Prepare pixels ``first <= y * width + x < end``."""
        self.active = bool(getattr(camera, "uses_lens", False))
        self.seed = seed
        if self.active:
            self.pixels = np.arange(first, end, dtype=np.int64)

    def at(self, sample: int) -> dict:
        """Return the keyword arguments that give a camera's ``rays`` sample ``sample``."""
        if not self.active:
            return {}
        return {"lens": progressive(self.pixels, sample, self.seed, LENS)}
