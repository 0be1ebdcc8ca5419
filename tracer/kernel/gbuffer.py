"""The G-buffer: what one sample of a chunk of rays met at every bounce, kept to re-shade it.

A :class:`Piece` keeps, per bounce (a :class:`LevelRecord`), every ray's nearest hit
(distance, object, primitive) and direction, every hit's point and outward normal, its local
colour as Phong's equation gave it and that equation's terms toward each light (diffuse and
specular factors after the shadow rays, transmittance), the children each hit spawned (the
bounce tree), and the sample's final clipped colours. :class:`Recording` fills one while
trace.py runs its stages for real; reshade.py replays the stages on it without intersecting
again. Each worker keeps the pieces of the rows it rendered in its :data:`store`, bounded in
bytes.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from .records import Hits, Level, Rays, Surface
from .stages import nearest, shade, surface, surface_colors

#: One light's terms at a bounce's hits: (kd, ks, dark mask or None, transmittance or None).
Term = tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]


@dataclass(slots=True)
class LevelRecord:
    """One bounce of a recorded trace: every ray's hit, every hit's surface and shading."""

    t: np.ndarray
    obj: np.ndarray  # int32, -1: missed
    prim: np.ndarray | None  # int32 or None (no object has primitives)
    d: tuple | None  # the rays' directions (None at the first bounce: the camera's)
    p: tuple = ()  # per hit: the point,
    n: tuple = ()  # its outward normal,
    mat: np.ndarray | None = None  # its material id (int32),
    oc: np.ndarray | None = None  # (3, m) its surface colour (the material's there),
    local: np.ndarray | None = None  # (3, m) its local colour (before the model weighs it),
    terms: list[Term] = field(default_factory=list)  # each light's terms there
    stale: np.ndarray | None = None  # hits whose local colour is of an older load (None: none)
    unlit: np.ndarray | None = None  # hits whose terms are of older lights (None: none)
    branches: list[tuple[str, np.ndarray]] = field(default_factory=list)  # (kind, hit rows)
    level: Level | None = None  # trace's own record of the bounce (its scattering, to refold)
    missed: np.ndarray | None = None  # (3, n) what its rays that missed see (None: black)
    _rows: np.ndarray | None = None  # per ray its hit row (-1: missed), made when first needed

    def hit_rows(self) -> np.ndarray:
        """Return per ray its position among the hits (-1 for a ray that missed)."""
        if self._rows is None:
            hit = self.obj >= 0
            rows = np.full(self.obj.size, -1, dtype=np.int32)
            rows[hit] = np.arange(int(hit.sum()), dtype=np.int32)
            self._rows = rows
        return self._rows

    @property
    def hits(self) -> int:
        return 0 if self.local is None else self.local.shape[1]

    def child_ids(self, kind: str, rows: np.ndarray) -> np.ndarray | None:
        """Return the next bounce's ray ids of the ``kind`` children of hit ``rows``.

        -1 where a hit spawned no such child; None if no hit did.
        """
        start = 0
        for k, parent in self.branches:
            if k == kind:
                ids = np.full(self.hits, -1, dtype=np.int64)
                ids[parent] = np.arange(start, start + parent.size)
                return ids[rows]
            start += parent.size
        return None

    def parents(self) -> np.ndarray:
        """Return per ray of the next bounce the hit row it left from."""
        parts = [rows for _kind, rows in self.branches]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.intp)

    def surface(self, hits: Hits, rows: np.ndarray, sa) -> Surface:
        """Return the kept surface of hit ``rows`` (materials and offsets of the new load)."""
        p = tuple(a[rows] for a in self.p)
        n = tuple(a[rows] for a in self.n)
        return Surface(hits, p, n, sa.material_of(hits.obj, hits.prim), sa.offset(p, hits.t))

    def known(self, rows: np.ndarray | None) -> list[Term]:
        """Return the lights' terms at hit ``rows`` (None: at every hit, the arrays kept)."""
        if rows is None:
            return list(self.terms)
        return [
            (kd[rows], ks[rows], None, None if trans is None else np.take(trans, rows, axis=1))
            for kd, ks, _dark, trans in self.terms
        ]

    @property
    def nbytes(self) -> int:
        arrays = [self.t, self.obj, self.prim, *(self.d or ()), *self.p, *self.n, self.local]
        arrays += [self.oc]
        arrays += [self._rows, self.stale, self.unlit, *(a for _k, a in self.branches)]
        arrays += [self.mat, self.missed, *_arrays(self.level)]
        for kd, ks, _dark, trans in self.terms:
            arrays += [kd, ks, trans]
        return sum(a.nbytes for a in arrays if a is not None)


def _arrays(level: Level | None) -> list:
    """Return the arrays trace's record of a bounce holds (its scattering's too)."""
    if level is None:
        return []
    own = [level.idx, level.missed]
    if level.scattering is not None:
        own += [a for a in vars(level.scattering).values() if isinstance(a, np.ndarray)]
    return own


@dataclass(slots=True)
class Piece:
    """A recorded sample of a chunk: its bounces, its colours and the load they are of.

    ``intact``: the bounce tree is still the one traced (trace's own records of the bounces
    can fold new local colours); a replay that changed it clears this.
    """

    levels: list[LevelRecord]
    colors: np.ndarray  # (3, n) colours clipped to 0..255, as the sample loop sums them
    parts: object  # the diff.LoadParts of the load the colours are of
    noted: frozenset[int]  # objects whose normals want prims (the aggregate's prim_objects)
    intact: bool = True

    @property
    def nbytes(self) -> int:
        return self.colors.nbytes + sum(level.nbytes for level in self.levels)


def _small(a: np.ndarray) -> np.ndarray:
    """Return object or prim indices as int32 (half the memory; the same values)."""
    if a.dtype == np.int32 or (a.size and int(a.max()) > np.iinfo(np.int32).max):
        return a
    return a.astype(np.int32)


class Recording:
    """Run the stages for real and keep what each bounce met (trace.py's ``bounces``)."""

    def __init__(self) -> None:
        self.levels: list[LevelRecord] = []

    def nearest(self, sa, rays: Rays, depth: int) -> Hits:
        hits = nearest(sa, rays)
        d = None if depth == 0 else rays.d
        prim = None if hits.prim is None else _small(hits.prim)
        self.levels.append(LevelRecord(hits.t, _small(hits.obj), prim, d))
        return hits

    def surface(self, sa, rays: Rays, hits: Hits, depth: int) -> Surface:
        hit = surface(sa, rays, hits)
        self.levels[depth].p, self.levels[depth].n = hit.p, hit.n
        return hit

    def shade(self, sa, rays: Rays, hit: Surface, shadows: bool, depth: int) -> np.ndarray:
        level, terms = self.levels[depth], []  # type: ignore[var-annotated]
        level.oc = surface_colors(sa, hit)
        local = shade(sa, rays, hit, level.oc, shadows, terms=terms)
        level.local = local.copy()  # the model weighs and folds ``local`` in place
        level.mat = _small(hit.mat)
        level.terms = [(kd, ks, None, trans) for kd, ks, _dark, trans in terms]  # kd, ks: dark 0
        return local

    def branched(self, depth: int, branches: list, level: Level) -> None:
        rec = self.levels[depth]
        rec.branches, rec.level = [(b.kind, b.rows) for b in branches], level
        rec.missed = None if level.missed is None else level.missed.copy()  # the fold writes it

    def piece(self, colors: np.ndarray, parts, noted) -> Piece:
        for rec in self.levels:
            if rec.level is not None:  # folded: a refold sets them again from ``rec``
                rec.level.local = rec.level.missed = None
        return Piece(self.levels, colors, parts, frozenset(noted))


class GBufferStore:
    """This process's pieces by (scene path, settings, rows, sample), at most ``limit`` bytes.

    When full, the pieces of the latest samples go first (a frame's first samples are the
    ones a re-render needs first), then the least recently used.
    """

    def __init__(self) -> None:
        self.pieces: OrderedDict[tuple, Piece] = OrderedDict()
        self.sizes: dict[tuple, int] = {}
        self.nbytes = 0
        self.limit = 0

    def set_limit(self, megabytes: int) -> None:
        self.limit = int(megabytes) << 20
        self._evict(self.limit, None)

    def get(self, key: tuple) -> Piece | None:
        piece = self.pieces.get(key)
        if piece is not None:
            self.pieces.move_to_end(key)
        return piece

    def put(self, key: tuple, piece: Piece) -> bool:
        """Keep ``piece`` if it fits (making room from later samples); return whether it does."""
        self.drop(key)
        size = piece.nbytes
        if not self._evict(self.limit - size, key[-1]):
            return False
        self.pieces[key], self.sizes[key] = piece, size
        self.nbytes += size
        return True

    def resized(self, key: tuple) -> None:
        """Count a piece's bytes again (a replay kept more of it)."""
        if key in self.pieces:
            self.nbytes -= self.sizes[key]
            self.sizes[key] = self.pieces[key].nbytes
            self.nbytes += self.sizes[key]

    def drop(self, key: tuple) -> None:
        if self.pieces.pop(key, None) is not None:
            self.nbytes -= self.sizes.pop(key)

    def _evict(self, room: int, sample: int | None) -> bool:
        """Drop pieces until at most ``room`` bytes are kept; never one of an earlier sample."""
        if self.nbytes <= room:
            return room >= 0
        order = sorted(enumerate(self.pieces), key=lambda p: (-p[1][-1], p[0]))
        for _i, key in order:
            if sample is not None and key[-1] < sample:
                break
            self.drop(key)
            if self.nbytes <= room:
                break
        return room >= 0 and self.nbytes <= room


#: This process's G-buffers (a worker's, for the rows it rendered).
store = GBufferStore()
