"""Cluster overhead: the same frames on a Dask LocalCluster and on local workers.

    python bench/cluster_overhead.py [--workers 2] [--runs 3]

Renders twoballs at 960x540 and at 3840x2160 with 2x2 anti-aliasing, warm, on N local
worker processes (RenderService) and on a LocalCluster of N single-threaded worker processes
(ClusterService); prints seconds, Mpix/s and the cluster/local ratio for each frame.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracer.scene.load import SceneSource  # noqa: E402
from tracer.settings import RenderSettings  # noqa: E402
from tracer.workers.cluster import ClusterService  # noqa: E402
from tracer.workers.service import JobFailed, JobFinished, RenderService  # noqa: E402

FRAMES = [
    ("960x540", RenderSettings(width=960, height=540)),
    ("3840x2160 AA 2x2", RenderSettings(width=3840, height=2160, samples=2)),
]


def frame_time(service, source, settings) -> float:
    start = time.perf_counter()
    job = service.submit(source, settings)
    while True:
        ev = service.events.get(timeout=600)
        if ev.job == job and isinstance(ev, (JobFinished, JobFailed)):
            break
    if isinstance(ev, JobFailed):
        raise SystemExit(f"render failed: {ev.error}")
    return time.perf_counter() - start


def measure(service, source, runs: int) -> dict[str, float]:
    result = {}
    for name, settings in FRAMES:
        frame_time(service, source, settings)  # warm-up: scene load, caches
        result[name] = statistics.median(frame_time(service, source, settings) for _ in range(runs))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    source = SceneSource.from_path(ROOT / "scenes" / "twoballs.py")
    with RenderService(processes=args.workers) as local:
        local.wait_ready()
        local_times = measure(local, source, args.runs)
    with ClusterService(f"local:{args.workers}") as cluster:
        cluster_times = measure(cluster, source, args.runs)
    print(f"twoballs, {args.workers} workers each, median of {args.runs} warm runs")
    for name, settings in FRAMES:
        mpix = settings.width * settings.height / 1e6
        lt, ct = local_times[name], cluster_times[name]
        print(
            f"{name:>17}: local {lt:7.3f} s ({mpix / lt:5.2f} Mpix/s)   "
            f"dask {ct:7.3f} s ({mpix / ct:5.2f} Mpix/s)   dask/local {ct / lt:4.2f}x"
        )


if __name__ == "__main__":
    main()
