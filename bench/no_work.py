"""Work done once: 1 against 2 workers on a big mesh, OBJ and scene-source loading, A/B by repo.

    python bench/no_work.py [--rounds 3] [--triangles 124000] [--width 960 --height 540]
                            [--shadows] [--repo PATH ...] [--only frames|loads]

frames: a generated mesh of --triangles triangles (a bumpy sphere read from an OBJ file) on a
floor, rendered by a fresh RenderService of 1 and of 2 workers: the whole first frame of a new
version (load included) and a re-render of the version the workers hold (new settings). For
each: wall seconds, and the CPU seconds of the busiest worker ("busiest"; Linux), which is the
frame's time on a machine with a free core per worker, whatever else the machine runs. Prints
the 2-worker figures as ratios to the 1-worker ones of the same repo and round (goal: <= 0.7).

loads: parse + build (Mesh.prepare) of a generated 1M-triangle OBJ (goal: under 2 s), reading
(SceneSource.from_path) and loading (its code run and checked) a 1.2 MB scene of 10,000
literal spheres, and the whole load of a scene of that OBJ ("1M scene load": its code, the
OBJ read and prepared, the kernel's arrays and acceleration structure built; wall and CPU).

Each measurement runs in a fresh process with one repo's code (--repo, default this one; give
two, e.g. a checkout of main and this branch, for an A/B), the repos interleaved in every
round, so a busy machine slows both alike; the last lines are the medians and their ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MESH_SCENE = """\
from tracer import Color, Light, LookAtCamera, Material, Mesh, Plane, Point, Vector
WIDTH, HEIGHT = {width}, {height}
CAMERA = LookAtCamera(Point(0, -1.0, -3.2), look_at=Point(0, 0, 0), fov=50)
OBJECTS = [
    Plane(Point(0, 1.1, 0), Vector(0, -1, 0), Material(Color(0.8, 0.8, 0.8))),
    Mesh.from_obj("{obj}", Material(Color(0.8, 0.5, 0.3), reflection=0.2)),
]
LIGHTS = [Light(Point(-4, -7, -6), Color(1, 1, 1))]
# version {version}
"""


def bumpy_sphere(triangles: int):
    """Return (vertices, faces) of a closed, bumpy UV sphere of about ``triangles`` triangles."""
    import numpy as np

    nv = max(3, round((triangles / 4) ** 0.5))
    nu = max(3, round(triangles / (2 * nv)))
    u = np.linspace(0, 2 * np.pi, nu, endpoint=False)
    v = np.linspace(0, np.pi, nv + 1)[1:-1]
    uu, vv = np.meshgrid(u, v)
    r = 1 + 0.05 * np.sin(7 * uu) * np.sin(5 * vv)
    ring = np.stack((r * np.sin(vv) * np.cos(uu), r * np.cos(vv), r * np.sin(vv) * np.sin(uu)), -1)
    points = np.vstack((ring.reshape(-1, 3), [[0, 1, 0], [0, -1, 0]]))
    top, bottom = len(points) - 2, len(points) - 1
    idx = np.arange((nv - 1) * nu).reshape(nv - 1, nu)
    a, b = idx[:-1], np.roll(idx[:-1], -1, 1)
    c, d = idx[1:], np.roll(idx[1:], -1, 1)
    faces = [np.stack((a, c, b), -1).reshape(-1, 3), np.stack((b, c, d), -1).reshape(-1, 3)]
    faces.append(np.stack((np.full(nu, top), idx[0], np.roll(idx[0], -1)), -1))
    faces.append(np.stack((np.full(nu, bottom), np.roll(idx[-1], -1), idx[-1]), -1))
    return points, np.concatenate(faces)


def write_obj(path: Path, triangles: int) -> int:
    points, faces = bumpy_sphere(triangles)
    with open(path, "w") as f:
        f.write("# a bumpy sphere made by bench/no_work.py\n")
        f.write("".join(f"v {x:.6f} {y:.6f} {z:.6f}\n" for x, y, z in points))
        f.write("".join(f"f {a + 1} {b + 1} {c + 1}\n" for a, b, c in faces))
    return len(faces)


def write_spheres(path: Path, count: int = 10_000) -> None:
    import random

    rng = random.Random(3)
    lines = [
        "from tracer import *",
        "WIDTH, HEIGHT = 480, 270",
        "CAMERA = LookAtCamera(Point(0, -30, -120), look_at=Point(0, 0, 0), fov=60)",
        "LIGHTS = [Light(Point(40, -80, -60), Color(1, 1, 1))]",
        "material = Material(Color(0.8, 0.3, 0.2), reflection=0.2)",
        "OBJECTS = [",
    ]
    for _ in range(count):
        x, y, z = (rng.uniform(-50, 50) for _ in range(3))
        r = rng.uniform(0.2, 1.2)
        lines.append(f"    Sphere(Vector({x:.17f}, {y:.17f}, {z:.17f}), {r:.17f}, material),")
    path.write_text("\n".join([*lines, "]"]) + "\n")


# -- measured in a child process, with one repo's code ---------------------------------------


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _cpu_of(pid: int) -> float:
    """Return a process's CPU seconds so far (Linux: /proc; elsewhere 0)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_frames(args) -> dict:
    from tracer.scene.load import SceneSource
    from tracer.settings import RenderSettings
    from tracer.workers.service import JobFailed, JobFinished, RenderService

    folder = Path(args.folder)
    scene = folder / f"mesh_{args.processes}_{os.getpid()}.py"
    text = MESH_SCENE.format(
        width=args.width, height=args.height, obj=folder / "mesh.obj", version=os.getpid()
    )
    scene.write_text(text)
    source = SceneSource.from_path(scene)
    settings = RenderSettings(shadows=args.shadows, load_timeout=120.0)
    times = {}
    with RenderService(processes=args.processes, start_method="fork") as service:
        service.wait_ready()
        pids = service.worker_pids()
        for name, s in (("first", settings), ("again", settings.with_(max_depth=4))):
            before = [_cpu_of(pid) for pid in pids]
            start = time.perf_counter()
            job = service.submit(source, s)
            while True:
                event = service.events.get()
                if event.job == job and isinstance(event, (JobFinished, JobFailed)):
                    break
            if isinstance(event, JobFailed):
                raise SystemExit(f"the render failed: {event.error}")
            times[name] = time.perf_counter() - start
            busy = [_cpu_of(pid) - t for pid, t in zip(pids, before, strict=True)]
            times[f"{name} busiest"] = max(busy)
    times["cpu"] = _cpu()
    return times


def child_loads(args) -> dict:
    from tracer.geometry.mesh import Mesh
    from tracer.geometry.obj import parse_obj
    from tracer.kernel.render import load
    from tracer.scene.source import SceneSource
    from tracer.settings import RenderSettings

    folder = Path(args.folder)
    obj = folder / "million.obj"
    data = obj.read_bytes()
    start = time.perf_counter()
    parsed = parse_obj(str(obj), data)
    parsed_at = time.perf_counter()
    mesh = Mesh(parsed.vertices, parsed.faces)
    mesh.prepare()
    built_at = time.perf_counter()
    spheres = folder / "spheres.py"
    source = SceneSource.from_path(spheres)
    read_at = time.perf_counter()
    load(source, RenderSettings())
    loaded_at = time.perf_counter()
    scene = folder / "million.py"
    scene.write_text(MESH_SCENE.format(width=96, height=54, obj=obj, version=0))
    mesh_source = SceneSource.from_path(scene)
    cpu, wall = time.process_time(), time.perf_counter()
    load(mesh_source, RenderSettings())  # the scene's code, the OBJ, and its hierarchy
    return {
        "obj parse": parsed_at - start,
        "obj build": built_at - parsed_at,
        "obj parse+build": built_at - start,
        "10k source read": read_at - built_at,
        "10k load": loaded_at - read_at,
        "1M scene load": time.perf_counter() - wall,
        "1M scene load cpu": time.process_time() - cpu,
    }


def run_child(repo: Path, args, kind: str, processes: int = 1) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--folder", args.folder]
    command += ["--processes", str(processes), "--width", str(args.width)]
    command += ["--height", str(args.height)] + (["--shadows"] if args.shadows else [])
    env = {**os.environ, "PYTHONPATH": str(repo), "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run(command, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{repo.name}: {kind} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the driver --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--triangles", type=int, default=124_000)
    parser.add_argument("--width", type=int, default=960)
    parser.add_argument("--height", type=int, default=540)
    parser.add_argument("--shadows", action="store_true")
    parser.add_argument("--repo", action="append", type=Path)
    parser.add_argument("--only", choices=("frames", "loads"))
    parser.add_argument("--child", choices=("frames", "loads"))
    parser.add_argument("--folder")
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    if args.child:
        work = child_frames if args.child == "frames" else child_loads
        print(json.dumps(work(args)))
        return
    repos = [r.resolve() for r in args.repo or [ROOT]]
    with tempfile.TemporaryDirectory() as folder:
        args.folder = folder
        made = write_obj(Path(folder) / "mesh.obj", args.triangles)
        print(f"mesh: {made} triangles, {args.width}x{args.height}, shadows {args.shadows}")
        if args.only != "frames":
            write_obj(Path(folder) / "million.obj", 1_000_000)
            write_spheres(Path(folder) / "spheres.py")
        results: dict = {}
        for k in range(args.rounds):
            for repo in repos:
                measure_round(repo, args, results.setdefault(str(repo), {}), k)
        summarize(results, repos)


def measure_round(repo: Path, args, into: dict, k: int) -> None:
    if args.only != "loads":
        one = run_child(repo, args, "frames", 1)
        two = run_child(repo, args, "frames", 2)
        for name in ("first", "again", "first busiest", "again busiest"):
            into.setdefault(f"{name} 1w", []).append(one[name])
            into.setdefault(f"{name} 2w", []).append(two[name])
            into.setdefault(f"{name} 2w/1w", []).append(two[name] / max(one[name], 1e-9))
        into.setdefault("cpu 1w", []).append(one["cpu"])
        into.setdefault("cpu 2w", []).append(two["cpu"])
        print(
            f"round {k} {repo.name}: first {one['first']:.2f} s / {two['first']:.2f} s "
            f"= {two['first'] / one['first']:.2f}, again {one['again']:.2f} / "
            f"{two['again']:.2f} = {two['again'] / one['again']:.2f}; busiest worker's cpu: "
            f"first {one['first busiest']:.2f} / {two['first busiest']:.2f}, again "
            f"{one['again busiest']:.2f} / {two['again busiest']:.2f} "
            f"(all cpu {one['cpu']:.1f} / {two['cpu']:.1f} s)",
            flush=True,
        )
    if args.only != "frames":
        loads = run_child(repo, args, "loads")
        for name, value in loads.items():
            into.setdefault(name, []).append(value)
        print(f"round {k} {repo.name}: " + ", ".join(f"{n} {v:.2f} s" for n, v in loads.items()))


def summarize(results: dict, repos: list[Path]) -> None:
    print("medians (s; ratios are 2 workers / 1 worker, or B / A):")
    names = list(results[str(repos[0])])
    for name in names:
        values = [statistics.median(results[str(r)][name]) for r in repos]
        line = f"  {name:>24}: " + "  ".join(
            f"{r.name} {v:.3f}" for r, v in zip(repos, values, strict=False)
        )
        if len(repos) == 2 and values[0]:
            line += f"  B/A {values[1] / values[0]:.2f}"
        print(line)


if __name__ == "__main__":
    main()
