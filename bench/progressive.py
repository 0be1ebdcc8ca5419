"""Progressive refinement speed: samples per second and time to 16 and 64 samples per pixel.

    python bench/progressive.py [--width W --height H] [--workers N] [SCENE.py ...]

Renders each scene (default: scenes/depth_of_field.py and scenes/glass.py, with shadows) as the
window does: the first frame at one sample, then passes of samples 0-4, 4-8, 8-16, ... 56-64
(render jobs with a sample_range) on a local service of N worker processes. Prints per scene
the first frame's time, the seconds to 16 and 64 spp (from the submit of the first frame) and
the samples per second of the passes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracer.scene.load import SceneSource  # noqa: E402
from tracer.settings import RenderSettings  # noqa: E402
from tracer.workers.service import JobFailed, JobFinished, RenderService  # noqa: E402

SCENES = [ROOT / "scenes" / "depth_of_field.py", ROOT / "scenes" / "glass.py"]
PASSES = [(0, 4), (4, 8), *((k, k + 8) for k in range(8, 64, 8))]  # as the window


def run(service: RenderService, source: SceneSource, settings: RenderSettings) -> float:
    """Render one job to its end; return its wall time in seconds."""
    started = time.perf_counter()
    job = service.submit(source, settings)
    while True:
        event = service.events.get(timeout=600)
        if event.job != job:
            continue
        if isinstance(event, JobFailed):
            raise SystemExit(f"{source.path}: {event.error}")
        if isinstance(event, JobFinished):
            return time.perf_counter() - started


def bench(service: RenderService, path: Path, settings: RenderSettings) -> None:
    source = SceneSource.from_path(path)
    run(service, source, settings.with_(width=32, height=18))  # load once: warm caches
    pixels = settings.width * settings.height  # type: ignore[operator]
    first = run(service, source, settings)
    elapsed, at = first, {}
    pass_seconds = 0.0
    for k0, k1 in PASSES:
        seconds = run(service, source, settings.with_(sample_range=(k0, k1)))
        elapsed += seconds
        pass_seconds += seconds
        at[k1] = elapsed
    rate = pixels * 64 / pass_seconds
    print(
        f"{path.name:22s} first frame {first:6.2f} s   16 spp {at[16]:6.2f} s   "
        f"64 spp {at[64]:6.2f} s   {rate / 1e3:7.1f} k samples/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenes", nargs="*", type=Path, default=SCENES)
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=180)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    settings = RenderSettings(width=args.width, height=args.height, shadows=True)
    print(f"{args.width}x{args.height}, shadows, depth 5, {args.workers} worker processes")
    with RenderService(processes=args.workers) as service:
        for path in args.scenes:
            bench(service, path, settings)


if __name__ == "__main__":
    main()
