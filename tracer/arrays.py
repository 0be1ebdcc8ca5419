"""Vector arithmetic on triples of float64 arrays, in Puray's evaluation order.

Puray computes ``a.x * b.x + a.y * b.y + a.z * b.z`` left to right and normalises by
dividing each component by the square root of that sum; keeping exactly this order (and no
fused multiply-add) is what makes our pixels equal Puray's.
"""

from __future__ import annotations

import numpy as np


def unit(x, y, z):
    """Normalise in place, Puray's way: divide each component by sqrt(x*x + y*y + z*z)."""
    m = x * x
    m += y * y
    m += z * z
    np.sqrt(m, out=m)
    x /= m
    y /= m
    z /= m
    return x, y, z


def dot(a, b):
    """Return a.x * b.x + a.y * b.y + a.z * b.z for triples of arrays, in that order."""
    r = a[0] * b[0]
    r += a[1] * b[1]
    r += a[2] * b[2]
    return r


def median(a: np.ndarray) -> float:
    """Return the median of a non-empty 1-D array, as np.median does.

    np.median imports numpy.ma on first use (about 10 ms of every worker's first load).
    """
    n = a.shape[0]
    half = n // 2
    if n % 2:
        return float(np.partition(a, half)[half])
    part = np.partition(a, (half - 1, half))
    return float(np.mean(part[half - 1 : half + 1]))
