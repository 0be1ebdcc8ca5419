"""Render speed of solids: the CSG logo and a 100,000-triangle mesh against twoballs.

    python bench/solids.py [--runs N] [--width W --height H] [--shadows]

All three scenes render on the same 2 warm worker processes in one run (the machine is
shared: only ratios within a run mean much); then each renders in this process, timed in CPU
seconds, which a busy machine disturbs much less than wall-clock time. The mesh is a torus
knot of 100,000 triangles written to a temporary OBJ file and read with Mesh.from_obj, so its
load (running the scene: OBJ parse, BVH build) is timed too, in this process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracer.scene.load import SceneSource  # noqa: E402
from tracer.settings import RenderSettings  # noqa: E402
from tracer.workers.service import JobFailed, JobFinished, RenderService  # noqa: E402

MESH_SCENE = """\
from tracer import *
WIDTH, HEIGHT = 960, 540
CAMERA = LookAtCamera(Point(0, -2.4, -4.6), look_at=Point(0, -0.5, 1.0), fov=50)
OBJECTS = [
    Plane(Point(0, 0.45, 0), Vector(0, -1, 0),
          ChequeredMaterial(Color(0.94, 0.93, 0.88), Color(0.19, 0.19, 0.23), ambient=0.15,
                            reflection=0.25)),
    Mesh.from_obj("knot.obj", Material(Color(0.8, 0.3, 0.1), ambient=0.08, reflection=0.3))
        .rotated(Vector(1, 0, 0), -62).translated(-0.3, -0.6, 1.3),
]
LIGHTS = [Light(Point(-4, -7, -6)), Light(Point(5, -4, -3), Color(0.5, 0.53, 0.63))]
"""


def knot_obj(segments: int = 2000, sides: int = 25) -> str:
    """Return OBJ text of a (2, 3) torus knot tube: segments * sides * 2 triangles."""
    t = np.linspace(0, 2 * np.pi, segments, endpoint=False)

    def curve(t):
        r = 2 + np.cos(3 * t)
        return np.stack((r * np.cos(2 * t), np.sin(3 * t), r * np.sin(2 * t)), axis=1) * 0.36

    centre = curve(t)
    tangent = curve(t + 1e-4) - curve(t - 1e-4)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    side = np.cross(tangent, centre)
    side /= np.linalg.norm(side, axis=1, keepdims=True)
    up = np.cross(side, tangent)
    a = np.linspace(0, 2 * np.pi, sides, endpoint=False)
    normals = np.cos(a)[None, :, None] * up[:, None] + np.sin(a)[None, :, None] * side[:, None]
    verts = (centre[:, None] + 0.16 * normals).reshape(-1, 3)
    normals = normals.reshape(-1, 3)
    i, j = np.divmod(np.arange(segments * sides), sides)
    quads = (
        np.stack(
            (
                i * sides + j,
                (i + 1) % segments * sides + j,
                (i + 1) % segments * sides + (j + 1) % sides,
                i * sides + (j + 1) % sides,
            ),
            axis=1,
        )
        + 1
    )
    lines = [f"v {x:.6f} {y:.6f} {z:.6f}" for x, y, z in verts]
    lines += [f"vn {x:.6f} {y:.6f} {z:.6f}" for x, y, z in normals]
    lines += ["f " + " ".join(f"{k}//{k}" for k in q) for q in quads]
    return "\n".join(lines) + "\n"


def render_once(service: RenderService, source: SceneSource, settings: RenderSettings) -> float:
    start = time.perf_counter()
    job = service.submit(source, settings)
    while True:
        ev = service.events.get(timeout=600)
        if ev.job == job and isinstance(ev, (JobFinished, JobFailed)):
            break
    if isinstance(ev, JobFailed):
        raise SystemExit(f"render failed: {ev.error}")
    return time.perf_counter() - start


def cpu_seconds(source: SceneSource, settings: RenderSettings, runs: int) -> tuple:
    """Return CPU seconds of loading the scene and (median) of rendering a frame, here."""
    from tracer.kernel.render import frame_size, load, render_rows

    start = time.process_time()
    loaded = load(source, settings)
    load_time = time.process_time() - start
    _w, h = frame_size(loaded.scene, settings)
    times = []
    for _ in range(runs):
        start = time.process_time()
        render_rows(loaded, settings, 0, h)
        times.append(time.process_time() - start)
    return load_time, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--width", type=int, default=960)
    parser.add_argument("--height", type=int, default=540)
    parser.add_argument("--shadows", action="store_true")
    args = parser.parse_args()
    settings = RenderSettings(width=args.width, height=args.height, shadows=args.shadows)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        (tmp / "knot.obj").write_text(knot_obj())
        (tmp / "knot_scene.py").write_text(MESH_SCENE)
        scenes = {
            "twoballs": SceneSource.from_path(ROOT / "scenes" / "twoballs.py"),
            "csg_logo": SceneSource.from_path(ROOT / "scenes" / "csg_logo.py"),
            "mesh 100k triangles": SceneSource.from_path(tmp / "knot_scene.py"),
        }
        times = {}
        with RenderService(processes=2) as service:
            service.wait_ready()
            for name, source in scenes.items():
                render_once(service, source, settings)  # warm-up: loads, both workers
                render_once(service, source, settings)
                times[name] = statistics.median(
                    render_once(service, source, settings) for _ in range(args.runs)
                )
        cpu = {name: cpu_seconds(source, settings, args.runs) for name, source in scenes.items()}
    shadows = ", shadows" if args.shadows else ""
    print(f"{args.width}x{args.height}, depth 5{shadows}, 2 warm workers, median of {args.runs}")
    base, cpu_base = times["twoballs"], cpu["twoballs"][1]
    for name, t in times.items():
        print(f"{name:22s} {t * 1e3:8.0f} ms  {t / base:6.1f}x twoballs")
    print("one process, CPU time per frame (and to load the scene):")
    for name, (load_time, t) in cpu.items():
        print(
            f"{name:22s} {t * 1e3:8.0f} ms  {t / cpu_base:6.1f}x twoballs  (load {load_time:.2f} s)"
        )


if __name__ == "__main__":
    main()
