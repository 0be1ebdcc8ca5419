"""Run by every local Dask worker process as it starts (a Dask preload): silence its stderr,
and lead a process group of its own, so programs a scene starts end with it (reaper.py).

A local cluster restarts a worker that a scene killed; closing the cluster while that worker
still starts makes it log errors and print tracebacks on the command's stderr. What goes
wrong in a worker reaches the command as a value and is reported once, naming the scene, so
the worker's own stderr goes to /dev/null (its stdout, where a scene's print() goes, stays).
"""

from __future__ import annotations

import os

from .reaper import lead_group_with_reaper


def dask_setup(worker) -> None:
    """Point this process's stderr at /dev/null; give it a process group and a reaper."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    lead_group_with_reaper()
