"""The 4x4 affine matrices that move shapes: translation, rotation about an axis, scaling."""

from __future__ import annotations

import math

import numpy as np

from ..errors import error_at
from .checks import direction, number


def translation(dx, dy, dz, site=None) -> np.ndarray:
    """Return the matrix that moves by (dx, dy, dz)."""
    m = np.eye(4)
    m[:3, 3] = [
        number(v, f"translated {n}", site) for v, n in zip((dx, dy, dz), "xyz", strict=False)
    ]
    return m


def rotation(axis, degrees, site=None) -> np.ndarray:
    """Return the matrix that turns by ``degrees`` about ``axis`` (right-hand rule)."""
    x, y, z = direction(axis, "rotation axis", site)
    a = math.radians(number(degrees, "rotation angle", site))
    c, s, k = math.cos(a), math.sin(a), 1 - math.cos(a)
    m = np.eye(4)
    m[:3, :3] = [
        [c + x * x * k, x * y * k - z * s, x * z * k + y * s],
        [y * x * k + z * s, c + y * y * k, y * z * k - x * s],
        [z * x * k - y * s, z * y * k + x * s, c + z * z * k],
    ]
    return m


def scaling(sx, sy=None, sz=None, site=None) -> np.ndarray:
    """Return the matrix that scales about the origin (sy, sz default to sx)."""
    sy = sx if sy is None else sy
    sz = sx if sz is None else sz
    factors = [
        number(v, f"scale factor {n}", site) for v, n in zip((sx, sy, sz), "xyz", strict=False)
    ]
    if 0.0 in factors:
        raise error_at(site, f"scale factors must not be zero, got {tuple(factors)}")
    return np.diag([*factors, 1.0])


def affine_rows(m: np.ndarray, p: np.ndarray, shift: bool = False) -> np.ndarray:
    """Return rows ``p`` (n, 3) times m's linear part (plus its shift): sums in x, y, z order.

    Elementwise, never a matrix product: the same numbers on every machine.
    """
    cols = [m[k, 0] * p[:, 0] + m[k, 1] * p[:, 1] + m[k, 2] * p[:, 2] for k in range(3)]
    if shift:
        cols = [c + m[k, 3] for k, c in enumerate(cols)]
    return np.stack(cols, axis=1)
