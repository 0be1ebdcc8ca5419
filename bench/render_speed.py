"""Render speed of twoballs at 960x540 (depth 5) against the C reference renderer.

    python bench/render_speed.py [--runs N] [--width W --height H]

Times warm renders on 1 and 2 worker processes and ../shared/bench/ref.c (2 OpenMP threads,
whole process) in the same run; prints Mpixel/s and our-time / C-time ratios. The last line
is the 2-worker ratio. Also times the whole `puray render` command beside the floor every numpy
program pays (`python -c "import numpy, PIL.Image"`).
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracer.scene.load import SceneSource  # noqa: E402
from tracer.settings import RenderSettings  # noqa: E402
from tracer.workers.service import JobFailed, JobFinished, RenderService  # noqa: E402

REF_C = ROOT.parent / "shared" / "bench" / "ref.c"
SCENE = ROOT / "scenes" / "twoballs.py"


def time_c(width: int, height: int, runs: int, tmp: Path) -> float | None:
    if not REF_C.exists() or shutil.which("gcc") is None:
        return None
    exe = tmp / "ref"
    flags = ["-O2", "-fopenmp", "-ffp-contract=off"]
    subprocess.run(["gcc", *flags, "-o", str(exe), str(REF_C), "-lm"], check=True)
    env = {**os.environ, "OMP_NUM_THREADS": "2"}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [str(exe), str(width), str(height), str(tmp / "ref.ppm")], env=env, check=True
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_workers(processes: int, settings: RenderSettings, runs: int) -> float:
    source = SceneSource.from_path(SCENE)
    with RenderService(processes=processes) as service:
        service.wait_ready()
        times = []
        for _ in range(runs + 2):  # two warm-up frames: scene load, allocator, caches
            start = time.perf_counter()
            job = service.submit(source, settings)
            while True:
                ev = service.events.get(timeout=60)
                if ev.job == job and isinstance(ev, (JobFinished, JobFailed)):
                    break
            if isinstance(ev, JobFailed):
                raise SystemExit(f"render failed: {ev.error}")
            times.append(time.perf_counter() - start)
    return statistics.median(times[2:])


def time_start(width: int, height: int, runs: int, tmp: Path) -> tuple[float, float | None]:
    """Return the medians of the floor every numpy program pays (python -c "import numpy,
    PIL.Image") and of the whole ``puray render`` command, timed in alternation."""
    has_cli = any((ROOT / "tracer" / name).exists() for name in ("cli", "cli.py"))
    # As installed: bytecode present (setup.sh compiles it; PYTHONDONTWRITEBYTECODE would
    # otherwise make every run compile ~80 modules, which numpy and Pillow never pay).
    compileall.compile_dir(str(ROOT / "tracer"), quiet=1)
    render = [sys.executable, "-m", "tracer.cli", "render", str(SCENE), "-o", str(tmp / "c.png")]
    render += ["--width", str(width), "--height", str(height)]
    floors, clis = [], []
    for _ in range(runs):
        floors.append(_run([sys.executable, "-c", "import numpy, PIL.Image"]))
        if has_cli:
            clis.append(_run(render))
    return statistics.median(floors), statistics.median(clis) if clis else None


def _run(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--width", type=int, default=960)
    parser.add_argument("--height", type=int, default=540)
    args = parser.parse_args()
    w, h = args.width, args.height
    mpix = w * h / 1e6
    settings = RenderSettings(width=w, height=h)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        c = time_c(w, h, args.runs, tmp)
        floor, cli = time_start(w, h, max(5, args.runs), tmp)
        ours = {n: time_workers(n, settings, args.runs) for n in (1, 2)}
    print(f"twoballs {w}x{h}, depth 5, median of {args.runs} runs")
    if c is not None:
        print(f"ref.c (2 threads, whole process): {c * 1e3:7.1f} ms  {mpix / c:6.2f} Mpix/s")
    print(f"python -c 'import numpy, PIL':    {floor * 1e3:7.1f} ms  (the floor)")
    if cli is not None:
        print(
            f"puray render (whole process):     {cli * 1e3:7.1f} ms  {mpix / cli:6.2f} Mpix/s"
            f"  {cli / floor:5.2f}x the floor"
        )
    for n, t in ours.items():
        ratio = f"  {t / c:5.2f}x ref.c" if c else ""
        print(
            f"{n} warm worker{'s' if n > 1 else ' '}:                  "
            f"{t * 1e3:7.1f} ms  {mpix / t:6.2f} Mpix/s{ratio}"
        )
    if c is not None:
        print(f"2-worker / ref.c ratio: {ours[2] / c:.2f}")


if __name__ == "__main__":
    main()
