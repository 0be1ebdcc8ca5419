"""Read Wavefront OBJ text: vertices, vertex normals and faces (fan-triangulated).

Only ``v``, ``vn`` and ``f`` matter (``f`` in the forms ``v``, ``v/vt``, ``v//vn`` and
``v/vt/vn``, indices from 1 or negative from the end so far); other statements (``vt``, ``o``,
``g``, ``s``, ``usemtl``, ...) are skipped. A malformed line or an index out of range raises a
SceneError at the OBJ file's own line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import SceneError


@dataclass
class ObjData:
    """A parsed OBJ: (n, 3) vertices, (m, 3) triangles, and corner normals where given."""

    vertices: np.ndarray
    faces: np.ndarray
    normals: np.ndarray | None  # (k, 3) vertex normals from vn lines
    face_normals: np.ndarray | None  # (m, 3) indices into normals, -1 where a face has none


def parse_obj(path: str, data: bytes) -> ObjData:
    """Parse OBJ bytes read from ``path`` (used in error messages)."""
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines()
    return _parse_uniform(lines) or _parse_lines(lines, path)


def _parse_uniform(lines: list[str]) -> ObjData | None:
    """Parse the common case with whole-array operations, or return None to go line by line.

    The common case: ``v``/``vn``/``f`` at the start of their lines, single spaces, no inline
    comments, every face with the same number of corners in the same form, all indices valid.
    Anything else (and every error) is left to the line-by-line parser, which names the line.
    """
    if any(line[:1].isspace() or "\t" in line for line in lines):
        return None
    kind = np.array([_kind_of(line) for line in lines], dtype=np.int8)
    if (kind == _ODD).any() or not (kind == _F).any():
        return None
    rows = {k: [lines[i] for i in np.flatnonzero(kind == k)] for k in (_V, _VN, _F)}
    try:
        verts, norms = _floats(rows[_V], 2), _floats(rows[_VN], 3)
        fields = _face_fields(rows[_F])
    except (ValueError, OverflowError):  # an index beyond 64 bits: the line parser names it
        return None
    if verts is None or norms is None or fields is None:
        return None
    faces_at = kind == _F
    v = _resolve(fields[:, :, 0], np.cumsum(kind == _V)[faces_at][:, None])
    n = None
    if fields.shape[2] == 3:
        n = _resolve(fields[:, :, 2], np.cumsum(kind == _VN)[faces_at][:, None])
        if n is None:
            return None
    if v is None:
        return None
    fan = np.array([(0, i, i + 1) for i in range(1, fields.shape[1] - 1)])
    face_n = n[:, fan].reshape(-1, 3) if n is not None else None
    return ObjData(verts, v[:, fan].reshape(-1, 3), norms if n is not None else None, face_n)


_SKIP, _V, _VN, _F, _ODD = 0, 1, 2, 3, 4


def _kind_of(line: str) -> int:
    if line.startswith("v "):
        return _V
    if line.startswith("f "):
        return _F
    if line.startswith("vn "):
        return _VN
    if line.startswith(("vt ", "vp ")) or line[:1] not in ("v", "f"):
        return _SKIP
    return _ODD  # "vn" alone, "v1 2 3", "fo": the line parser judges


def _floats(rows: list[str], skip: int) -> np.ndarray | None:
    if not rows:
        return np.zeros((0, 3))
    values = np.array(" ".join(row[skip:] for row in rows).split(), dtype=np.float64)
    if values.size != 3 * len(rows) or not np.isfinite(values).all():
        return None  # a w coordinate, a missing number, a NaN: line by line
    return values.reshape(-1, 3)


def _face_fields(rows: list[str]) -> np.ndarray | None:
    """Return (faces, corners, 1 or 3) indices when all faces share corner count and form."""
    first = rows[0].split()[1:]
    corners, form = len(first), first[0].count("/")
    if corners < 3 or form > 2 or any(len(row.split()) != corners + 1 for row in rows):
        return None
    joined = " ".join(row[2:] for row in rows)
    if joined.count("/") != len(rows) * corners * form:
        return None
    values = np.array(joined.replace("//", "/0/").replace("/", " ").split(), dtype=np.int64)
    if values.size != len(rows) * corners * (form + 1):
        return None
    fields = values.reshape(len(rows), corners, form + 1)
    return fields[:, :, :1] if form == 1 else fields  # v/vt: the texture index is ignored


def _resolve(idx: np.ndarray, count: np.ndarray) -> np.ndarray | None:
    """Turn 1-based or negative OBJ indices into 0-based ones; None if any is out of range."""
    k = np.where(idx > 0, idx - 1, count + idx)
    if (idx == 0).any() or (k < 0).any() or (k >= count).any():
        return None
    return k.astype(np.intp)


def _parse_lines(lines: list[str], path: str) -> ObjData:
    """Parse line by line, raising SceneError at the first bad line."""
    verts: list[list[float]] = []
    norms: list[list[float]] = []
    faces: list[tuple[int, int, int]] = []
    face_n: list[tuple[int, int, int]] = []
    for lineno, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        word, *args = line.split()
        if word in ("v", "vn"):
            (verts if word == "v" else norms).append(_numbers(args, word, path, lineno))
        elif word == "f":
            corners = [_corner(a, len(verts), len(norms), path, lineno) for a in args]
            if len(corners) < 3:
                raise SceneError(
                    f"a face needs at least 3 vertices, got {len(corners)}", path, lineno
                )
            for i in range(1, len(corners) - 1):  # fan: (0, i, i + 1)
                tri = (corners[0], corners[i], corners[i + 1])
                faces.append((tri[0][0], tri[1][0], tri[2][0]))
                face_n.append((tri[0][1], tri[1][1], tri[2][1]))
    if not faces:
        raise SceneError("the OBJ file has no faces (f lines)", path)
    vertices = np.array(verts, dtype=np.float64).reshape(-1, 3)
    fn = np.array(face_n, dtype=np.intp)
    has_normals = bool(norms) and bool((fn >= 0).any())
    return ObjData(
        vertices,
        np.array(faces, dtype=np.intp),
        np.array(norms, dtype=np.float64).reshape(-1, 3) if has_normals else None,
        fn if has_normals else None,
    )


def _numbers(args: list[str], word: str, path: str, lineno: int) -> list[float]:
    if len(args) < 3:
        raise SceneError(f"'{word}' needs 3 numbers, got {len(args)}", path, lineno)
    try:
        xyz = [float(a) for a in args[:3]]
    except ValueError:
        raise SceneError(
            f"'{word}' needs 3 numbers, got {' '.join(args)!r}", path, lineno
        ) from None
    if not all(np.isfinite(xyz)):
        raise SceneError(f"'{word}' has a NaN or infinite number: {xyz}", path, lineno)
    return xyz


def _corner(token: str, nv: int, nn: int, path: str, lineno: int) -> tuple[int, int]:
    """Return (vertex index, normal index or -1), 0-based, of one face corner."""
    parts = token.split("/")
    if len(parts) > 3 or not parts[0]:
        raise SceneError(
            f"bad face corner {token!r} (expected v, v/vt, v//vn or v/vt/vn)", path, lineno
        )
    v = _index(parts[0], nv, "vertex", token, path, lineno)
    n = -1
    if len(parts) == 3 and parts[2]:
        n = _index(parts[2], nn, "normal", token, path, lineno)
    return v, n


def _index(text: str, count: int, what: str, token: str, path: str, lineno: int) -> int:
    try:
        i = int(text)
    except ValueError:
        raise SceneError(
            f"bad face corner {token!r}: {text!r} is not an index", path, lineno
        ) from None
    k = i - 1 if i > 0 else count + i
    if i == 0 or not 0 <= k < count:
        defined = f"{count} {_PLURAL[what] if count != 1 else what}"
        msg = f"face {what} index {i} is out of range: {defined} defined so far"
        raise SceneError(msg, path, lineno)
    return k


_PLURAL = {"vertex": "vertices", "normal": "normals"}
