"""A render job as the local service tracks it: its scene, its blocks, who holds what."""

from __future__ import annotations

import os
import time
from collections import deque
from dataclasses import dataclass, field

from ..errors import SceneError, WorkerDied
from ..kernel.render import rows_per_block, scene_key
from ..scene.source import SceneSource
from ..settings import RenderSettings

#: Seconds a load may take beyond the scene's own code (checking a million objects and
#: building their acceleration structure), before its worker counts as hung.
BUILD_ALLOWANCE = 60.0
#: Seconds a worker may take to receive a scene another worker loaded (no scene code runs).
RECEIVE_TIMEOUT = 60.0


@dataclass
class Job:
    """One frame of one scene version: loaded once, then rendered block by block."""

    id: int
    source: SceneSource
    settings: RenderSettings
    coarse: int
    started: float = field(default_factory=time.perf_counter)
    loader: int | None = None  # the worker running the scene's code
    key: tuple | None = None  # set once loaded
    size: tuple[int, int] = (0, 0)
    snapshot: bytes | None = None
    fingerprint: str | None = None
    files: dict = field(default_factory=dict)
    pending: deque = field(default_factory=deque)  # rows requests not yet sent
    in_flight: set = field(default_factory=set)  # rows requests workers hold
    moves: dict = field(default_factory=dict)  # request -> times moved off a stuck worker
    ids: bool = False  # full-resolution rows come with the id buffer
    pick: tuple[int, int] | None = None  # a pick job: the pixel; no rows

    @classmethod
    def picking(
        cls, job_id: int, source: SceneSource, settings: RenderSettings, x: int, y: int
    ) -> Job:
        """Return a job that picks pixel (x, y): one request, for a worker holding the scene."""
        key = scene_key(source, settings)
        job = cls(job_id, source, settings, 0, key=key, pick=(x, y))
        job.pending.append(("pick", job_id, key, settings, x, y))
        return job

    def loaded(self, key, size, snapshot, fingerprint, files) -> None:
        """Record the load and queue the blocks (a coarse preview first, if asked)."""
        width, height = size[:2]
        self.key, self.size = key, (width, height)
        self.snapshot, self.fingerprint, self.files = snapshot, fingerprint, files
        s = self.settings
        if self.coarse > 1 and height >= 2 * self.coarse:
            w, h = max(1, width // self.coarse), max(1, height // self.coarse)
            small = s.with_(width=w, height=h, samples=1, scale=1.0)
            self.pending.append(("rows", self.id, key, small, 0, small.height, False))
        step = rows_per_block(width, s.samples)
        for y0 in range(0, height, step):
            self.pending.append(("rows", self.id, key, s, y0, min(height, y0 + step), self.ids))

    def next_rows(self) -> tuple:
        task = self.pending.popleft()
        self.in_flight.add(task)
        return task

    def done(self) -> bool:
        return self.key is not None and not self.pending and not self.in_flight

    def move(self, task: tuple, limit: int) -> bool:
        """Take ``task`` back from a stuck worker so another one runs it; False if moved enough."""
        key = _move_key(task)
        count = self.moves.get(key, 0)
        if count >= limit:
            return False
        self.moves[key] = count + 1
        if task[0] in ("rows", "pick"):
            self.in_flight.discard(task)
            self.pending.appendleft(task)
        elif task[0] == "load":
            self.loader = None
        return True  # a scene hand-over is simply sent again with the next block

    def limit(self, task: tuple) -> float:
        """Seconds a worker may hold ``task`` (its own deadline fires before this)."""
        if task[0] in ("load", "adopt"):  # the worker stops the scene's own code itself
            return self.settings.load_timeout + BUILD_ALLOWANCE
        if task[0] == "scene":
            return max(RECEIVE_TIMEOUT, self.settings.load_timeout)
        return self.settings.block_timeout

    def timeout_error(self, task: tuple) -> Exception:
        if task[0] == "scene":
            return WorkerDied(f"a render worker took too long to receive {self.name}")
        limit = self.settings.load_timeout
        return SceneError(
            f"the scene did not finish loading within {limit:g} s and was stopped",
            self.source.path,
        )

    @property
    def name(self) -> str:
        return os.path.basename(self.source.path)


def _move_key(task: tuple) -> tuple:
    """Return what identifies a request among a job's moves (a scene source is unhashable)."""
    return (task[0], task[1], *task[4:6])  # rows: y0, y1; pick: x, y; load, adopt: a flag


def failure_for(job: Job, task: tuple, code: int | None, stopped: bool = False) -> Exception:
    """Describe the end of a worker that held ``task`` (died, or stopped and replaced)."""
    what = "loading"
    if task[0] == "rows":
        what = f"rendering {rows_text(task[4], task[5])} of"
    elif task[0] == "pick":
        what = f"picking pixel ({task[4]}, {task[5]}) of"
    if stopped:
        return WorkerDied(
            f"render workers kept stopping (SIGSTOP?) while {what} {job.name}; they were replaced"
        )
    how = f"exit code {code}" if code is not None and code >= 0 else f"signal {-(code or 0)}"
    if task[0] in ("load", "adopt"):
        return SceneError(
            f"the scene ended its worker process while loading ({how})", job.source.path
        )
    return WorkerDied(f"a render worker died ({how}) while {what} {job.name}; it was replaced")


def rows_text(y0: int, y1: int) -> str:
    return f"row {y0}" if y1 - y0 == 1 else f"rows {y0}-{y1 - 1}"
