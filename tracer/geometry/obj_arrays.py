"""Read an OBJ file's ``v``, ``vn`` and ``f`` lines with whole-array operations on its bytes.

numpy finds the lines and their kinds, checks every line's shape (three numbers a vertex;
three or more corners a face, all in one form: ``v``, ``v/vt``, ``v//vn`` or ``v/vt/vn``) and
reads the numbers at C speed. Any file it is not sure of (leading blanks, inline comments, a
``w`` coordinate, mixed corner forms, a bad number or index, odd line breaks) gives None: the
line parser (obj.py) then reads it and names the line of the first error. The numbers are the
ones Python's float() reads: numpy parses text with the same correctly rounded conversion.
"""

from __future__ import annotations

import warnings

import numpy as np

from .obj_numbers import plain_numbers

_SKIP, _V, _VN, _F, _ODD = 0, 1, 2, 3, 4
_NL, _CR, _TAB, _SPACE, _HASH, _SLASH = 10, 13, 9, 32, ord("#"), ord("/")


def parse_arrays(data: bytes):
    """Return (vertices, normals, corners) or None; see obj.parse_obj for what they hold.

    ``corners`` is (vertex index, normal index or -1) per corner of every triangle, 0-based.
    """
    arr = np.frombuffer(data, np.uint8)
    if arr.size == 0 or not _plain_lines(arr, data):
        return None
    starts = np.flatnonzero(arr == _NL) + 1
    starts = np.r_[0, starts[starts < arr.size]]
    lengths = np.diff(np.r_[starts, arr.size])
    kind = _kinds(arr, starts)
    if (kind == _ODD).any() or not (kind == _F).any():
        return None
    text = arr.copy()
    text[starts[kind != _SKIP]] = _SPACE  # the v, vn and f words become blanks
    text[starts[kind == _VN] + 1] = _SPACE
    of_kind = np.repeat(kind, lengths)
    verts = _numbers(text[of_kind == _V], lengths[kind == _V])
    norms = _numbers(text[of_kind == _VN], lengths[kind == _VN])
    if verts is None or norms is None:
        return None
    corners = _faces(text[of_kind == _F], lengths[kind == _F], kind)
    if corners is None:
        return None
    return verts, norms, corners


def _plain_lines(arr: np.ndarray, data: bytes) -> bool:
    """Tell whether lines end only at \\n (or \\r\\n) as str.splitlines() would end them."""
    controls = np.count_nonzero(arr < _SPACE)
    if controls != sum(np.count_nonzero(arr == b) for b in (_NL, _CR, _TAB)):
        return False  # NUL, vertical tab, form feed, file separators...
    cr = np.flatnonzero(arr == _CR)
    if cr.size and (cr[-1] == arr.size - 1 or (arr[cr + 1] != _NL).any()):
        return False
    if arr.max() >= 128:  # UTF-8 text: no NEL, LINE or PARAGRAPH SEPARATOR either
        text = data.decode("utf-8", errors="replace")
        return not any(mark in text for mark in ("\x85", "\u2028", "\u2029"))
    return True


def _kinds(arr: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Return each line's kind from its first three bytes, as the line parser reads its word."""
    a, b, c = (_byte_at(arr, starts + k) for k in range(3))
    blank_b, blank_c = (b == _SPACE) | (b == _TAB), (c == _SPACE) | (c == _TAB)
    ends_b = (b == _NL) | (b == _CR) | (b == _HASH)  # the word ends the line: no numbers
    ends_c = (c == _NL) | (c == _CR) | (c == _HASH)
    kind = np.full(starts.size, _SKIP, np.int8)  # another word: vt, o, g, usemtl, #, ...
    v, f = a == ord("v"), a == ord("f")
    vn = v & (b == ord("n"))
    kind[v & blank_b] = _V
    kind[vn & blank_c] = _VN
    kind[f & blank_b] = _F
    kind[((v | f) & ends_b) | (vn & ends_c) | (a == _SPACE) | (a == _TAB)] = _ODD
    return kind


def _byte_at(arr: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Return the bytes at positions ``at``; a line break past the end."""
    return np.where(at < arr.size, arr[np.minimum(at, arr.size - 1)], _NL)


def _tokens(text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return where each blank-separated word starts, and which bytes are blanks.

    Blanks are spaces, tabs and line breaks: the only bytes up to a space that
    _plain_lines lets through.
    """
    blank = text <= _SPACE
    start = ~blank
    start[1:] &= blank[:-1]
    return np.flatnonzero(start), blank


def _per_line(positions: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Count the positions falling in each of consecutive lines of these lengths."""
    ends = np.cumsum(lengths)
    return np.diff(np.r_[0, np.searchsorted(positions, ends)])


def _numbers(text: np.ndarray, lengths: np.ndarray) -> np.ndarray | None:
    """Return (n, 3) floats of n lines of exactly three finite numbers each, else None."""
    if lengths.size == 0:
        return np.zeros((0, 3))
    starts, blank = _tokens(text)
    if (_per_line(starts, lengths) != 3).any():
        return None
    values = plain_numbers(text, starts, blank)
    if values is None:
        values = _parse(text, np.float64)
    if values is None or values.size != 3 * lengths.size or not np.isfinite(values).all():
        return None
    return values.reshape(-1, 3)


def _parse(text: np.ndarray, dtype) -> np.ndarray | None:
    """Read blank-separated numbers; None at a word that is not one (the line parser names it)."""
    try:
        with warnings.catch_warnings():  # numpy < 2.3 warns and stops there: the count tells
            warnings.simplefilter("ignore", DeprecationWarning)
            return np.fromstring(text.tobytes(), dtype=dtype, sep=" ")
    except ValueError:
        return None


def _faces(text: np.ndarray, lengths: np.ndarray, kind: np.ndarray) -> np.ndarray | None:
    """Return (m, 3, 2) triangle corners (vertex, normal or -1) of the f lines, else None."""
    starts, _blank = _tokens(text)
    sizes = _per_line(starts, lengths)  # corners per face
    if (sizes < 3).any():
        return None
    slash = text == _SLASH
    if slash.any():
        slashes = np.add.reduceat(slash, starts, dtype=np.int32)
    else:
        slashes = np.zeros(starts.size, np.int32)
    form = int(slashes[0])
    if form > 2 or (slashes != form).any():
        return None
    double = slash[:-1] & slash[1:]
    empty_vt = bool(double.any())
    if empty_vt and double.sum() != starts.size:  # every corner v//vn, or none
        return None
    text[slash] = _SPACE
    fields = 1 + form - int(empty_vt)
    values = _parse(text, np.int64)  # numpy's own integer reading is quicker than columns
    if values is None or values.size != fields * starts.size:
        return None  # an index missing ("1/", "1//"): numpy reads no word as two numbers
    values = values.reshape(-1, fields)
    lines_f = np.flatnonzero(kind == _F)
    defined = [np.cumsum(kind == k)[lines_f] for k in (_V, _VN)]  # before each face
    vertex = _resolve(values[:, 0], _per_corner(defined[0], sizes))
    normal = None
    if form == 2:
        normal = _resolve(values[:, -1], _per_corner(defined[1], sizes))
        if normal is None:
            return None
    if vertex is None:
        return None
    fan = _fan(sizes)
    corners = np.empty((fan.shape[0], 3, 2), np.intp)
    corners[:, :, 0] = vertex[fan]
    corners[:, :, 1] = -1 if normal is None else normal[fan]
    return corners


def _per_corner(defined: np.ndarray, sizes: np.ndarray):
    """Return how many were defined before each corner's face (one number if before all)."""
    return defined[0] if defined[0] == defined[-1] else np.repeat(defined, sizes)


def _resolve(idx: np.ndarray, count: np.ndarray) -> np.ndarray | None:
    """Turn 1-based or negative OBJ indices into 0-based ones; None if any is out of range."""
    if idx.min() > 0:  # all counted from the start (most files): no counting back
        k = idx - 1
        return k.astype(np.intp, copy=False) if (k < count).all() else None
    k = np.where(idx > 0, idx - 1, count + idx)
    if (idx == 0).any() or (k < 0).any() or (k >= count).any():
        return None
    return k.astype(np.intp)


def _fan(sizes: np.ndarray) -> np.ndarray:
    """Return the corner numbers of each face's fan (0, i, i + 1), faces in order."""
    first = np.cumsum(sizes) - sizes
    per_face = sizes - 2
    face = np.repeat(np.arange(sizes.size), per_face)
    i = np.arange(face.size) - np.repeat(np.cumsum(per_face) - per_face, per_face) + 1
    a = first[face]
    return np.stack((a, a + i, a + i + 1), axis=1)
