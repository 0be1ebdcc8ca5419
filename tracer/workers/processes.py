"""Helpers for the processes a backend starts: how many, Ctrl+C kept away, stopped ones seen."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import sys
import threading


def cpu_count() -> int:
    """Return the CPUs this process may run on (the default number of workers)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def start_method() -> str:
    """Fork the workers where that is safe: in milliseconds, with our modules already loaded.

    Safe in a process that has loaded no Qt and runs no threads yet (the command line), since
    scene code runs only in the workers. Elsewhere (macOS, Windows) workers are spawned.
    """
    forkable = sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods()
    return "fork" if forkable and "PySide6" not in sys.modules else "spawn"


@contextlib.contextmanager
def children_ignore_ctrl_c():
    """Start processes that never see Ctrl+C, and hold a Ctrl+C that comes meanwhile.

    Ctrl+C reaches the whole process group of a terminal, and it is the parent's to handle: a
    child still importing would die printing a traceback. SIGINT is blocked in this thread
    while the block runs: processes started from it (or from threads it starts) keep it
    blocked across fork and exec, and a Ctrl+C that arrives meanwhile stays pending until the
    block ends, where it raises KeyboardInterrupt (a local Dask cluster takes seconds to
    start: it must not swallow the Ctrl+C). Where signal masks do not exist, SIGINT is ignored
    instead (on the main thread only).
    """
    if hasattr(signal, "pthread_sigmask"):
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        return
    on_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if on_main else None
    try:
        yield
    finally:
        if on_main:
            signal.signal(signal.SIGINT, previous)


def quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with its stderr on /dev/null (POSIX).

    The tracker is a process of its own that outlives a killed command by a moment and frees
    the semaphores the command's workers left; it then warns "There appear to be 12 leaked
    semaphore objects" on the command's stderr, after the command said what happened. It still
    frees them, silently. Call it before the first process that needs it starts (a no-op if
    one runs already).
    """
    if os.name != "posix":
        return
    from multiprocessing import resource_tracker

    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)  # the tracker inherits this stderr
        resource_tracker.ensure_running()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def is_stopped(pid: int | None) -> bool:
    """Tell whether a process is stopped (SIGSTOP, a debugger); Linux only, else False."""
    if pid is None or not sys.platform.startswith("linux"):
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rpartition(b")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state in (b"T", b"t")
