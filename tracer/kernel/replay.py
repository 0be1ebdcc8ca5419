"""Replay a piece's bounces for some of its rays: trace's loop with what was kept looked up.

A :class:`Replay` is trace()'s ``bounces`` for a re-shade that follows rays (reshade.py):
each bounce's nearest hits and surfaces come from the G-buffer (gbuffer.py); the local
colours of hits whose material did not change are the ones kept, those of changed materials
are shaded again by Phong's equation with the terms kept (phong.py's ``known``); after an
edit of lights every hit is shaded again, its shadow rays traced. A child the G-buffer has
no hit for, or one that goes another way now, raises :class:`Miss`: the sample is traced.
"""

from __future__ import annotations

import numpy as np

from ..shading.model import step_at
from .gbuffer import LevelRecord, Piece
from .records import Hits, Level, Rays, Surface, take
from .stages import shade, surface_colors


class Miss(Exception):
    """The replay needs what the G-buffer does not hold: trace the sample instead."""


class Replay:
    """Give trace() a piece's hits, surfaces and shading for its rays ``ids`` (trace's bounces).

    ``changed``: per material id whether the edit changed it (None: all count as changed);
    ``relight``: lights changed, every hit is shaded again with new shadow rays.
    """

    def __init__(self, piece: Piece, ids, changed: np.ndarray | None, relight: bool, fresh=None):
        self.piece, self.changed, self.relight, self.fresh = piece, changed, relight, fresh
        self.ids = ids  # the bundle's ray ids in the recorded bounce
        self.rows = ids[:0]  # the bundle's hits, as hit rows of the recorded bounce
        self.moved = np.zeros(0, dtype=bool)  # per hit of the bundle: its material changed
        #: bounce -> (hit rows, local colours, terms or None, surface colours)
        self.shaded: dict[int, tuple] = {}

    def level(self, depth: int) -> LevelRecord:
        if depth >= len(self.piece.levels):
            raise Miss
        return self.piece.levels[depth]

    def nearest(self, sa, rays: Rays, depth: int) -> Hits:
        rec, ids = self.level(depth), self.ids
        obj = rec.obj[ids].astype(np.intp)
        prim = None if rec.prim is None else rec.prim[ids].astype(np.intp)
        self.rows = rec.hit_rows()[ids[obj >= 0]]
        return Hits(rec.t[ids], obj, prim)

    def surface(self, sa, rays: Rays, hits: Hits, depth: int) -> Surface:
        return self.level(depth).surface(hits, self.rows, sa)

    def shade(self, sa, rays: Rays, hit: Surface, shadows: bool, depth: int) -> np.ndarray:
        rec, rows = self.level(depth), self.rows
        self.moved = np.ones(rows.size, bool) if self.changed is None else self.changed[hit.mat]
        if self.relight:
            terms: list = []
            colors = surface_colors(sa, hit)
            known = self.kept(rec, rows, len(sa.lights))
            local = shade(sa, rays, hit, colors, shadows, terms=terms, known=known)
            self.shaded[depth] = (rows, local.copy(), terms, colors)
            return local
        redo = self.moved if rec.stale is None else self.moved | rec.stale[rows]
        assert rec.local is not None
        local = np.take(rec.local, rows, axis=1)
        k = np.flatnonzero(redo)
        if k.size:
            if rec.unlit is not None and rec.unlit[rows[k]].any():
                raise Miss  # kept terms of lights that changed since
            step = step_at(hit.step, k)
            sub = Surface(hit.hits.take(k), take(hit.p, k), take(hit.n, k), hit.mat[k], step)
            colors = surface_colors(sa, sub)
            new = shade(sa, rays, sub, colors, shadows, known=rec.known(rows[k]))
            put(local, k, new)
            self.shaded[depth] = (rows[k], new, None, colors)
        return local

    def kept(self, rec: LevelRecord, rows: np.ndarray, lights: int) -> list:
        """Return per light its kept terms at hit ``rows``, None where they must be made."""
        fresh = self.fresh
        if fresh is None or (rec.unlit is not None and rec.unlit[rows].any()):
            return [None] * lights
        kept = rec.known(rows)
        return [kept[i] if i < len(kept) and i not in fresh else None for i in range(lights)]

    def branched(self, depth: int, branches: list, level: Level) -> None:
        rec, parts = self.level(depth), []
        for b in branches:
            ids = rec.child_ids(b.kind, self.rows[b.rows])
            if ids is None or (ids < 0).any():
                raise Miss  # a child the recorded render did not have
            moved = np.flatnonzero(self.moved[b.rows])  # children of changed materials
            if moved.size:
                d = self.level(depth + 1).d
                same = d is not None and all(
                    np.array_equal(b.d[a][moved], d[a][ids[moved]]) for a in range(3)
                )
                if not same:
                    raise Miss  # the child goes another way now
            parts.append(ids)
        self.ids = np.concatenate(parts) if parts else self.ids[:0]

    def commit(self, changed_hits: list) -> None:
        """Keep what the replay shaded; mark what it did not reach as of an older load.

        ``changed_hits``: per bounce, the hits whose material changed (None: all of them).
        """
        for depth, rec in enumerate(self.piece.levels):
            none = (np.empty(0, np.intp), None, None, None)
            rows, local, terms, colors = self.shaded.get(depth, none)
            if local is not None and rec.local is not None and rec.oc is not None:
                put(rec.local, rows, local)
                put(rec.oc, rows, colors)
            old = np.zeros(rec.hits, bool) if rec.stale is None else rec.stale
            every = self.relight or changed_hits[depth] is None  # new lights: every hit
            stale = old | (True if every else changed_hits[depth])
            if self.relight:
                rec.terms, lit = _terms(rec.hits, rows, terms or [])
                rec.unlit = None if lit.all() else ~lit
            stale[rows] = False
            rec.stale = stale if stale.any() else None


def put(out: np.ndarray, columns: np.ndarray, values: np.ndarray) -> None:
    """Set ``out[:, columns] = values`` row by row (numpy's 2-D fancy path is much slower)."""
    for row, value in zip(out, values, strict=True):
        row[columns] = value


def _terms(hits: int, rows: np.ndarray, terms: list) -> tuple[list, np.ndarray]:
    """Return every light's terms at a bounce's hits, from those at ``rows``, and which are."""
    out = []
    for kd, ks, _dark, trans in terms:
        full_kd, full_ks = np.zeros(hits), np.zeros(hits)
        full_kd[rows], full_ks[rows] = kd, ks
        full_trans = None
        if trans is not None:
            full_trans = np.ones((3, hits))
            full_trans[:, rows] = trans
        out.append((full_kd, full_ks, None, full_trans))
    lit = np.zeros(hits, bool)
    lit[rows] = True
    return out, lit
