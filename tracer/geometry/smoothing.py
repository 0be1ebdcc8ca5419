"""Vertex normals a mesh does not carry: angle-weighted, with an optional crease angle.

Each corner of a triangle gets the sum of the unit normals of the faces around its vertex,
each weighted by that face's angle at the vertex (Thürmer and Wüthrich's weighting: a vertex
normal independent of how the faces around it are split into triangles). With a crease angle,
a corner takes only the faces whose normal is within that angle of its own face's: the faces
of a cube's side keep the side's flat normal, a sphere's neighbours blend smoothly.
"""

from __future__ import annotations

import numpy as np

FULL_TURN = 180.0  # smooth=True: every face around a vertex counts


def corner_normals(v: np.ndarray, f: np.ndarray, crease: float = FULL_TURN) -> np.ndarray:
    """Return (m, 3 corners, 3) unit normals for faces ``f`` over vertices ``v``.

    A corner whose faces cancel out (or a degenerate face) gets NaN: it shades flat.
    """
    a, b, c = v[f[:, 0]], v[f[:, 1]], v[f[:, 2]]
    face_n = _unit(np.cross(b - a, c - a))
    angles = np.stack([_angle(b - a, c - a), _angle(c - b, a - b), _angle(a - c, b - c)], axis=1)
    weighted = np.nan_to_num(face_n[:, None, :] * angles[:, :, None]).reshape(-1, 3)
    corner_vertex = f.reshape(-1)
    corner_face = np.repeat(np.arange(len(f)), 3)
    if crease >= FULL_TURN:
        sums = np.zeros_like(v, dtype=np.float64)
        np.add.at(sums, corner_vertex, weighted)
        return _unit(sums[f.reshape(-1)]).reshape(-1, 3, 3)
    return _creased(corner_vertex, corner_face, face_n, weighted, crease).reshape(-1, 3, 3)


def _creased(corner_vertex, corner_face, face_n, weighted, crease: float) -> np.ndarray:
    """Sum, for every corner, the weighted normals of the corners at its vertex within
    ``crease`` degrees of its own face's normal."""
    order = np.argsort(corner_vertex, kind="stable")
    sorted_vertex = corner_vertex[order]
    start = np.searchsorted(sorted_vertex, sorted_vertex, side="left")
    count = np.searchsorted(sorted_vertex, sorted_vertex, side="right") - start
    cos_limit = np.cos(np.radians(crease)) - 1e-12
    own = np.nan_to_num(face_n[corner_face[order]])
    sums = np.zeros((len(order), 3))
    for k in range(int(count.max())):
        live = k < count
        other = order[np.minimum(start + k, len(order) - 1)]
        other_n = np.nan_to_num(face_n[corner_face[other]])
        near = live & ((own * other_n).sum(axis=1) >= cos_limit)
        sums[near] += weighted[other[near]]
    out = np.empty_like(sums)
    out[order] = sums
    return _unit(out)


def _angle(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Return the angle between rows of ``p`` and ``q`` (radians; 0 for a zero-length side)."""
    cross = np.linalg.norm(np.cross(p, q), axis=1)
    return np.arctan2(cross, (p * q).sum(axis=1))


def _unit(n: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        length = np.linalg.norm(n, axis=1, keepdims=True)
        return np.where(length > 1e-300, n / length, np.nan)
