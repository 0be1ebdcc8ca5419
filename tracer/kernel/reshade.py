"""Re-shade a sample from its G-buffer instead of tracing it: the same bits, far fewer steps.

Each worker keeps its samples' G-buffers (gbuffer.py); when the scene's next version differs
from the one a sample was made of only in materials or lights (diff.py), the sample is
brought up to date in one of three ways, each running trace's own stages on what was kept:

- **refold**: materials changed but every hit spawns the children it spawned (no changed
  material starts or stops reflecting; the reflectance model's parameters are the same).
  The hits of changed materials are shaded again by Phong's equation with the terms kept
  (phong.py's ``known``); trace's own records of the bounces weigh and fold the local
  colours, deepest first (:func:`refold`): no ray is followed again.
- **replay** (replay.py): the pixels whose bounce tree meets a changed material
  (:func:`affected`) are run through trace() again with every bounce's hits and surfaces
  looked up; the others keep their colours. After an edit of lights every pixel that hits
  something is replayed with its shadow rays traced again ("re-lit").
- **trace**: the view changed, or the replay needs a child the G-buffer has no hit for (a
  material now reflects where it did not) or one that goes another way now (a clear
  material of another index): the sample is traced afresh and kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .diff import Change, compare
from .gbuffer import GBufferStore, LevelRecord, Piece, Recording
from .records import Hits, Level, Rays, Surface, take
from .replay import Miss, Replay, put
from .stages import background, fold, shade, surface_colors
from .trace import trace


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


def affected(piece: Piece, kernel, changed: np.ndarray | None) -> tuple[np.ndarray, list]:
    """Return the rays of a piece whose bounce tree meets a changed material (None: any).

    Also returns per bounce the mask of hits whose material changed (None: all did).
    """
    below: np.ndarray | None = None  # per ray of the next bounce: its tree meets a change
    masks: list = []
    for rec in reversed(piece.levels):
        rows = np.flatnonzero(rec.obj >= 0)
        if changed is None:
            bad, mask = np.ones(rows.size, dtype=bool), None
        else:
            bad = changed[rec.mat] if rec.mat is not None else np.zeros(rows.size, bool)
            mask = bad.copy()
        masks.append(mask)
        if below is not None and below.any():
            bad[rec.parents()[below]] = True
        below = np.zeros(rec.obj.size, dtype=bool)
        below[rows] = bad
    masks.reverse()
    return (np.flatnonzero(below) if below is not None else np.empty(0, np.intp)), masks


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
    kernel.aggregate.prim_objects.update(piece.noted)  # type: ignore[attr-defined]
    soft = sample.shadows and kernel.soft  # type: ignore[attr-defined]
    if change.nothing:
        pass
    elif change.same_tree and piece.intact and (change.path == "re-shaded" or not soft):
        refold(piece, change, sample)
    else:
        relight = change.path == "re-lit"
        rows, changed_hits = affected(piece, kernel, change.changed)
        if relight:
            rows = np.flatnonzero(piece.levels[0].obj >= 0)
        replay = Replay(piece, rows, change.changed, relight, change.fresh)
        if rows.size:
            light = None if sample.light is None else sample.light.take(rows, 0)  # type: ignore[attr-defined]
            o, d = sample.primary(rows)
            colors = _traced(sample, o, d, None, light, replay)
            put(piece.colors, rows, colors)
        replay.commit(changed_hits)
        piece.intact &= relight and change.changed is not None and change.same_tree
    if sample.ids is not None:
        sample.ids[:] = piece.levels[0].obj
    return piece.colors


def refold(piece: Piece, change: Change, sample: Sample) -> None:
    """Shade the hits an edit changed again and fold every bounce as trace() does.

    The bounce tree stands (no changed material starts or stops reflecting, the model's
    parameters are the same), so trace's own records of the bounces (their scattering)
    weigh and fold the new local colours: a fold of whole bounces, no ray followed again.
    After an edit of materials only the hits of changed materials are shaded again, by the
    lights' terms kept; after an edit of lights every hit is, with fresh terms (and shadow
    rays) toward the lights that moved or are new.
    """
    levels = [_refolded(rec, change, sample) for rec in piece.levels]
    colors = fold(levels)
    colors *= 255
    np.clip(colors, 0, 255, out=colors)
    piece.colors = colors
    for level in levels:
        level.local = level.missed = None


def _refolded(rec: LevelRecord, change: Change, sample: Sample) -> Level:
    """Return trace's record of a bounce with its hits' new local colours, weighed."""
    level = rec.level
    if level is None:  # no hits at this bounce: what its rays see stays
        return _missed(rec, sample)
    mat, relit = rec.mat, change.path == "re-lit"
    assert mat is not None
    assert rec.local is not None
    if rec.unlit is not None:
        raise Miss  # terms of older lights at hits a replay did not reach
    if relit or change.changed is None:
        k = np.arange(mat.size)
    else:
        redo = change.changed[mat]
        k = np.flatnonzero(redo if rec.stale is None else redo | rec.stale)
    if k.size:
        new, terms = _shade_again(rec, level, k, change, sample)
        put(rec.local, k, new)
        rec.stale = None
        if relit:
            rec.terms = [(kd, ks, None, trans) for kd, ks, _dark, trans in terms]
    level.local = rec.local.copy()
    level.missed = None if rec.missed is None else rec.missed.copy()  # the fold writes it
    level.scattering.weigh(level.local, sample.kernel.reflection[mat])  # type: ignore[union-attr, attr-defined]
    return level


def _shade_again(rec: LevelRecord, level: Level, k: np.ndarray, change: Change, sample: Sample):
    """Return the local colours of hits ``k`` of a bounce, and each light's terms there."""
    sa = sample.kernel
    every = k.size == rec.hits  # every hit: the arrays kept as they are, no copies
    kept = rec.known(None if every else k)
    fresh = change.fresh
    known = [
        kept[i] if fresh is not None and i < len(kept) and i not in fresh else None
        for i in range(len(sa.lights))  # type: ignore[attr-defined]
    ]
    rows = np.flatnonzero(rec.obj >= 0)
    assert level.scattering is not None
    p, n = rec.p, level.scattering.normals(rec.n)  # the normals trace shaded with
    if not every:
        p, n, rows = take(p, k), take(n, k), rows[k]
    t, mat = rec.t[rows], rec.mat if every else rec.mat[k]  # type: ignore[index]
    hit = Surface(Hits(t, rec.obj[rows], None), p, n, mat, sa.offset(p, t))  # type: ignore[arg-type, attr-defined]
    terms: list = []
    colors = _colors(rec, k, hit, change.changed, sa)
    new = shade(sa, Rays(p, n), hit, colors, sample.shadows, terms=terms, known=known)  # type: ignore[arg-type]
    return new, terms


def _colors(rec: LevelRecord, k: np.ndarray, hit: Surface, changed, sa) -> np.ndarray:
    """Return the surface colours at hits ``k``: kept where their material did not change."""
    assert rec.oc is not None
    if changed is None:
        redo = np.arange(k.size)
    else:
        redo = np.flatnonzero(
            changed[hit.mat] if rec.stale is None else changed[hit.mat] | rec.stale[k]
        )
    if redo.size == 0:
        return rec.oc if k.size == rec.hits else np.take(rec.oc, k, axis=1)
    part = Surface(hit.hits, take(hit.p, redo), hit.n, hit.mat[redo], 0.0)
    colors = surface_colors(sa, part)
    put(rec.oc, k[redo], colors)
    return np.take(rec.oc, k, axis=1)


def _missed(rec: LevelRecord, sample: Sample) -> Level:
    """Return trace's record of a bounce whose rays all missed: they see the background."""
    count = rec.obj.size
    none = np.empty(0, dtype=np.intp)
    d = sample.primary(None)[1] if rec.d is None else rec.d
    hits = Hits(rec.t, rec.obj.astype(np.intp), None)
    return Level(count, none, background(sample.background, Rays((0.0, 0.0, 0.0), d), hits, none))
