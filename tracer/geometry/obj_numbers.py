"""Read blank-separated plain decimals (``-12.345678``, ``7``) with column-wise numpy, exactly.

Most OBJ exporters write numbers as a sign, at most 15 digits and a point. For those the
digits make an integer M below 2**53 and the point a power of ten 10**k (k <= 15): both exact
doubles, so the one rounding of M / 10**k is the correctly rounded value of the text, the very
float Python's float() (and numpy's own parser) reads. Words of any other form (exponents,
``inf``, more digits) give None: the caller then reads the text with numpy's parser, ~3x
slower (it converts one word at a time through the C library). Integers are not read here:
numpy's own integer reading is quicker than these columns.
"""

from __future__ import annotations

import numpy as np

#: Digits a word may have (M < 10**15 < 2**53, every such integer an exact double).
MAX_DIGITS = 15
#: The exact doubles 10**0 ... 10**MAX_DIGITS.
POWERS = np.array([10.0**k for k in range(MAX_DIGITS + 1)])
_ZERO, _DOT, _MINUS = ord("0"), ord("."), ord("-")


def plain_numbers(text: np.ndarray, starts: np.ndarray, blank: np.ndarray) -> np.ndarray | None:
    """Return the words of ``text`` (uint8) starting at ``starts`` as float64, or None.

    ``blank`` marks the blanks between words. None: a word is not a plain decimal; the
    caller reads the text the slow way.
    """
    if starts.size == 0:
        return np.zeros(0)
    ends = _ends(blank)
    if ends.size != starts.size:
        return None
    sizes = ends - starts
    width = int(sizes.max())
    if width > MAX_DIGITS + 2:
        return None
    n, last = starts.size, text.size - 1
    whole = np.zeros(n)  # integers below 2**53 add and multiply exactly in float64
    digits, places, dots = (np.zeros(n, np.int8) for _ in range(3))
    minus = text[starts] == _MINUS
    known = int(np.count_nonzero(minus))
    for j in range(width):  # column j of every word, Horner's rule on its digits
        c = text[np.minimum(starts + j, last)]
        inside = sizes > j
        d = c - np.uint8(_ZERO)  # wraps past 9 for every other byte
        digit = (d <= 9) & inside
        dot = (c == _DOT) & inside
        whole *= np.where(digit, 10.0, 1.0)
        whole += np.where(digit, d, 0)
        digits += digit
        places += digit & (dots > 0)
        dots += dot
        known += int(np.count_nonzero(digit)) + int(np.count_nonzero(dot))
    if known != int(sizes.sum()) or digits.min() < 1 or digits.max() > MAX_DIGITS:
        return None  # another character, a lone sign or point, or too many digits
    if dots.max() > 1:
        return None
    value = whole / POWERS[places]  # one correctly rounded division: float(word)
    return np.where(minus, -value, value)


def _ends(blank: np.ndarray) -> np.ndarray:
    """Return where each word ends (one past its last character)."""
    last = ~blank
    last[:-1] &= blank[1:]
    return np.flatnonzero(last) + 1
