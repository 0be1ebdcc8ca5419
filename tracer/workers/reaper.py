"""Processes that scene code starts end with their worker (Linux): its group and its mark.

A scene may start programs (``subprocess.Popen(["sleep", "100"])``); they are the worker's
children, and would outlive it (and the command) as orphans. So a worker leads a process group
of its own, which such programs join, and forks a reaper: a tiny process in that group that
waits for the worker to end (killed: replaced, or with the command, which kills its workers)
and then kills the whole group, itself last. A worker told to stop ends the group itself
(:func:`end_group`) and reaps what it killed, so nothing is left once the command has exited.

A program may leave the group: ``start_new_session=True``, ``setsid``, a daemon's double fork.
So the worker also marks its environment (:data:`MARK`, a value of its own), which every
program it starts inherits, and their programs in turn; the worker and the reaper end every
process that carries the mark as well. Only a program started with an environment that
leaves the mark out (``env={}``) in a session of its own escapes.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time

from .shared_bytes import release_orphans

#: prctl option: the signal this process gets when its parent ends.
PR_SET_PDEATHSIG = 1
#: The environment variable that marks every program a worker's scene starts.
MARK = "PURAY_WORKER"
#: Rounds of killing: a program being started while its parent is killed shows up late.
ROUNDS = 5


def lead_group_with_reaper() -> None:
    """Make this worker a process group of its own, with a reaper (Linux; elsewhere nothing).

    Call it first thing, before the worker starts any thread.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        os.setpgid(0, 0)
    except OSError:
        return  # leading a session already (setsid): its group is ours anyway
    # A group that is not the terminal's foreground one is stopped when it reads from or
    # (with 'stty tostop') writes to the terminal: a scene's print() must not stop it.
    for name in ("SIGTTOU", "SIGTTIN"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    libc = ctypes.CDLL("libc.so.6", use_errno=True)  # loaded before the fork, not in the child
    worker, service = os.getpid(), os.getppid()
    mark = f"{worker}-{os.urandom(8).hex()}"
    os.environ[MARK] = mark  # before the fork: the reaper knows it
    reaper = os.fork()
    if reaper == 0:
        _reap(worker, service, mark, libc)
    global _group
    _group = worker


#: This worker's process group, once it leads one with a reaper.
_group: int | None = None


def end_group(seconds: float = 2.0) -> None:
    """Kill the rest of this worker's group and its marked programs, and reap them.

    For a worker that ends normally; the reaper covers the other ends.
    """
    if _group is None:
        return
    _kill_all(_group, os.environ.get(MARK, ""), os.getpid())
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:  # reap them: no zombie is left for init to find
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.005)


def _kill_all(group: int, mark: str, spare: int) -> None:
    """SIGKILL every process of ``group`` or carrying ``mark``, but ``spare``, till none is left."""
    for _ in range(ROUNDS):
        found = [pid for pid in _members(group, mark) if pid != spare]
        if not found:
            return
        for pid in found:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)


def _members(group: int, mark: str) -> list[int]:
    """Return the live processes of process group ``group`` or with ``mark`` (from /proc)."""
    needle = f"{MARK}={mark}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    fields = f.read().rpartition(b")")[2].split()
                if fields[0] == b"Z":
                    continue  # dead already, waiting for its parent
                if int(fields[2]) == group or _carries(entry, needle):
                    found.append(int(entry))
            except (OSError, IndexError):
                continue  # gone meanwhile, or not ours to read
    return found


def _carries(pid: str, needle: bytes) -> bool:
    """Tell whether process ``pid`` started with ``needle`` (NAME=VALUE) in its environment."""
    with open(f"/proc/{pid}/environ", "rb") as f:
        return needle in f.read().split(b"\0")


def _reap(worker: int, service: int, mark: str, libc) -> None:
    """Wait for ``worker`` to end, then kill its group and marked programs (in the reaper);
    if the worker's service ended too (the command killed), free its shared snapshots."""
    try:
        os.closerange(0, os.sysconf("SC_OPEN_MAX"))  # hold none of the worker's pipes
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)  # the worker's end, as a signal
        if os.getppid() == worker:  # else it has ended already
            signal.sigwait({signal.SIGTERM})
        _kill_all(worker, mark, os.getpid())
        release_orphans(service)
        with contextlib.suppress(OSError):
            os.killpg(0, signal.SIGKILL)
    finally:
        os._exit(0)
