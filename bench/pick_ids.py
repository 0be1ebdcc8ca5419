"""Cost of the id buffer (the object under every pixel, for the window's hover) on twoballs.

    python bench/pick_ids.py [--runs N] [--width W --height H]

Renders twoballs (960x540, depth 5) with and without ids, alternating, in the same run, two
ways: the kernel in this process (``render_rows``), and whole frames on 2 warm workers (rows
and ids travel through the pipes, as in the window). Prints medians and the ratios
with / without, of the medians and of the fastest runs (the machine is shared: the fastest
run is the one least disturbed); the last line is the workers'.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracer.render import cache, render_rows  # noqa: E402
from tracer.scene import SceneSource  # noqa: E402
from tracer.settings import RenderSettings  # noqa: E402
from tracer.workers.service import JobFailed, JobFinished, RenderService  # noqa: E402

SCENE = ROOT / "scenes" / "twoballs.py"


def time_kernel(settings: RenderSettings, runs: int) -> tuple[list[float], list[float]]:
    """Return the seconds of render_rows without and with the id buffer, run by run."""
    loaded = cache.load(SceneSource.from_path(SCENE), settings)
    width, height = settings.width or 960, settings.height or 540
    ids = np.empty((height, width), np.int32)
    plain, with_ids = [], []
    for _ in range(runs + 1):  # the first pair warms up
        for out, times in ((None, plain), (ids, with_ids)):
            start = time.perf_counter()
            render_rows(loaded, settings, 0, height, out)
            times.append(time.perf_counter() - start)
    return plain[1:], with_ids[1:]


def time_workers(settings: RenderSettings, runs: int) -> tuple[list[float], list[float]]:
    """Return the seconds of whole frames on 2 warm workers without and with ids, run by run."""
    source = SceneSource.from_path(SCENE)
    plain: list[float] = []
    with_ids: list[float] = []
    with RenderService(processes=2) as service:
        service.wait_ready()
        for _ in range(runs + 2):
            for want, times in ((False, plain), (True, with_ids)):
                start = time.perf_counter()
                job = service.submit(source, settings, ids=want)
                while True:
                    ev = service.events.get(timeout=60)
                    if ev.job == job and isinstance(ev, (JobFinished, JobFailed)):
                        break
                times.append(time.perf_counter() - start)
    return plain[2:], with_ids[2:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--width", type=int, default=960)
    parser.add_argument("--height", type=int, default=540)
    args = parser.parse_args()
    settings = RenderSettings(width=args.width, height=args.height)
    for label, timer in (("kernel, 1 process", time_kernel), ("2 warm workers", time_workers)):
        plain, ids = timer(settings, args.runs)
        a, b = statistics.median(plain), statistics.median(ids)
        print(
            f"{label:18s} median without ids {a * 1000:6.1f} ms, with {b * 1000:6.1f} ms: "
            f"ratio {b / a:.3f}; fastest runs: ratio {min(ids) / min(plain):.3f}"
        )


if __name__ == "__main__":
    main()
