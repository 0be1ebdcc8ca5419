"""Render time of the optics scenes (textures, depth of field, glass) against twoballs, same run.

    python bench/optics.py [--runs N] [--processes P] [--width W --height H] [--samples S]

Each scene renders warm on the same worker processes (default 2, 960x540, 2x2 samples,
depth 5, no shadows; "glass+shadows" is the glass scene with shadows on: soft shadows through
glass), the scenes taking turns, median of N runs after a warm-up frame each; prints each
time and its ratio to twoballs rendered with the same settings. Ratios, not
times, are the figures to quote: the machine is shared.
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
from tracer.workers.service import JobFailed, JobFinished, RenderService  # noqa: E402

SCENES = ["twoballs", "textures", "depth_of_field", "glass", "glass+shadows"]


def render_once(service: RenderService, source: SceneSource, settings: RenderSettings) -> float:
    """Return the seconds one frame takes on the service's warm workers."""
    start = time.perf_counter()
    job = service.submit(source, settings)
    while True:
        ev = service.events.get(timeout=300)
        if ev.job == job and isinstance(ev, (JobFinished, JobFailed)):
            break
    if isinstance(ev, JobFailed):
        raise SystemExit(f"{source.path}: render failed: {ev.error}")
    return time.perf_counter() - start


def time_scenes(service: RenderService, settings: RenderSettings, runs: int) -> dict:
    """Return each scene's median frame seconds; scenes take turns, so load hits them alike."""
    sources = {
        name: SceneSource.from_path(ROOT / "scenes" / f"{name.split('+')[0]}.py") for name in SCENES
    }
    chosen = {name: settings.with_(shadows=name.endswith("+shadows")) for name in SCENES}
    for name, source in sources.items():  # warm-up: scene load, snapshot, caches
        render_once(service, source, chosen[name])
    times: dict[str, list[float]] = {name: [] for name in SCENES}
    for _ in range(runs):
        for name, source in sources.items():
            times[name].append(render_once(service, source, chosen[name]))
    return {name: statistics.median(t) for name, t in times.items()}


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
        seconds = time_scenes(service, settings, args.runs)
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
