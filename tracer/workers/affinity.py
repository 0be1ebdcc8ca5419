"""Which pending block a worker renders next: one it rendered lately, if any.

A worker keeps what its blocks' rays hit (tracer/kernel/rerender.py) and re-shades those
blocks after an edit of materials or lights in a fraction of a trace: a block is best
rendered again where it was. A worker takes the blocks in order but for those another
worker rendered last time and will soon come to (it renders this job, or is idle); it
takes those too when their worker is busy elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: Blocks a worker slot remembers having rendered (a 4K frame has ~250).
MAX_BLOCKS = 1024


def block_of(task: Any) -> tuple:
    """Return what names a block's rows across versions of a scene (its G-buffers' key)."""
    s = getattr(task, "settings", None)
    if s is None or not hasattr(task, "y0"):
        return ()
    return (s.width, s.height, s.scale, s.camera, s.frame, task.y0, task.y1)


def choose(pending: Sequence, w: Any, others: Sequence, job: int) -> int | None:
    """Return the index in ``pending`` of the block worker ``w`` renders next (None: none).

    ``others``: every worker slot (``w`` among them); ``job``: the id of the job.
    """
    coming = [v for v in others if v is not w and v.ready and _on(v, job)]
    for i, task in enumerate(pending):  # in order: a coarse preview comes first
        block = block_of(task)
        if block in w.blocks or not any(block in v.blocks for v in coming):
            return i
    return None  # every block left is another worker's, and it is on its way to them


def rendered(w: Any, task: Any) -> None:
    """Remember that worker ``w`` renders ``task`` (and so keeps its G-buffers)."""
    key = block_of(task)
    w.blocks[key] = True
    w.blocks.move_to_end(key)
    while len(w.blocks) > MAX_BLOCKS:
        w.blocks.popitem(last=False)


def _on(v: Any, job: int) -> bool:
    """Tell whether worker ``v`` is idle or busy with job ``job`` (it comes to its blocks)."""
    return v.task is None or getattr(v.task, "job", None) == job
