"""Render cost against object count: the acceleration structure vs testing every object.

    python bench/scaling.py [--width W --height H] [--runs N] [--big] [--brute-size WxH] [--numpy]

Renders generated scenes in this process (render only: the scene is loaded and its kernel
arrays built first, depth 5, no shadows unless --shadows) and prints each time as a ratio to
twoballs in the same run, with the build time of the kernel arrays and structure. The brute
column renders the same scenes with the structure turned off at a small size (--brute-size,
ratio to twoballs at that size) where that is affordable. --big adds 100,000 random spheres
(the brute column is left out where it would take minutes). Big scenes are walked compiled
where numba is installed; --numpy walks them in numpy (the same pixels).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracer.accel import aggregates, compiled  # noqa: E402
from tracer.kernel.render import load, render_rows  # noqa: E402
from tracer.kernel.scene_arrays import SceneArrays  # noqa: E402
from tracer.scene.load import SceneSource  # noqa: E402
from tracer.settings import RenderSettings  # noqa: E402

HEADER = """\
import math
import random
from tracer import Color, Light, LookAtCamera, Material, Plane, Point, Sphere, Vector
from tracer import ChequeredMaterial
WIDTH, HEIGHT = 960, 540
rng = random.Random(1)
PALETTE = [Material(Color(rng.random(), rng.random(), rng.random())) for _ in range(8)]
LIGHTS = [Light(Point(4, -8, -6), Color(1, 1, 1)), Light(Point(-6, -3, -2), Color(0.6, 0.6, 0.7))]
"""

#: A square lattice of balls on a chequered plane, seen from above and in front.
GRID = """
side = round(math.sqrt({n}))
CAMERA = LookAtCamera(Point(0, -4, -6), look_at=Point(0, 0, side / 2), fov=60)
OBJECTS = [Plane(Point(0, 0.35, 0), Vector(0, -1, 0), ChequeredMaterial(reflection=0.2))]
for i in range(side):
    for j in range(side):
        OBJECTS.append(Sphere(Point(i - side / 2, 0, j), 0.35, PALETTE[(i + j) % 8]))
"""

#: A cube of side 4 filled with {n} balls at random, about 2.5 balls deep along a ray.
RANDOM = """
CAMERA = LookAtCamera(Point(0, 0, -6.5), look_at=Point(0, 0, 0), fov=50)
radius = math.sqrt(2.5 * 16 / ({n} * math.pi))
OBJECTS = [
    Sphere(Point(rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-2, 2)), radius,
           rng.choice(PALETTE))
    for _ in range({n})
]
"""


def scene_file(folder: Path, name: str, body: str) -> SceneSource:
    path = folder / f"{name}.py"
    path.write_text(HEADER + body)
    return SceneSource.from_path(path)


def render_time(source: SceneSource, settings: RenderSettings, runs: int) -> tuple[float, float]:
    """Return (build time of the kernel arrays, best render time of ``runs``) of a scene."""
    loaded = load(source, settings)
    start = time.perf_counter()
    SceneArrays(loaded.scene)
    build = time.perf_counter() - start
    height = settings.height or loaded.scene.height
    render_rows(loaded, settings, 0, height)  # warm up: allocator, caches, page faults
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_rows(loaded, settings, 0, height)
        times.append(time.perf_counter() - start)
    return build, min(times)


def brute(source: SceneSource, settings: RenderSettings, runs: int) -> float:
    saved = aggregates.MIN_PRIMS
    aggregates.MIN_PRIMS = sys.maxsize
    try:
        return render_time(source, settings, runs)[1]
    finally:
        aggregates.MIN_PRIMS = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=960)
    parser.add_argument("--height", type=int, default=540)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shadows", action="store_true")
    parser.add_argument("--big", action="store_true")
    parser.add_argument("--brute-size", default="160x90")
    parser.add_argument("--numpy", action="store_true", help="walk in numpy, never compiled")
    args = parser.parse_args()
    if args.numpy:
        os.environ[compiled.OFF] = "1"
    walk = "compiled (numba) where big enough" if compiled.usable() else "numpy"
    settings = RenderSettings(width=args.width, height=args.height, shadows=args.shadows)
    bw, bh = (int(v) for v in args.brute_size.split("x"))
    small = RenderSettings(width=bw, height=bh, shadows=args.shadows)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = [("twoballs", SceneSource.from_path(ROOT / "scenes" / "twoballs.py"), 3)]
        cases.append(
            ("coronavirus", SceneSource.from_path(ROOT / "scenes" / "coronavirus.py"), 129)
        )
        for n in (1_000, 10_000, 30_000):
            cases.append((f"grid {n:,}", scene_file(folder, f"grid{n}", GRID.format(n=n)), n))
        sizes = (1_000, 10_000, 100_000) if args.big else (1_000, 10_000)
        for n in sizes:
            cases.append((f"random {n:,}", scene_file(folder, f"rnd{n}", RANDOM.format(n=n)), n))
        twoballs = cases[0][1]
        print(f"{args.width}x{args.height} depth 5, shadows {args.shadows}, walk: {walk}")
        print("ratio: to twoballs timed just before, best of --runs each (others share the CPU)")
        print(f"brute: every object tested, at {bw}x{bh}, ratio to twoballs at that size")
        head = f"{'scene':<16}{'objects':>9}{'build s':>9}{'render s':>10}{'twoballs':>10}"
        print(f"{head}{'ratio':>8}{'brute':>9}")
        for name, source, n in cases[1:]:
            base = render_time(twoballs, settings, args.runs)[1]
            build, t = render_time(source, settings, args.runs)
            slow = "       -"
            if n <= 10_000:
                base_small = brute(twoballs, small, args.runs)
                slow = f"{brute(source, small, 1) / base_small:8.0f}x"
            row = f"{name:<16}{n:>9,}{build:>9.3f}{t:>10.3f}{base:>10.3f}"
            print(f"{row}{t / base:>7.1f}x{slow}", flush=True)


if __name__ == "__main__":
    main()
