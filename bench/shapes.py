"""Render speed of every built-in shape: the compiled walk against the numpy walk.

    python bench/shapes.py [--runs N] [--width W --height H] [--only NAME,...]

Each scene renders on 2 warm worker processes, once with the compiled walk (numba, the
``fast`` extra) and once with ``PURAY_NO_JIT=1`` (the numpy walk), in alternating rounds
(the machine is shared: only ratios within a run mean much). Prints Mpixel/s of both and
their ratio, primary rays alone and with shadows; then the CPU seconds of one render in this
process each way (load excluded), which a busy machine disturbs much less. The meshes are
generated here, from fixed numbers (a lumpy geodesic sphere of 20 k^2 triangles: k = 59
gives 69,620, k = 79 124,820), written to a temporary OBJ file: nothing large is committed.
``--force`` walks even a scene of few objects compiled in the CPU-seconds rows (the bundled
csg_logo and mesh have too few for any structure: the workers render those with numpy).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracer.kernel.render import load, render_rows  # noqa: E402
from tracer.scene.load import SceneSource  # noqa: E402
from tracer.settings import RenderSettings  # noqa: E402
from tracer.workers.service import JobFailed, JobFinished, RenderService  # noqa: E402

_T = (1 + 5**0.5) / 2
ICO_V = np.array(
    [
        *[(-1, _T, 0), (1, _T, 0), (-1, -_T, 0), (1, -_T, 0), (0, -1, _T), (0, 1, _T)],
        *[(0, -1, -_T), (0, 1, -_T), (_T, 0, -1), (_T, 0, 1), (-_T, 0, -1), (-_T, 0, 1)],
    ]
)
ICO_F = np.array(
    [
        *[(0, 11, 5), (0, 5, 1), (0, 1, 7), (0, 7, 10), (0, 10, 11), (1, 5, 9), (5, 11, 4)],
        *[(11, 10, 2), (10, 7, 6), (7, 1, 8), (3, 9, 4), (3, 4, 2), (3, 2, 6), (3, 6, 8)],
        *[(3, 8, 9), (4, 9, 5), (2, 4, 11), (6, 2, 10), (8, 6, 7), (9, 8, 1)],
    ]
)


def lumpy_sphere(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return vertices and faces of a bumpy closed sphere of 20 k^2 triangles (radius ~1)."""
    i, j = np.meshgrid(np.arange(k + 1), np.arange(k + 1), indexing="ij")
    keep = i + j <= k
    i, j = i[keep], j[keep]
    index = np.full((k + 1, k + 1), -1)
    index[i, j] = np.arange(i.size)
    a, b, c = (ICO_V[ICO_F[:, n]] for n in range(3))
    w = np.stack((i, j), axis=1) / k
    points = a[:, None] + (b - a)[:, None] * w[None, :, :1] + (c - a)[:, None] * w[None, :, 1:]
    up = [(index[p, q], index[p + 1, q], index[p, q + 1]) for p in range(k) for q in range(k - p)]
    down = [
        (index[p + 1, q], index[p + 1, q + 1], index[p, q + 1])
        for p in range(k)
        for q in range(k - p - 1)
    ]
    local = np.array(up + down)
    tris = (local[None] + (np.arange(20) * i.size)[:, None, None]).reshape(-1, 3)
    points = points.reshape(-1, 3)
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    # Shared edge points are computed once per face: merge them by their rounded position.
    _, first, inverse = np.unique(
        np.round(points * 1e9).astype(np.int64), axis=0, return_index=True, return_inverse=True
    )
    v = points[first]
    x, y, z = v.T
    bumps = 1 + 0.08 * np.sin(7 * x + 2) * np.sin(6 * y + 1) * np.sin(5 * z) + 0.03 * np.sin(23 * x)
    return v * bumps[:, None], inverse.reshape(-1)[tris]


def write_obj(path: Path, v: np.ndarray, f: np.ndarray) -> None:
    """Write vertices and faces as a Wavefront OBJ file."""
    lines = [f"v {a:.9g} {b:.9g} {c:.9g}" for a, b, c in v.tolist()]
    lines += [f"f {a} {b} {c}" for a, b, c in (f + 1).tolist()]
    path.write_text("\n".join(lines) + "\n")


MESH_SCENE = """\
from tracer import *
WIDTH, HEIGHT = 960, 540
CAMERA = LookAtCamera(Point(0, -1.6, -4.8), look_at=Point(0, 0.1, 0), fov=45)
OBJECTS = [
    Plane(Point(0, 1.1, 0), Vector(0, -1, 0), Material(Color(0.6, 0.6, 0.55), reflection=0.0)),
    Mesh.from_obj("{name}.obj", Material(Color(0.85, 0.5, 0.3), specular=0.5, reflection=0.0)),
]
LIGHTS = [Light(Point(-4, -7, -6)), Light(Point(5, -4, -3), Color(0.5, 0.53, 0.63))]
"""

SOLIDS_SCENE = """\
from tracer import *
WIDTH, HEIGHT = 960, 540
CAMERA = LookAtCamera(Point(0, -9, -16), look_at=Point(0, 0, 0), fov=45)
m = [Material(Color(0.8, 0.3, 0.1)), Material(Color(0.2, 0.5, 0.8)), Material(Color(0.3, 0.7, 0.3))]
OBJECTS = [Plane(Point(0, 1, 0), Vector(0, -1, 0), Material(Color(0.8, 0.8, 0.75)))]
for i in range(-{n}, {n}):
    for j in range(-{n}, {n}):
        x, z = i * 0.5, j * 0.5
        kind = (i * 7 + j * 3) % 4
        if kind == 0:
            OBJECTS.append(Box(Point(x, 1 - 0.4, z), Point(x + 0.3, 1, z + 0.3), m[0]))
        elif kind == 1:
            OBJECTS.append(Cylinder(Point(x, 1, z), Point(x, 0.5, z), 0.15, m[1]))
        elif kind == 2:
            OBJECTS.append(Cone(Point(x, 1, z), Point(x, 0.4, z), 0.18, m[2]))
        else:
            OBJECTS.append(Disc(Point(x, 0.7, z), Vector(0.3, -1, 0.2), 0.16, m[0]))
LIGHTS = [Light(Point(-8, -14, -12))]
"""

#: A field of CSG nodes: rounded cubes with rods cut out (csg_logo's), moved and turned.
CSG_SCENE = """\
from tracer import *
WIDTH, HEIGHT = 960, 540
CAMERA = LookAtCamera(Point(0, -6, -11), look_at=Point(0, 0, 0), fov=45)
RED, GOLD = Material(Color(0.75, 0.15, 0.1)), Material(Color(0.9, 0.7, 0.25))
OBJECTS = [Plane(Point(0, 1, 0), Vector(0, -1, 0), Material(Color(0.8, 0.8, 0.75)))]
for i in range(-{n}, {n}):
    for j in range(-{n}, {n}):
        cube = Intersection(Box(Point(-0.3, -0.3, -0.3), Point(0.3, 0.3, 0.3), RED),
                            Sphere(Point(0, 0, 0), 0.4, RED))
        rods = Union(*(Cylinder(Point(-0.4 * (k == 0), -0.4 * (k == 1), -0.4 * (k == 2)),
                                Point(0.4 * (k == 0), 0.4 * (k == 1), 0.4 * (k == 2)), 0.16, GOLD)
                       for k in range(3)))
        OBJECTS.append(Difference(cube, rods).rotated(Vector(0, 1, 0), 10 * (i + 2 * j))
                       .translated(i * 1.1, 0.6, j * 1.1))
LIGHTS = [Light(Point(-8, -14, -12))]
"""

#: bench/scaling.py's lattice of 10,000 balls on a chequered plane.
SPHERES_SCENE = """\
from tracer import *
WIDTH, HEIGHT = 480, 270
PALETTE = [Material(Color(0.2 + 0.1 * k, 0.9 - 0.1 * k, 0.5)) for k in range(8)]
LIGHTS = [Light(Point(4, -8, -6), Color(1, 1, 1)), Light(Point(-6, -3, -2), Color(0.6, 0.6, 0.7))]
CAMERA = LookAtCamera(Point(0, -4, -6), look_at=Point(0, 0, 50), fov=60)
OBJECTS = [Plane(Point(0, 0.35, 0), Vector(0, -1, 0), ChequeredMaterial(reflection=0.2))]
for i in range(100):
    for j in range(100):
        OBJECTS.append(Sphere(Point(i - 50, 0, j), 0.35, PALETTE[(i + j) % 8]))
"""


#: 10,000 random balls in a cube of side 4, about 2.5 deep along a ray (bench/peer_scenes.py's).
CLOUD_SCENE = """\
import math
import random
from tracer import *
WIDTH, HEIGHT = 960, 540
CAMERA = LookAtCamera(Point(0, 0, -6.5), look_at=Point(0, 0, 0), fov=50)
rng = random.Random(1)
PALETTE = [Material(Color(rng.random(), rng.random(), rng.random())) for _ in range(8)]
radius = math.sqrt(2.5 * 16 / (10_000 * math.pi))
OBJECTS = [Sphere(Point(rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-2, 2)), radius,
                  rng.choice(PALETTE)) for _ in range(10_000)]
LIGHTS = [Light(Point(4, -8, -6), Color(1, 1, 1)), Light(Point(-6, -3, -2), Color(0.6, 0.6, 0.7))]
"""


def scenes(tmp: Path) -> dict[str, Path]:
    """Write the benchmark scenes (and their meshes) to ``tmp``; return name -> path."""
    out = {}
    for name, k in (("mesh69k", 59), ("mesh124k", 79)):
        write_obj(tmp / f"{name}.obj", *lumpy_sphere(k))
        out[name] = tmp / f"{name}.py"
        out[name].write_text(MESH_SCENE.replace("{name}", name))
    out["solids"] = tmp / "solids.py"
    out["solids"].write_text(SOLIDS_SCENE.replace("{n}", "20"))
    out["csg"] = tmp / "csg.py"
    out["csg"].write_text(CSG_SCENE.replace("{n}", "5"))
    for bundled in ("csg_logo", "mesh"):  # too few objects for a structure: the numpy path
        out[bundled] = ROOT / "scenes" / f"{bundled}.py"
    out["spheres10k"] = tmp / "spheres10k.py"
    out["spheres10k"].write_text(SPHERES_SCENE)
    out["cloud10k"] = tmp / "cloud10k.py"
    out["cloud10k"].write_text(CLOUD_SCENE)
    return out


def time_rounds(path: Path, settings: RenderSettings, runs: int) -> dict[str, list[float]]:
    """Return per-round render times of both walks, each on its own 2 warm workers."""
    source = SceneSource.from_path(path)
    times: dict[str, list[float]] = {"compiled": [], "numpy": []}
    services = {}
    for walk in times:
        if walk == "numpy":
            os.environ["PURAY_NO_JIT"] = "1"
        services[walk] = RenderService(processes=2)
        os.environ.pop("PURAY_NO_JIT", None)
    try:
        for service in services.values():
            service.wait_ready()
            for _ in range(2):  # warm-up: load, snapshot to the other worker, caches
                _render(service, source, settings)
        for _ in range(runs):
            for walk, service in services.items():
                times[walk].append(_render(service, source, settings))
    finally:
        for service in services.values():
            service.close()
    return times


def cpu_seconds(path: Path, settings: RenderSettings, runs: int) -> dict[str, float]:
    """Return the least CPU seconds of a render in this process, each walk (load excluded)."""
    from tracer.accel import aggregates, compiled

    least = aggregates.MIN_PRIMS, compiled.MIN_PRIMS
    best = {}
    for walk in ("compiled", "numpy"):
        if walk == "numpy":
            os.environ["PURAY_NO_JIT"] = "1"
        if FORCE and walk == "compiled":
            aggregates.MIN_PRIMS = compiled.MIN_PRIMS = 1
        loaded = load(SceneSource.from_path(path), settings)
        aggregates.MIN_PRIMS, compiled.MIN_PRIMS = least
        height = settings.height or loaded.scene.height
        render_rows(loaded, settings, 0, height)  # warm: caches, allocator
        times = []
        for _ in range(runs):
            start = time.process_time()
            render_rows(loaded, settings, 0, height)
            times.append(time.process_time() - start)
        os.environ.pop("PURAY_NO_JIT", None)
        best[walk] = min(times)
    return best


#: Set by --force: every structure compiled in this process, however few its objects.
FORCE: list[bool] = []


def _render(service: RenderService, source: SceneSource, settings: RenderSettings) -> float:
    start = time.perf_counter()
    job = service.submit(source, settings)
    while True:
        ev = service.events.get(timeout=600)
        if ev.job == job and isinstance(ev, (JobFinished, JobFailed)):
            break
    if isinstance(ev, JobFailed):
        raise SystemExit(f"render failed: {ev.error}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--width", type=int, default=960)
    parser.add_argument("--height", type=int, default=540)
    parser.add_argument("--only", default="", help="comma-separated scene names")
    parser.add_argument("--force", action="store_true", help="compiled however few objects")
    args = parser.parse_args()
    FORCE[:] = [True] if args.force else []
    with tempfile.TemporaryDirectory() as tmpdir:
        paths = scenes(Path(tmpdir))
        only = [n for n in args.only.split(",") if n] or list(paths)
        for name in only:
            for shadows in (False, True):
                settings = RenderSettings(width=args.width, height=args.height, shadows=shadows)
                times = time_rounds(paths[name], settings, args.runs)
                mpix = args.width * args.height / 1e6
                c, n = (statistics.median(times[w]) for w in ("compiled", "numpy"))
                cpu = cpu_seconds(paths[name], settings, args.runs)
                cc, nc = cpu["compiled"], cpu["numpy"]
                print(
                    f"{name:11s} {'shadows' if shadows else 'primary':7s} 2 workers: "
                    f"compiled {c * 1e3:7.1f} ms {mpix / c:6.2f} Mpix/s, "
                    f"numpy {n * 1e3:7.1f} ms {mpix / n:6.2f} Mpix/s, ratio {n / c:5.2f} | "
                    f"CPU s: compiled {cc:6.3f}, numpy {nc:6.3f}, ratio {nc / cc:5.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
