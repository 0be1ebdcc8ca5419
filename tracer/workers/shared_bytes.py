"""Snapshots handed between local processes in shared memory instead of through the pipes.

A snapshot of a big mesh is tens of MB. Through the pipes it is copied from the loading worker
to the service and on to the worker lacking it, while the loader renders alone (measured
0.2-0.4 s between a 124k-triangle load's end and the second worker's start, on a busy
machine). In shared memory the loader writes it once and the taker reads it once; the pipes
carry its name. The service owns every block: it releases a job's block when the job ends, and
multiprocessing's resource tracker (started before the workers, shared with them) unlinks any
left when the service's process ends, however it ends.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from multiprocessing import resource_tracker
from multiprocessing.shared_memory import SharedMemory
from typing import NamedTuple

#: Snapshots smaller than this go through the pipes (a block costs a few system calls).
MIN_SIZE = 1 << 20
#: Where POSIX shared memory lives on Linux (a block past its free space would crash the
#: writer with SIGBUS, so a snapshot takes at most half of what is free).
SHM_FOLDER = "/dev/shm"


class SharedBytes(NamedTuple):
    """Bytes in a shared-memory block, named for another process to read."""

    name: str
    size: int


Snapshot = bytes | SharedBytes


def start_tracker() -> None:
    """Start the resource tracker so that worker processes forked later share it."""
    with contextlib.suppress(Exception):  # no tracker (odd platforms): blocks still work
        resource_tracker.ensure_running()


def share(data: bytes) -> Snapshot:
    """Return ``data`` in a new shared-memory block, or itself where a block cannot be had."""
    if len(data) < MIN_SIZE or not _room_for(len(data)):
        return data
    try:
        block = SharedMemory(create=True, size=len(data))
    except (OSError, ValueError):
        return data
    try:
        _view(block)[: len(data)] = data
    finally:
        block.close()
    return SharedBytes(block.name, len(data))


def read(data: Snapshot) -> bytes:
    """Return the bytes of a snapshot, from its block if it is in one."""
    with opened(data) as view:
        return bytes(view)


@contextlib.contextmanager
def opened(data: Snapshot) -> Iterator[bytes | memoryview]:
    """Yield a snapshot's bytes: a view of its block (no copy) while the block is open."""
    if not isinstance(data, SharedBytes):
        yield data
        return
    block = SharedMemory(name=data.name)
    view = _view(block)[: data.size]
    try:
        yield view
    finally:
        view.release()  # raises if something still holds the view: the block stays mapped
        block.close()


def release(data: Snapshot | None) -> None:
    """Free a snapshot's block (nothing for bytes, or a block already gone)."""
    if not isinstance(data, SharedBytes):
        return
    with contextlib.suppress(OSError):
        block = SharedMemory(name=data.name)
        block.close()
        block.unlink()


def _view(block: SharedMemory) -> memoryview:
    view = block.buf
    if view is None:  # typeshed allows it; an open block always has its view
        raise OSError(f"shared memory block {block.name} is closed")
    return view


def _room_for(size: int) -> bool:
    try:
        stats = os.statvfs(SHM_FOLDER)
    except OSError:
        return False  # not Linux-like: the pipes serve
    return stats.f_bavail * stats.f_frsize >= 2 * size
