"""Area lights: a light with a radius is a disc facing each shading point, sampled once per
anti-aliasing sample, so shadows soften into a penumbra as the samples average.

Every sample is a pure function of (pixel, sample index, seed) (sampling.py's counter-based
hash): the kernel carries each ray's pixel index through its bounces, compacted with the
rays. Each light and bounce depth has its own stream of samples, so the first 4, 16, 64
samples of a pixel cover the light's disc evenly at the first hit.
"""

from __future__ import annotations

import numpy as np

from ..arrays import unit
from ..sampling import concentric_disk, progressive

#: Streams of light samples: light i at depth k uses LIGHT_STREAM + i * DEPTHS + k (the lens
#: uses stream 1).
LIGHT_STREAM = 2
DEPTHS = 64


class LightSamples:
    """The pixel and anti-aliasing sample of every ray, for sampling area lights.

    ``sample``: one sample index for all rays, or an array of one per ray (a block that
    traces several samples in one call).
    """

    def __init__(self, pixels: np.ndarray, sample, seed: int, depth: int = 0):
        self.pixels, self.sample, self.seed, self.depth = pixels, sample, seed, depth

    @classmethod
    def of(cls, kernel, shadows: bool, first: int, end: int, seed: int):
        """Return the samples of pixels ``first..end-1`` if the scene has soft shadows."""
        if not (shadows and getattr(kernel, "soft", False)):
            return None
        return _Pixels(np.arange(first, end, dtype=np.int64), seed)

    def take(self, idx: np.ndarray, depth: int) -> LightSamples:
        """Return the samples of rays ``idx`` (compaction) at bounce ``depth``."""
        return LightSamples(self.pixels[idx], _each(self.sample, idx), self.seed, depth)

    def children(self, *parts: np.ndarray) -> LightSamples:
        """Return the samples of the next bounce's rays: the rays ``parts`` in order."""
        pixels = np.concatenate([self.pixels[k] for k in parts])
        sample = self.sample
        if isinstance(sample, np.ndarray):
            sample = np.concatenate([sample[k] for k in parts])
        return LightSamples(pixels, sample, self.seed, self.depth + 1)

    def points(self, light: int, center, radius: float, p) -> tuple:
        """Return one point per shading point ``p`` on the light's disc facing it."""
        stream = LIGHT_STREAM + light * DEPTHS + min(self.depth, DEPTHS - 1)
        u, v = progressive(self.pixels, self.sample, self.seed, stream)
        a, b = concentric_disk(u, v)
        a *= radius
        b *= radius
        w = unit(center[0] - p[0], center[1] - p[1], center[2] - p[2])
        e1, e2 = _basis(w)
        return tuple(center[k] + a * e1[k] + b * e2[k] for k in range(3))


class _Pixels:
    """A block's pixels, before a sample index is chosen."""

    def __init__(self, pixels: np.ndarray, seed: int) -> None:
        self.pixels, self.seed = pixels, seed

    def at(self, sample: int) -> LightSamples:
        return LightSamples(self.pixels, sample, self.seed)

    def at_each(self, samples: range) -> LightSamples:
        """Return the samples of the rays of ``samples`` traced together, sample by sample."""
        n = self.pixels.size
        per_ray = np.repeat(np.arange(samples.start, samples.stop, dtype=np.int64), n)
        return LightSamples(np.tile(self.pixels, len(samples)), per_ray, self.seed)


def _each(sample, idx: np.ndarray):
    """Return the sample indices of rays ``idx``: one index for all, or one per ray."""
    return sample[idx] if isinstance(sample, np.ndarray) else sample


def _basis(w):
    """Return two unit vectors perpendicular to unit vectors ``w`` and to each other."""
    wx, wy, wz = w
    use_y = np.abs(wx) > 0.9  # a helper axis not parallel to w: x, or y where w is near x
    ax, ay = np.where(use_y, 0.0, 1.0), np.where(use_y, 1.0, 0.0)
    # e1 = unit(a x w) with a = (ax, ay, 0)
    e1 = unit(ay * wz, -ax * wz, ax * wy - ay * wx)
    e2 = (wy * e1[2] - wz * e1[1], wz * e1[0] - wx * e1[2], wx * e1[1] - wy * e1[0])
    return e1, e2
