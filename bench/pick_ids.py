"""Cost of the id buffer (the object under every pixel, for the window's hover) on twoballs.

    python bench/pick_ids.py [--runs N] [--width W --height H]

Renders twoballs (960x540, depth 5) with and without ids, alternating, in the same run, two
ways: the kernel in this process (``render_rows``), and whole frames on 2 warm workers (rows
and ids travel through the pipes, as in the window). Prints, with / without, the ratio of the
median wall-clock times and the ratio of the CPU time spent (this process plus the workers):
on a shared machine the CPU time is the steadier measure of the work the ids add. The last
line is the workers'.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracer.kernel.render import cache, id_dtype, render_rows  # noqa: E402
from tracer.scene.load import SceneSource  # noqa: E402
from tracer.settings import RenderSettings  # noqa: E402
from tracer.workers.service import JobFailed, JobFinished, RenderService  # noqa: E402

SCENE = ROOT / "scenes" / "twoballs.py"


class Runs:
    """Wall-clock seconds run by run, and total CPU seconds, of one variant."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu = 0.0


def cpu_seconds(pids: list[int]) -> float:
    """Return the CPU time of this process plus that of ``pids`` (Linux /proc; else ours)."""
    total = time.process_time()
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rpartition(b")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        except (OSError, IndexError, ValueError):
            pass
    return total


def measure(render, runs: int, pids=lambda: []) -> tuple[Runs, Runs]:
    """Run ``render(ids)`` alternately without and with ids; the first pairs warm up."""
    plain, with_ids = Runs(), Runs()
    for k in range(runs + 2):
        for want, into in ((False, plain), (True, with_ids)):
            cpu, start = cpu_seconds(pids()), time.perf_counter()
            render(want)
            wall, cpu = time.perf_counter() - start, cpu_seconds(pids()) - cpu
            if k >= 2:
                into.wall.append(wall)
                into.cpu += cpu
    return plain, with_ids


def kernel(settings: RenderSettings, runs: int) -> tuple[Runs, Runs]:
    loaded = cache.load(SceneSource.from_path(SCENE), settings)
    width, height = settings.width or 960, settings.height or 540
    ids = np.empty((height, width), id_dtype(len(loaded.scene.objects)))
    return measure(
        lambda want: render_rows(loaded, settings, 0, height, ids if want else None), runs
    )


def workers(settings: RenderSettings, runs: int) -> tuple[Runs, Runs]:
    source = SceneSource.from_path(SCENE)
    with RenderService(processes=2) as service:
        service.wait_ready()

        def frame(want: bool) -> None:
            job = service.submit(source, settings, ids=want)
            while True:
                ev = service.events.get(timeout=60)
                if ev.job == job and isinstance(ev, (JobFinished, JobFailed)):
                    return

        return measure(frame, runs, service.worker_pids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--width", type=int, default=960)
    parser.add_argument("--height", type=int, default=540)
    args = parser.parse_args()
    settings = RenderSettings(width=args.width, height=args.height)
    for label, timer in (("kernel, 1 process", kernel), ("2 warm workers", workers)):
        plain, ids = timer(settings, args.runs)
        a, b = statistics.median(plain.wall), statistics.median(ids.wall)
        print(
            f"{label:18s} median {a * 1000:6.1f} ms without ids, {b * 1000:6.1f} ms with: "
            f"ratio {b / a:.3f};  CPU time ratio {ids.cpu / plain.cpu:.3f}"
        )


if __name__ == "__main__":
    main()
