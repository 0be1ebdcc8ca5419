"""Compare two renders pixel by pixel: the difference heat map and its numbers (Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class SizeMismatch(ValueError):
    """The two renders have different sizes: there is no pixel-by-pixel comparison."""


@dataclass(frozen=True)
class Difference:
    """Per-pixel absolute error (the largest of R, G, B, 0..255) and a heat map of it."""

    error: np.ndarray  # (H, W) uint8
    heat: np.ndarray  # (H, W, 3) uint8: black where equal, dark red to yellow up to the max
    changed: int  # pixels whose colour differs at all
    max_error: int  # the heat map's scale: its brightest colour stands for this error

    @property
    def fraction(self) -> float:
        return self.changed / self.error.size if self.error.size else 0.0


def check_same_size(a: np.ndarray, b: np.ndarray) -> None:
    """Raise SizeMismatch naming both sizes unless the two pictures have the same size."""
    if a.shape != b.shape:
        raise SizeMismatch(
            f"the renders have different sizes ({a.shape[1]}x{a.shape[0]} and "
            f"{b.shape[1]}x{b.shape[0]}): they cannot be compared pixel by pixel"
        )


def difference(a: np.ndarray, b: np.ndarray) -> Difference:
    """Return the absolute difference of two same-size (H, W, 3) uint8 pictures."""
    check_same_size(a, b)
    error = np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2).astype(np.uint8)
    changed = int(np.count_nonzero(error))
    top = int(error.max()) if error.size else 0
    return Difference(error, heat_colors(error, top), changed, top)


def heat_colors(error: np.ndarray, top: int) -> np.ndarray:
    """Colour errors 1..top from dark red through orange to bright yellow; 0 stays black."""
    heat = np.zeros((*error.shape, 3), np.uint8)
    if top <= 0:
        return heat
    ramp = heat_ramp(256)
    level = np.rint(error.astype(np.float64) * (255 / top)).astype(np.intp)
    heat[...] = ramp[level]
    heat[error == 0] = 0
    return heat


def heat_ramp(n: int) -> np.ndarray:
    """Return the heat map's ``n`` colours, weakest first, as an (n, 3) uint8 array."""
    t = np.linspace(0.0, 1.0, n)
    r = np.clip(0.35 + 0.65 * t * 2, 0, 1)
    g = np.clip((t - 0.35) / 0.65, 0, 1)
    b = np.clip((t - 0.8) / 0.2, 0, 1) * 0.6
    return np.rint(np.stack([r, g, b], axis=1) * 255).astype(np.uint8)
