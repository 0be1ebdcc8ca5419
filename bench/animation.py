"""Frames per second for the animated virus (scenes/coronavirus_animated.py), and encoding cost.

    python bench/animation.py [--frames N] [--processes P] [--sizes 480x270,960x540]

Renders the first N frames (default all 48) on warm local workers through the same path as
`puray render` (one job per frame, a few frames in flight), then times writing those frames
as GIF, APNG, WebP and MP4 (MP4 when PyAV is installed). Prints frames per second per size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracer.output.writers import open_writer  # noqa: E402
from tracer.scene.load import SceneSource  # noqa: E402
from tracer.settings import RenderSettings  # noqa: E402
from tracer.workers.frames import render_frames  # noqa: E402
from tracer.workers.service import RenderService  # noqa: E402

SCENE = ROOT / "scenes" / "coronavirus_animated.py"
FORMATS = ("gif", "png", "webp", "mp4")


def time_render(service, width: int, height: int, count: int) -> tuple[float, list]:
    """Render ``count`` frames; return the seconds taken and the frames."""
    source = SceneSource.from_path(SCENE)
    settings = RenderSettings(width=width, height=height)
    start = time.perf_counter()
    frames = [p for _k, p in render_frames(service, source, settings, range(count), 48)]
    return time.perf_counter() - start, frames


def time_write(kind: str, frames: list, folder: Path) -> float | None:
    """Encode ``frames`` as ``kind``; return the seconds taken (None: no encoder here)."""
    try:
        writer = open_writer(str(folder / f"virus.{kind}"), 24.0)
    except Exception:  # MissingEncoder: PyAV not installed
        return None
    start = time.perf_counter()
    writer.begin(range(len(frames)), 48, {})
    for k, pixels in enumerate(frames):
        writer.add(k, pixels)
    writer.commit({})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=48)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--sizes", default="480x270,960x540")
    args = parser.parse_args()
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    with RenderService(processes=args.processes) as service, tempfile.TemporaryDirectory() as tmp:
        service.wait_ready()
        time_render(service, 64, 36, args.processes)  # warm up: imports, allocator
        print(f"coronavirus_animated, {args.frames} frames, {args.processes} workers")
        for width, height in sizes:
            seconds, frames = time_render(service, width, height, args.frames)
            fps = args.frames / seconds
            print(f"{width}x{height}: render {seconds:6.2f} s  {fps:6.2f} frames/s")
            for kind in FORMATS:
                t = time_write(kind, frames, Path(tmp))
                if t is None:
                    print(f"  {kind:5s} no encoder (pip install 'puray-live[video]')")
                    continue
                size = (Path(tmp) / f"virus.{kind}").stat().st_size
                total = args.frames / (seconds + t)
                print(
                    f"  {kind:5s} write {t:6.2f} s  {size / 1e6:6.2f} MB  "
                    f"render + write {total:6.2f} frames/s"
                )


if __name__ == "__main__":
    main()
