"""Small helpers for tracer tests: run a job on a service and collect its frame."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import numpy as np

from tracer.workers.service import JobFailed, JobFinished, JobStarted, RenderService, RowsReady


def collect(service: RenderService, job: int, timeout: float = 60.0):
    """Return (frame, events) of ``job``; frame is None when the job failed."""
    frame = None
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ev = service.events.get(timeout=max(0.01, deadline - time.monotonic()))
        if ev.job != job:
            continue
        seen.append(ev)
        if isinstance(ev, JobStarted):
            frame = np.zeros((ev.height, ev.width, 3), np.uint8)
        elif isinstance(ev, RowsReady) and not ev.coarse:
            rows = np.frombuffer(ev.pixels, np.uint8).reshape(ev.y1 - ev.y0, ev.width, 3)
            frame[ev.y0 : ev.y1] = rows
        elif isinstance(ev, JobFinished):
            return frame, seen
        elif isinstance(ev, JobFailed):
            return None, seen
    raise TimeoutError(f"job {job} did not end within {timeout} s")


def failure(events) -> Exception:
    """Return the error of a failed job's events."""
    last = events[-1]
    assert isinstance(last, JobFailed), f"expected the job to fail, got {last!r}"
    return last.error


def write_scene(folder, name: str, body: str):
    """Write a scene file and return its path."""
    path = folder / name
    path.write_text(body)
    return path


PURAY_HEADER = """\
from color import Color
from light import Light
from material import ChequeredMaterial, Material
from point import Point
from sphere import Sphere
from vector import Vector
"""


def is_scene(path: Path) -> bool:
    """Tell a scene (it assigns WIDTH) from a helper module beside it."""
    tree = ast.parse(path.read_text())
    return any(
        isinstance(node, ast.Assign)
        and any(getattr(t, "id", None) == "WIDTH" for t in node.targets)
        for node in tree.body
    )


#: The bundled scene files (not their helper modules).
BUNDLED = sorted(
    p for p in (Path(__file__).resolve().parents[2] / "scenes").glob("*.py") if is_scene(p)
)
