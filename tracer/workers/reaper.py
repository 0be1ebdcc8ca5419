"""Processes that scene code starts end with their worker (Linux): the worker's process group.

A scene may start programs (``subprocess.Popen(["sleep", "100"])``); they are the worker's
children, and would outlive it (and the command) as orphans. So a worker leads a process group
of its own, which such programs join, and forks a reaper: a tiny process in that group that
waits for the worker to end (killed: replaced, or with the command, which kills its workers)
and then kills the whole group, itself last. A worker told to stop ends the group itself
(:func:`end_group`) and reaps what it killed, so nothing is left once the command has exited.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time

#: prctl option: the signal this process gets when its parent ends.
PR_SET_PDEATHSIG = 1


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
    worker = os.getpid()
    reaper = os.fork()
    if reaper == 0:
        _reap(worker, libc)
    global _group
    _group = worker


#: This worker's process group, once it leads one with a reaper.
_group: int | None = None


def end_group(seconds: float = 2.0) -> None:
    """Kill the rest of this worker's group (the scene's programs, the reaper) and reap them.

    For a worker that ends normally; the reaper covers the other ends.
    """
    if _group is None:
        return
    me = os.getpid()
    for pid in _members(_group):
        if pid != me:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:  # reap them: no zombie is left for init to find
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.005)


def _members(group: int) -> list[int]:
    """Return the processes of process group ``group`` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    fields = f.read().rpartition(b")")[2].split()
            except OSError:
                continue  # gone meanwhile
            if len(fields) > 2 and int(fields[2]) == group:
                found.append(int(entry))
    return found


def _reap(worker: int, libc) -> None:
    """Wait for ``worker`` to end, then kill its process group (runs in the reaper)."""
    try:
        os.closerange(0, os.sysconf("SC_OPEN_MAX"))  # hold none of the worker's pipes
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)  # the worker's end, as a signal
        if os.getppid() == worker:  # else it has ended already
            signal.sigwait({signal.SIGTERM})
        with contextlib.suppress(OSError):
            os.killpg(0, signal.SIGKILL)
    finally:
        os._exit(0)
