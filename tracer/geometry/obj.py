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
from .obj_arrays import parse_arrays


@dataclass
class ObjData:
    """A parsed OBJ: (n, 3) vertices, (m, 3) triangles, and corner normals where given."""

    vertices: np.ndarray
    faces: np.ndarray
    normals: np.ndarray | None  # (k, 3) vertex normals from vn lines
    face_normals: np.ndarray | None  # (m, 3) indices into normals, -1 where a face has none


def parse_obj(path: str, data: bytes) -> ObjData:
    """Parse OBJ bytes read from ``path`` (used in error messages)."""
    fast = _parse_fast(data)
    if fast is not None:
        return fast
    text = data.decode("utf-8", errors="replace")
    return _parse_lines(text.splitlines(), path)


def _parse_fast(data: bytes) -> ObjData | None:
    """Parse the common case with whole-array operations (obj_arrays.py), or return None.

    Anything else (and every error) is left to the line-by-line parser, which names the line.
    """
    found = parse_arrays(data)
    if found is None:
        return None
    vertices, normals, corners = found
    face_normals = corners[:, :, 1]
    if len(normals) == 0 or (face_normals < 0).all():
        return ObjData(vertices, corners[:, :, 0].copy(), None, None)
    return ObjData(vertices, corners[:, :, 0].copy(), normals, face_normals.copy())


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
