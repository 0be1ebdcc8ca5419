"""Deterministic stand-ins for the third-party models of the peer comparison (bench/peers.py).

The issue measured the Stanford bunny (69,451 triangles), the beast (~65k) and the ogre
(~124k). None of them ships inside a package on the package index (the libraries that offer
them download them at run time), and committing them would add megabytes of third-party
data, so these functions generate closed, smooth meshes of the same sizes from a seed
instead: a (3, 7) torus knot (~65k, thin tubes and many grazing rays, like the beast's
limbs), a lumpy sphere (~69k, the bunny's compact body) and a lumpy elongated body (~124k,
the ogre). Each is written as an OBJ with one ``vn`` per ``v`` (smooth shading in every tool).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

_T = (1 + 5**0.5) / 2
# The icosahedron: vertices (-1, t, 0)... as signs and places, faces as index triples.
_ICO_V = np.array(
    [(a, b * _T, 0) for b in (1, -1) for a in (-1, 1)]
    + [(0, a, b * _T) for b in (1, -1) for a in (-1, 1)]
    + [(b * _T, 0, a) for b in (1, -1) for a in (-1, 1)],
    dtype=np.float64,
)
_FACES = (
    "0 11 5 0 5 1 0 1 7 0 7 10 0 10 11 1 5 9 5 11 4 11 10 2 10 7 6 7 1 8 3 9 4 3 4 2 3 2 6 "
    "3 6 8 3 8 9 4 9 5 2 4 11 6 2 10 8 6 7 9 8 1"
)
_ICO_F = np.array(_FACES.split(), dtype=np.intp).reshape(20, 3)


def geodesic_sphere(freq: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the unit geodesic sphere of frequency ``freq``: 20 freq^2 triangles, closed."""
    ij = [(i, j) for i in range(freq + 1) for j in range(freq + 1 - i)]
    index = {p: k for k, p in enumerate(ij)}
    i, j = np.array(ij, dtype=np.float64).T / freq
    a, b, c = (_ICO_V[_ICO_F[:, k]] for k in range(3))
    points = a[:, None] + (b - a)[:, None] * i[None, :, None] + (c - a)[:, None] * j[None, :, None]
    points /= np.linalg.norm(points, axis=2, keepdims=True)
    local = [
        t
        for i0 in range(freq)
        for j0 in range(freq - i0)
        for t in (
            [(index[i0, j0], index[i0 + 1, j0], index[i0, j0 + 1])]
            + (
                [(index[i0 + 1, j0], index[i0 + 1, j0 + 1], index[i0, j0 + 1])]
                if i0 + j0 < freq - 1
                else []
            )
        )
    ]
    tris = np.array(local)[None] + (np.arange(20) * len(ij))[:, None, None]
    # Points on shared edges are computed once per face: merge them by their rounded position.
    keys = np.round(points.reshape(-1, 3) * 1e6).astype(np.int64)
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    vertices = points.reshape(-1, 3)[first]
    faces = inverse.reshape(-1)[tris.reshape(-1, 3)]
    if len(vertices) != 10 * freq * freq + 2:  # Euler: a closed sphere has V = F / 2 + 2
        raise AssertionError(f"geodesic sphere {freq}: {len(vertices)} vertices, not closed")
    return vertices, faces


def bumps(points: np.ndarray, seed: int, waves: int = 14, height: float = 0.1) -> np.ndarray:
    """Return a smooth pseudo-random field over unit directions: a sum of seeded waves."""
    rng = np.random.default_rng(seed)
    k = rng.normal(size=(waves, 3)) * rng.uniform(1.5, 5.0, size=(waves, 1))
    phase = rng.uniform(0, 2 * np.pi, size=waves)
    amp = rng.uniform(0.3, 1.0, size=waves) / np.arange(1, waves + 1) ** 0.5
    return height * (np.sin(points @ k.T + phase) * amp).sum(axis=1) / amp.sum() * 2


def lumpy(freq: int, seed: int, stretch=(1.0, 1.0, 1.0)) -> tuple[np.ndarray, np.ndarray]:
    """Return a noise-displaced geodesic sphere of 20 freq^2 triangles, scaled by ``stretch``."""
    v, f = geodesic_sphere(freq)
    v = v * (1.0 + bumps(v, seed))[:, None] * np.array(stretch)
    return v, f


def torus_knot(segments: int, sides: int, p: int = 3, q: int = 7, tube: float = 0.09):
    """Return a (p, q) torus knot's tube: ``2 * segments * sides`` triangles, closed."""
    t = np.linspace(0, 2 * np.pi, segments, endpoint=False)

    def curve(t):
        r = 0.62 + 0.3 * np.cos(q * t)
        return np.stack((r * np.cos(p * t), 0.3 * np.sin(q * t), r * np.sin(p * t)), axis=1)

    centre = curve(t)
    tangent = curve(t + 1e-5) - curve(t - 1e-5)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    side = np.cross(tangent, centre)
    side /= np.linalg.norm(side, axis=1, keepdims=True)
    up = np.cross(side, tangent)
    a = np.linspace(0, 2 * np.pi, sides, endpoint=False)
    ring = np.cos(a)[None, :, None] * up[:, None] + np.sin(a)[None, :, None] * side[:, None]
    vertices = (centre[:, None] + tube * ring).reshape(-1, 3)
    i, j = np.divmod(np.arange(segments * sides), sides)
    q0, q1 = i * sides + j, (i + 1) % segments * sides + j
    q2, q3 = (i + 1) % segments * sides + (j + 1) % sides, i * sides + (j + 1) % sides
    faces = np.concatenate((np.stack((q0, q1, q2), 1), np.stack((q0, q2, q3), 1)))
    return vertices, faces


def vertex_normals(v: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Return area-weighted unit vertex normals, oriented outward for a closed mesh."""
    cross = np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]])
    n = np.zeros_like(v)
    for k in range(3):
        np.add.at(n, f[:, k], cross)
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    volume = np.einsum("ij,ij->", v[f[:, 0]], np.cross(v[f[:, 1]], v[f[:, 2]]))
    return -n if volume < 0 else n


#: name -> (what it stands for, a function returning (vertices, faces)).
MODELS = {
    "knot65k": ("the beast (~65k)", lambda: torus_knot(680, 48)),
    "blob69k": ("the Stanford bunny (69k)", lambda: lumpy(59, seed=69)),
    "lump124k": ("the ogre (~124k)", lambda: lumpy(79, seed=124, stretch=(0.8, 1.15, 0.7))),
}


def placed(v: np.ndarray, floor_y: float) -> np.ndarray:
    """Return the mesh scaled into a unit ball at the origin, then resting on y = floor_y.

    Puray's world has y pointing down: the mesh's largest y touches the floor.
    """
    v = v - (v.max(axis=0) + v.min(axis=0)) / 2
    v = v / np.linalg.norm(v, axis=1).max()
    return v + np.array([0.0, floor_y - v[:, 1].max(), 0.0])


def write_obj(path: Path, v: np.ndarray, f: np.ndarray, n: np.ndarray) -> None:
    """Write vertices, their normals and faces as OBJ (``f a//a b//b c//c``, 1-based)."""
    lines = [f"# {len(f)} triangles, generated by bench/peer_meshes.py"]
    lines += [f"v {x:.7f} {y:.7f} {z:.7f}" for x, y, z in v.tolist()]
    lines += [f"vn {x:.7f} {y:.7f} {z:.7f}" for x, y, z in n.tolist()]
    lines += [f"f {a}//{a} {b}//{b} {c}//{c}" for a, b, c in (f + 1).tolist()]
    path.write_text("\n".join(lines) + "\n")


def make_model(name: str, folder: Path, floor_y: float) -> tuple[Path, int]:
    """Write model ``name`` as ``folder/name.obj`` and return (path, triangle count)."""
    v, f = MODELS[name][1]()
    v = placed(v, floor_y)
    path = folder / f"{name}.obj"
    write_obj(path, v, f, vertex_normals(v, f))
    return path, len(f)
