"""Snapshots handed between local processes through shared memory instead of the pipes.

A snapshot of a big mesh is tens of MB. Through the pipes it is copied from the loading worker
to the service and on to the worker lacking it, while the loader renders alone (measured
0.2-0.4 s between a 124k-triangle load's end and the second worker's start, on a busy
machine). In shared memory (a file in ``/dev/shm``, Linux's memory file system) the loader
writes it once and the taker maps it; the pipes carry its name. The service owns every block:
it frees a job's block when the job ends (and at close, every job's); a service starting frees
the blocks of services whose process is gone (killed, say). No helper process is involved (the
multiprocessing resource tracker would outlive the command by a moment). Where there is no
``/dev/shm`` the pipes serve.
"""

from __future__ import annotations

import contextlib
import itertools
import mmap
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

#: Snapshots smaller than this go through the pipes (a block costs a few system calls).
MIN_SIZE = 1 << 20
#: Linux's memory file system (a snapshot takes at most half of its free space: the rest
#: is the machine's memory).
SHM_FOLDER = Path("/dev/shm")
#: Blocks are named puray-<service pid>-<worker pid>-<count>.
PREFIX = "puray-"
_count = itertools.count()
_READ = getattr(mmap, "PROT_READ", 1)


class SharedBytes(NamedTuple):
    """Bytes in a shared-memory block, named for another process to read."""

    name: str
    size: int


Snapshot = bytes | SharedBytes


def share(data: bytes) -> Snapshot:
    """Return ``data`` in a new block (in a worker: named for its service), or ``data``."""
    if len(data) < MIN_SIZE or not _room_for(len(data)):
        return data
    name = f"{PREFIX}{os.getppid()}-{os.getpid()}-{next(_count)}"
    try:
        with open(SHM_FOLDER / name, "xb") as f:
            f.write(data)
    except OSError:
        release(SharedBytes(name, 0))
        return data
    return SharedBytes(name, len(data))


def read(data: Snapshot) -> bytes:
    """Return the bytes of a snapshot, from its block if it is in one."""
    with opened(data) as view:
        return bytes(view)


@contextlib.contextmanager
def opened(data: Snapshot) -> Iterator[bytes | memoryview]:
    """Yield a snapshot's bytes: a view of its block (no copy) while the block is mapped."""
    if not isinstance(data, SharedBytes):
        yield data
        return
    with open(SHM_FOLDER / data.name, "rb") as f, mmap.mmap(f.fileno(), 0, prot=_READ) as m:
        view = memoryview(m)[: data.size]
        try:
            yield view
        finally:
            view.release()  # raises if something still holds the view: the map stays


def release(data: Snapshot | None) -> None:
    """Free a snapshot's block (nothing for bytes, or a block already gone)."""
    if isinstance(data, SharedBytes):
        with contextlib.suppress(OSError):
            (SHM_FOLDER / data.name).unlink()


def release_orphans(service: int | None = None) -> None:
    """Free the blocks of services whose process has ended (of ``service`` only, if given).

    A service starting frees every dead service's; a worker's reaper frees its own service's
    the moment the worker ends with it (the command killed: nothing lingers until the next).
    """
    with contextlib.suppress(OSError):
        for path in SHM_FOLDER.glob(f"{PREFIX}{service or '*'}-*-*"):
            pid = path.name[len(PREFIX) :].split("-")[0]
            if pid.isdigit() and not _alive(int(pid)):
                with contextlib.suppress(OSError):
                    path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    try:  # a killed process not yet reaped by its parent: ended
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _room_for(size: int) -> bool:
    try:
        stats = os.statvfs(SHM_FOLDER)
    except OSError:
        return False  # no /dev/shm: the pipes serve
    return stats.f_bavail * stats.f_frsize >= 2 * size
