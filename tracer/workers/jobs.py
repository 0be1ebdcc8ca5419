"""A render job as the local service tracks it: its scene, its blocks, who holds what."""

from __future__ import annotations

import os
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import SceneError, WorkerDied
from ..kernel.render import CACHE_SIZE, rows_per_block, scene_key
from ..scene.source import SceneSource
from ..settings import RenderSettings
from . import affinity
from .events import Event, JobFinished, JobStarted, PixelPicked, RowsReady
from .protocol import (
    Adopt,
    Load,
    Loaded,
    Missing,
    Picked,
    PickPixel,
    RenderRows,
    Reply,
    Request,
    RowsRendered,
    Share,
    Shared,
    TakeScene,
)
from .shared_bytes import Snapshot

#: Seconds a load may take beyond the scene's own code (checking a million objects and
#: building their acceleration structure), before its worker counts as hung.
BUILD_ALLOWANCE = 60.0
#: Seconds a worker may take to make or receive a snapshot of a loaded scene (no scene code runs).
RECEIVE_TIMEOUT = 60.0

#: A request that renders part of a job's picture (rows) or answers it (a pick).
Work = RenderRows | PickPixel


class WorkerSlot:
    """One worker process as the service sees it: its pipe, its request, the scenes it holds."""

    def __init__(self, index: int, process: Any, conn: Any) -> None:
        self.index, self.process, self.conn = index, process, conn
        self.ready = False
        self.task: Request | None = None
        self.since = 0.0
        self.scenes: OrderedDict = OrderedDict()  # mirrors the worker's scene cache (LRU)
        self.blocks: OrderedDict = OrderedDict()  # blocks it rendered lately (G-buffers kept)

    def holds(self, key) -> bool:
        return key in self.scenes

    def used(self, key) -> None:
        self.scenes[key] = True
        self.scenes.move_to_end(key)
        while len(self.scenes) > CACHE_SIZE:
            self.scenes.popitem(last=False)


@dataclass
class Job:
    """One frame of one scene version: loaded once, then rendered block by block.

    Workers that hold the version (``version``, known before it loads) render it; a worker
    lacking it takes a snapshot, made only when one waits for it (``wanted``): the loader
    answers it along with the load, or a holder makes it when free (Share).
    """

    id: int
    source: SceneSource
    settings: RenderSettings
    coarse: int
    started: float = field(default_factory=time.perf_counter)
    loader: int | None = None  # the worker running the scene's code
    key: tuple | None = None  # set once loaded
    size: tuple[int, int] = (0, 0)
    snapshot: Snapshot | None = None  # the loaded scene, for workers lacking it (once made)
    fingerprint: str | None = None
    unshared: bool = False  # no snapshot can be made: workers lacking it load it and compare
    sharer: int | None = None  # the worker making a snapshot
    wanted: bool = False  # a worker lacking the version waits for a snapshot
    files: dict = field(default_factory=dict)
    pending: deque[Work] = field(default_factory=deque)  # requests not yet sent
    in_flight: set[Work] = field(default_factory=set)  # requests workers hold
    moves: dict = field(default_factory=dict)  # request -> times moved off a stuck worker
    ids: bool = False  # full-resolution rows come with the id buffer
    pick: tuple[int, int] | None = None  # a pick job: the pixel; no rows
    ended: bool = False  # its last event is out
    version: tuple = field(init=False)  # what its load will be keyed by

    def __post_init__(self) -> None:
        self.version = scene_key(self.source, self.settings)

    @classmethod
    def picking(
        cls, job_id: int, source: SceneSource, settings: RenderSettings, x: int, y: int
    ) -> Job:
        """Return a job that picks pixel (x, y): one request, for a worker holding the scene."""
        key = scene_key(source, settings)
        job = cls(job_id, source, settings, 0, key=key, pick=(x, y))
        job.pending.append(PickPixel(job_id, key, settings, x, y))
        return job

    def loaded(self, reply: Loaded, shared: bool) -> None:
        """Record the load and queue the blocks (a coarse preview first, if asked)."""
        width, height = reply.info.width, reply.info.height
        key = reply.key
        self.key, self.size, self.files = key, (width, height), reply.files
        self.snapshot, self.fingerprint = reply.snapshot, reply.fingerprint
        self.unshared = shared and reply.snapshot is None
        self.settings = s = self.settings.under_scene(reply.info.settings)  # as the rows render
        if self.coarse > 1 and height >= 2 * self.coarse:
            w, h = max(1, width // self.coarse), max(1, height // self.coarse)
            small = s.with_(width=w, height=h, samples=1, scale=1.0, sample_range=None)
            self.pending.append(RenderRows(self.id, key, small, 0, h, False))
        step = rows_per_block(width, s.rays_per_pixel)
        for y0 in range(0, height, step):
            self.pending.append(RenderRows(self.id, key, s, y0, min(height, y0 + step), self.ids))

    def answer(self, reply: Reply, task: Request | None) -> list[Event]:
        """Apply a worker's reply to ``task`` (not a failure); return the events it makes."""
        if isinstance(task, Share):
            self.sharer = None
        if isinstance(reply, Loaded) and self.pick is not None:
            self.loader = None  # this worker holds the scene now: the pick is its
        elif isinstance(reply, Loaded):
            self.loaded(reply, isinstance(task, Load) and task.share)
            return [JobStarted.of(self.id, reply.info, tuple(reply.files), reply.objects)]
        elif isinstance(reply, Shared):
            self.snapshot, self.unshared = reply.snapshot, reply.snapshot is None
        elif isinstance(reply, Missing) and isinstance(task, Work):
            self.pending.appendleft(task)
        elif isinstance(reply, Picked):
            self.ended = True
            return [PixelPicked(self.id, reply.pick)]
        elif isinstance(reply, RowsRendered):
            return self._rows(reply, task)
        return []

    def _rows(self, reply: RowsRendered, task: Request | None) -> list[Event]:
        width, coarse = self.size[0], False
        if isinstance(task, RenderRows):
            self.in_flight.discard(task)
            if task.settings is not self.settings:  # a block of the coarse preview
                assert task.settings.width is not None
                width, coarse = task.settings.width, True
        rows = RowsReady(
            self.id, reply.y0, reply.y1, reply.pixels, width, coarse, reply.ids, reply.path
        )
        if not self.done():
            return [rows]
        self.ended = True
        return [rows, JobFinished(self.id, time.perf_counter() - self.started)]

    def request_for(
        self,
        w: WorkerSlot,
        held: Callable[[tuple | None], bool],
        own_only: bool,
        others: Sequence[WorkerSlot] = (),
    ) -> Request | None:
        """Return what worker ``w`` should do for this job now, or None.

        ``held(key)``: some worker holds that version; ``own_only``: only work on a version
        ``w`` holds (its load from the cache, its rows, a snapshot for others); ``others``:
        every worker slot (which blocks are whose: affinity.py).
        """
        holds = w.holds(self.version)
        if own_only and not holds:
            return None
        if self.pick is not None:
            return self._pick_request(w, holds, held)
        if self.key is None:  # not loaded: the first worker asked runs its code
            if self.loader is None:
                self.loader = w.index
                return Load(self.id, self.source, self.settings, False)
            return None
        if not self.pending:
            return None
        if holds:
            if self.wanted and self.shareable() and self.sharer is None:
                self.sharer = w.index
                return Share(self.id, self.key)
            w.used(self.key)
            index = affinity.choose(self.pending, w, others or [w], self.id)
            if index is None:
                return None  # the blocks left are other workers' (affinity.py)
            affinity.rendered(w, self.pending[index])
            return self.next_work(index)
        return self.hand_over(held)

    def hand_over(self, held: Callable[[tuple | None], bool]) -> Request | None:
        """Return how a worker lacking the loaded version gets it, or None: wait for a snapshot."""
        if self.snapshot is not None:
            return TakeScene(self.id, self.version, self.snapshot)
        if self.unshared or not held(self.version):  # no snapshot to be had: load and compare
            return Adopt(self.id, self.source, self.settings, self.fingerprint)
        return None

    def shareable(self) -> bool:
        """Tell whether a holder could still make a snapshot (none made, none refused)."""
        return self.snapshot is None and not self.unshared

    def _pick_request(self, w: WorkerSlot, holds: bool, held) -> Request | None:
        if not self.pending:
            return None
        if holds:
            return self.next_work()
        if self.loader is None and not held(self.key):  # load it here first
            self.loader = w.index
            return Load(self.id, self.source, self.settings, False)
        return None

    def next_work(self, index: int = 0) -> Work:
        task = self.pending[index]
        del self.pending[index]
        self.in_flight.add(task)
        return task

    def done(self) -> bool:
        return self.key is not None and not self.pending and not self.in_flight

    def move(self, task: Request, limit: int) -> bool:
        """Take ``task`` back from a stuck worker so another one runs it; False if moved enough."""
        key = _move_key(task)
        count = self.moves.get(key, 0)
        if count >= limit:
            return False
        self.moves[key] = count + 1
        if isinstance(task, (RenderRows, PickPixel)):
            self.in_flight.discard(task)
            self.pending.appendleft(task)
        elif isinstance(task, Load):
            self.loader = None
        elif isinstance(task, Share):
            self.sharer = None
        return True  # a scene hand-over is simply sent again with the next block

    def limit(self, task: Request) -> float:
        """Seconds a worker may hold ``task`` (its own deadline fires before this)."""
        if isinstance(task, (Load, Adopt)):  # the worker stops the scene's own code itself
            return self.settings.load_timeout + BUILD_ALLOWANCE
        if isinstance(task, (TakeScene, Share)):
            return max(RECEIVE_TIMEOUT, self.settings.load_timeout)
        return self.settings.block_timeout

    def timeout_error(self, task: Request) -> Exception:
        if isinstance(task, (TakeScene, Share)):
            how = "receive" if isinstance(task, TakeScene) else "copy"
            return WorkerDied(f"a render worker took too long to {how} {self.name}")
        limit = self.settings.load_timeout
        return SceneError(
            f"the scene did not finish loading within {limit:g} s and was stopped",
            self.source.path,
        )

    @property
    def name(self) -> str:
        return os.path.basename(self.source.path)


def _move_key(task: Request) -> tuple:
    """Return what identifies a request among a job's moves (a scene source is unhashable)."""
    if isinstance(task, RenderRows):
        return (RenderRows, task.job, task.y0, task.y1)
    if isinstance(task, PickPixel):
        return (PickPixel, task.job, task.x, task.y)
    return (type(task), task.job)  # loads, hand-overs and adoptions count per job


def failure_for(job: Job, task: Request, code: int | None, stopped: bool = False) -> Exception:
    """Describe the end of a worker that held ``task`` (died, or stopped and replaced)."""
    what = "loading"
    if isinstance(task, RenderRows):
        what = f"rendering {rows_text(task.y0, task.y1)} of"
    elif isinstance(task, PickPixel):
        what = f"picking pixel ({task.x}, {task.y}) of"
    elif isinstance(task, Share):
        what = "copying"
    if stopped:
        return WorkerDied(
            f"render workers kept stopping (SIGSTOP?) while {what} {job.name}; they were replaced"
        )
    how = f"exit code {code}" if code is not None and code >= 0 else f"signal {-(code or 0)}"
    if isinstance(task, (Load, Adopt)):
        return SceneError(
            f"the scene ended its worker process while loading ({how})", job.source.path
        )
    return WorkerDied(f"a render worker died ({how}) while {what} {job.name}; it was replaced")


def rows_text(y0: int, y1: int) -> str:
    return f"row {y0}" if y1 - y0 == 1 else f"rows {y0}-{y1 - 1}"
