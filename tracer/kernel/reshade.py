"""Re-shade a sample from its G-buffer: trace.py's own stages, with the hits looked up.

After an edit of materials only, a pixel's colour can change only if its bounce tree (its
hits, and its reflected and refracted children's hits, in the G-buffer) meets a material
that changed: those pixels (:func:`affected`) are replayed, the others keep their colours.
A replay (:class:`Replay`) runs trace() on the affected rays exactly as a full render does
(surfaces, normals, scattering, colours, Phong, the children, the fold), but takes every
bounce's nearest hits and the shadow rays' answers from the G-buffer: the same inputs in the
same order give the same bits. After an edit of lights every pixel that hits something is
replayed with its shadow rays traced again. Where the tree itself changes (a material now
reflects where it did not, a clear material of another index bends rays elsewhere) the
replay finds a child it has no hit for, or one going another way, and the sample is traced
afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .diff import Change, compare
from .gbuffer import GBufferStore, LevelRecord, Piece, Recording
from .records import Hits, Rays
from .stages import ShadowRays
from .trace import trace


class Miss(Exception):
    """The replay needs a ray the G-buffer does not hold: trace the sample instead."""


@dataclass
class Sample:
    """One sample of a chunk of pixels, as the sample loop (pixels.py) would trace it.

    ``primary(rows)``: the camera rays of pixels ``rows`` of the chunk (None: all of them).
    """

    kernel: object
    max_depth: int
    shadows: bool
    background: object
    primary: Callable[[np.ndarray | None], tuple]
    light: object  # LightSamples of the chunk's pixels, or None
    ids: np.ndarray | None  # receives the first hits' objects


class Replay:
    """Give trace() the G-buffer's hits and shadows for the rays ``rows`` of a piece."""

    def __init__(self, piece: Piece, rows: np.ndarray, relight: bool, check: bool) -> None:
        self.piece, self.relight, self.check = piece, relight, check
        self.ids = rows  # the current bundle's ray ids in the recorded bounce
        self.rows = rows[:0]  # the current bundle's hits, as hit rows of the recorded bounce
        self.shadows: dict[int, list] = {}  # relit: bounce -> per light (rows, answer) parts

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

    def lights(self, sa, rays: Rays, hit, depth: int):
        rows = self.rows
        if self.relight:
            real = ShadowRays(sa, rays, hit)
            parts = self.shadows.setdefault(depth, [])

            def traced(light: int, L, dist):
                answer = real(light, L, dist)
                parts.append((light, rows, answer))
                return answer

            return traced
        rec = self.level(depth)
        if rec.shadows is None or (rec.fresh is not None and not rec.fresh[rows].all()):
            raise Miss

        def kept(light: int, L, dist):
            dark, trans = rec.shadows[light]  # type: ignore[index]
            return dark[rows], None if trans is None else trans[:, rows]

        return kept

    def branched(self, depth: int, branches: list) -> None:
        rec, parts = self.level(depth), []
        for b in branches:
            ids = rec.child_ids(b.kind, self.rows[b.rows])
            if ids is None or (ids < 0).any():
                raise Miss  # a child the recorded render did not have
            parts.append(ids)
            if self.check:
                d = self.level(depth + 1).d
                if d is None or not all(np.array_equal(b.d[a], d[a][ids]) for a in range(3)):
                    raise Miss  # the child goes another way now
        self.ids = np.concatenate(parts) if parts else self.ids[:0]

    def commit(self) -> None:
        """Keep the shadow answers a relit replay traced (the other hits' are stale now)."""
        for depth, parts in self.shadows.items():
            rec = self.piece.levels[depth]
            hits = int((rec.obj >= 0).sum())
            fresh = np.zeros(hits, dtype=bool)
            lights: dict[int, tuple] = {}
            for light, rows, (dark, trans) in parts:
                fresh[rows] = True
                lights.setdefault(light, (np.zeros(hits, dtype=bool), None))
                full, through = lights[light]
                full[rows] = dark
                if trans is not None:
                    through = np.ones((3, hits)) if through is None else through
                    through[:, rows] = trans
                lights[light] = (full, through)
            rec.shadows = [lights[k] for k in sorted(lights)]
            rec.fresh = None if fresh.all() else fresh
        for rec in self.piece.levels[len(self.shadows) :] if self.shadows else ():
            rec.shadows = None  # bounces the replay did not reach: not lit by these lights


def affected(piece: Piece, kernel, changed: np.ndarray | None) -> np.ndarray:
    """Return the rays of a piece whose bounce tree meets a changed material (None: any)."""
    below: np.ndarray | None = None  # per ray of the next bounce: its tree meets a change
    for rec in reversed(piece.levels):
        hit = rec.obj >= 0
        rows = np.flatnonzero(hit)
        if changed is None:
            bad = np.ones(rows.size, dtype=bool)
        else:
            prim = None if rec.prim is None else rec.prim[rows].astype(np.intp)
            bad = changed[kernel.material_of(rec.obj[rows].astype(np.intp), prim)]
        if below is not None and below.any():
            bad[rec.parents()[below]] = True
        below = np.zeros(rec.obj.size, dtype=bool)
        below[rows] = bad
    return np.flatnonzero(below) if below is not None else np.empty(0, dtype=np.intp)


def sample_colors(store: GBufferStore, key: tuple, parts, sample: Sample) -> tuple[np.ndarray, str]:
    """Return a sample's clipped (3, n) colours and how they were made.

    "re-shaded" or "re-lit" from the piece ``key`` of ``store`` when the load it was made
    from differs from ``parts`` (diff.LoadParts) only so far; else "traced" (and recorded).
    """
    piece = store.get(key) if parts is not None else None
    if piece is not None:
        change = compare(piece.parts, parts, sample.shadows)  # type: ignore[arg-type]
        if change.path != "traced":
            try:
                colors = _replayed(piece, change, sample)
            except Miss:
                pass
            else:
                piece.parts = parts
                store.resized(key)
                return colors, change.path
        store.drop(key)
    recording = Recording()
    o, d = sample.primary(None)
    colors = _traced(sample, o, d, sample.ids, sample.light, recording)
    if parts is not None:
        noted = sample.kernel.aggregate.prim_objects  # type: ignore[attr-defined]
        store.put(key, recording.piece(colors, parts, noted))
    return colors, "traced"


def _traced(sample: Sample, o, d, ids, light, bounces) -> np.ndarray:
    c = trace(
        sample.kernel,  # type: ignore[arg-type]
        o,
        d,
        sample.max_depth,
        sample.shadows,
        sample.background,
        ids,
        light,
        bounces=bounces,
    )
    c *= 255
    np.clip(c, 0, 255, out=c)
    return c


def _replayed(piece: Piece, change: Change, sample: Sample) -> np.ndarray:
    """Return the piece's colours brought up to the new load (raise Miss if it cannot be)."""
    kernel = sample.kernel
    if not change.nothing:
        kernel.aggregate.prim_objects.update(piece.noted)  # type: ignore[attr-defined]
        relight = change.path == "re-lit"
        rows = affected(piece, kernel, None if relight else change.changed)
        if rows.size:
            check = change.changed is None or bool(change.changed.any())
            replay = Replay(piece, rows, relight, check)
            light = None if sample.light is None else sample.light.take(rows, 0)  # type: ignore[attr-defined]
            o, d = sample.primary(rows)
            colors = _traced(sample, o, d, None, light, replay)
            if relight:
                replay.commit()
            piece.colors[:, rows] = colors
    if sample.ids is not None:
        sample.ids[:] = piece.levels[0].obj
    return piece.colors
