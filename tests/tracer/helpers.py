"""Small helpers for tracer tests: run a job on a service and collect its frame."""

from __future__ import annotations

import ast
import math
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


def _sphere_hit(o, d, centre, radius) -> float | None:
    """Return the near-root distance of a unit ray to a sphere (Puray's rule), or None."""
    s = [o[i] - centre[i] for i in range(3)]
    b = 2 * sum(d[i] * s[i] for i in range(3))
    c = sum(v * v for v in s) - radius * radius
    disc = b * b - 4 * c
    if disc < 0:
        return None
    t = (-b - math.sqrt(disc)) / 2
    return t if t > 0 else None


def pink_in_blue(width: int, height: int) -> tuple[int, int]:
    """Return the pixel of twoballs at the middle of the pink ball's reflection in the blue one.

    Plain geometry, independent of the renderer: Puray's camera ray, the blue ball's mirror
    direction, and the nearest of the floor and the pink ball along it.
    """
    camera, blue, pink = (0.0, -0.35, -1.0), (0.75, -0.1, 1.0), (-0.75, -0.1, 2.25)
    floor = (0.0, 10000.5, 1.0)
    aspect = width / height
    found = []
    for py in range(height):
        for px in range(width):
            target = (-1 + px * 2 / (width - 1), -1 / aspect + py * (2 / aspect) / (height - 1), 0)
            d = [target[i] - camera[i] for i in range(3)]
            m = math.sqrt(sum(v * v for v in d))
            d = [v / m for v in d]
            t = _sphere_hit(camera, d, blue, 0.6)
            if t is None:
                continue
            p = [camera[i] + d[i] * t for i in range(3)]
            n = [(p[i] - blue[i]) / 0.6 for i in range(3)]
            dn = sum(d[i] * n[i] for i in range(3))
            r = [d[i] - 2 * dn * n[i] for i in range(3)]
            to_pink = _sphere_hit(p, r, pink, 0.6)
            to_floor = _sphere_hit(p, r, floor, 10000.0)
            if to_pink is not None and (to_floor is None or to_pink < to_floor):
                found.append((px, py))
    assert found, "the pink ball's reflection is not in this frame"
    xs, ys = sorted(x for x, _ in found), sorted(y for _, y in found)
    middle = (xs[len(xs) // 2], ys[len(ys) // 2])
    assert middle in found
    return middle
