"""Render time of the optics scenes (textures, depth of field) against twoballs, same run.

    python bench/optics.py [--runs N] [--processes P] [--width W --height H] [--samples S]

Each scene renders warm on the same worker processes (default 2, 960x540, 2x2 samples,
depth 5, no shadows), median of N runs after two warm-up frames; prints each time and its
ratio to twoballs rendered with the same settings. Ratios, not times, are the figure to
quote: the machine is shared.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracer.scene import SceneSource  # noqa: E402
from tracer.settings import RenderSettings  # noqa: E402
from tracer.workers.service import JobFailed, JobFinished, RenderService  # noqa: E402

SCENES = ["twoballs", "textures", "depth_of_field"]


def time_scene(service: RenderService, name: str, settings: RenderSettings, runs: int) -> float:
    """Return the median seconds of a warm frame of ``scenes/<name>.py``."""
    source = SceneSource.from_path(ROOT / "scenes" / f"{name}.py")
    times = []
    for _ in range(runs + 2):  # two warm-up frames: scene load, snapshot, caches
        start = time.perf_counter()
        job = service.submit(source, settings)
        while True:
            ev = service.events.get(timeout=300)
            if ev.job == job and isinstance(ev, (JobFinished, JobFailed)):
                break
        if isinstance(ev, JobFailed):
            raise SystemExit(f"{name}: render failed: {ev.error}")
        times.append(time.perf_counter() - start)
    return statistics.median(times[2:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--width", type=int, default=960)
    parser.add_argument("--height", type=int, default=540)
    parser.add_argument("--samples", type=int, default=2)
    args = parser.parse_args()
    settings = RenderSettings(width=args.width, height=args.height, samples=args.samples)
    with RenderService(processes=args.processes) as service:
        service.wait_ready()
        seconds = {name: time_scene(service, name, settings, args.runs) for name in SCENES}
    s = args.samples
    print(
        f"{args.width}x{args.height}, {s}x{s} samples, depth 5, {args.processes} warm workers, "
        f"median of {args.runs} runs"
    )
    base = seconds["twoballs"]
    for name, t in seconds.items():
        print(f"{name:15s} {t * 1e3:8.1f} ms  {t / base:5.2f}x twoballs")


if __name__ == "__main__":
    main()
