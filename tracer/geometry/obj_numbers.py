"""Read blank-separated plain decimals (``-12.345678``, ``7``) with column-wise numpy, exactly.

Most OBJ exporters write numbers as a sign, at most 15 digits and a point. For those the
digits make an integer M below 2**53 and the point a power of ten 10**k (k <= 15): both exact
doubles, so the one rounding of M / 10**k is the correctly rounded value of the text, the very
float Python's float() (and numpy's own parser) reads. Words of any other form (exponents,
``inf``, more digits) give None: the caller then reads the text with numpy's parser, ~5x
slower (it converts one word at a time through the C library).
"""

from __future__ import annotations

import numpy as np

#: Digits a word may have (M < 10**15 < 2**53, every such integer an exact double).
MAX_DIGITS = 15
#: The exact doubles 10**0 ... 10**MAX_DIGITS.
POWERS = np.array([10.0**k for k in range(MAX_DIGITS + 1)])
_ZERO, _NINE, _DOT, _MINUS = ord("0"), ord("9"), ord("."), ord("-")


def plain_numbers(text: np.ndarray, starts: np.ndarray, blank: np.ndarray, floats: bool):
    """Return the words of ``text`` (uint8) starting at ``starts`` as float64 or int64, or None.

    ``blank`` marks the blanks between words. None: a word is not a plain decimal (an int
    word with a point, or any other form); the caller reads the text the slow way.
    """
    if starts.size == 0:
        return np.zeros(0, np.float64 if floats else np.int64)
    ends = _ends(blank)
    if ends.size != starts.size:
        return None
    sizes = ends - starts
    width = int(sizes.max())
    if width > MAX_DIGITS + 2:
        return None
    at = starts[None, :] + np.arange(width)[:, None]  # (column, word): columns contiguous
    cols = text[np.minimum(at, text.size - 1)]
    inside = np.arange(width)[:, None] < sizes[None, :]
    digit = (cols >= _ZERO) & (cols <= _NINE) & inside
    dot = (cols == _DOT) & inside
    minus = cols[0] == _MINUS
    digits = np.count_nonzero(digit, axis=0)
    dots = np.count_nonzero(dot, axis=0)
    known = np.count_nonzero(digit) + np.count_nonzero(dot) + np.count_nonzero(minus)
    if known != np.count_nonzero(inside) or digits.min() < 1 or digits.max() > MAX_DIGITS:
        return None  # another character, a lone sign or point, or too many digits
    if dots.max() > (1 if floats else 0):
        return None
    whole = np.zeros(starts.size, np.int64)
    for j in range(width):  # Horner's rule, column by column
        whole = np.where(digit[j], whole * 10 + (cols[j] - _ZERO), whole)
    if not floats:
        return np.where(minus, -whole, whole)
    places = np.count_nonzero(digit & (np.cumsum(dot, axis=0) > 0), axis=0)
    value = whole / POWERS[places]  # one correctly rounded division: float(word)
    return np.where(minus, -value, value)


def _ends(blank: np.ndarray) -> np.ndarray:
    """Return where each word ends (one past its last character)."""
    last = ~blank
    last[:-1] &= blank[1:]
    return np.flatnonzero(last) + 1
