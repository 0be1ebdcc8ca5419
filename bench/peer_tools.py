"""How bench/peers.py runs and times each tool: wall seconds and CPU seconds of every process.

- Puray, warm: a RenderService kept alive (the scene loaded once, at the warm-up render);
  CPU is this process's plus its workers' (read from /proc: Linux).
- Whole commands (``puray render``, ``povray``, ``mitsuba``): one process each; CPU is its
  rusage, children included. POV-Ray's own "Trace Time" (and its CPU) is parsed from its
  statistics: the part comparable with Puray's warm render.
- Mitsuba and Embree, warm: a peer_server.py process that keeps the scene loaded and times
  each render with its own clock and CPU time.
- Primary rays: Puray's acceleration structure (``aggregate.nearest``, one thread) against
  Embree's cast (one thread) of the same camera rays.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tracer.kernel.pixels import CHUNK_RAYS
from tracer.kernel.render import load
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.events import JobFailed, JobFinished
from tracer.workers.service import RenderService

SERVER = Path(__file__).resolve().parent / "peer_server.py"
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Sample:
    """One timed run: wall and CPU seconds (and POV-Ray's trace part, when it is POV-Ray)."""

    wall: float
    cpu: float
    trace: float | None = None
    trace_cpu: float | None = None


#: Seconds a whole command may take before it counts as hung (and is killed).
TIMEOUT = 600.0


def run_command(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[Sample, str]:
    """Run ``cmd`` and return its wall and CPU time (rusage, children included) and stderr."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        timer = threading.Timer(TIMEOUT, process.kill)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode(errors="replace")
    if wall >= TIMEOUT:
        raise RuntimeError(f"{Path(cmd[0]).name} did not finish in {TIMEOUT:.0f} s: killed")
    if process.returncode:
        tail = "\n".join(text.strip().splitlines()[-5:])
        raise RuntimeError(f"{Path(cmd[0]).name} exited {process.returncode}: {tail}")
    return Sample(wall, usage.ru_utime + usage.ru_stime), text


_TRACE = re.compile(
    r"Trace Time:.*?\(\s*([\d.]+) seconds\)\s*using \d+ thread\(s\) with ([\d.]+) CPU-seconds",
    re.S,
)


def povray(pov: Path, out: Path, width: int, height: int, threads: int = 2) -> Sample:
    """Render a .pov file (no anti-aliasing, linear output) and parse its trace time."""
    cmd = ["povray", f"+I{pov.name}", f"+O{out}", f"+W{width}", f"+H{height}", "-A", "-D"]
    cmd += [f"+WT{threads}", "+FN", "File_Gamma=1.0"]
    sample, text = run_command(cmd, pov.parent)
    found = _TRACE.search(text)
    if found is None:
        return sample
    return Sample(sample.wall, sample.cpu, float(found.group(1)), float(found.group(2)))


def mitsuba_command(xml: Path, out: Path, variant: str, threads: int = 2) -> Sample:
    """Render a Mitsuba XML scene with Mitsuba's own command (load, compile, render, write).

    The scene's film writes PFM: Mitsuba 3.9.1's command hung writing OpenEXR on this machine.
    """
    exe = Path(sys.executable).with_name("mitsuba")
    cmd = [str(exe), "-m", variant, "-t", str(threads), "-o", str(out), str(xml)]
    return run_command(cmd, xml.parent)[0]


def puray_command(scene: Path, out: Path, settings: RenderSettings, processes: int) -> Sample:
    """Run the whole ``puray render`` command (python -m tracer.cli) on ``processes`` workers."""
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(scene), "-o", str(out), "-q"]
    cmd += [f"--width={settings.width}", f"--height={settings.height}"]
    cmd += [f"--depth={settings.max_depth}", f"--processes={processes}"]
    cmd += ["--shadows" if settings.shadows else "--no-shadows", "--force"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return run_command(cmd, ROOT, env)[0]


def _cpu_of(pids: list[int]) -> float:
    """Return the CPU seconds (user + system) the processes ``pids`` used so far."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


class PurayWarm:
    """Puray's render service on ``processes`` workers, timed per frame once warm."""

    def __init__(self, processes: int) -> None:
        self.service = RenderService(processes=processes)
        self.service.wait_ready()

    def run(self, source: SceneSource, settings: RenderSettings) -> Sample:
        pids = self.service.worker_pids()
        start, cpu = time.perf_counter(), _cpu_of(pids) + time.process_time()
        job = self.service.submit(source, settings)
        while True:
            event = self.service.events.get(timeout=600)
            if event.job == job and isinstance(event, (JobFinished, JobFailed)):
                break
        wall = time.perf_counter() - start
        if isinstance(event, JobFailed):
            raise RuntimeError(f"puray render failed: {event.error}")
        return Sample(wall, _cpu_of(pids) + time.process_time() - cpu)

    def close(self) -> None:
        self.service.close()


class PeerServer:
    """A warm Mitsuba variant or Embree in a peer_server.py process."""

    def __init__(self, *args: str, log: Path) -> None:
        self.log = log
        with open(log, "ab") as err:
            self.process = subprocess.Popen(
                [sys.executable, str(SERVER), *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )
        self._answer()

    def load(self, key: str, path: Path) -> float:
        return self._ask({"op": "load", "key": key, "path": str(path)})["load"]

    def run(self, key: str, out: Path | None = None) -> dict:
        return self._ask({"op": "run", "key": key, "out": str(out) if out else None})

    def _ask(self, request: dict) -> dict:
        assert self.process.stdin is not None
        with contextlib.suppress(OSError):  # it died before: the answer tells how
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        return self._answer()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def _answer(self) -> dict:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            tail = self.log.read_text(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"the peer process died ({self.process.returncode}): {tail}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise RuntimeError(answer["error"])
        return answer

    def close(self) -> None:
        if self.process.stdin:
            with contextlib.suppress(OSError):  # a dead peer's pipe
                self.process.stdin.close()
        self.process.wait(timeout=60)


class PurayCast:
    """Puray's nearest-hit walk of a scene's camera rays (one thread, this process)."""

    def __init__(self, scene: Path, width: int, height: int) -> None:
        settings = RenderSettings(width=width, height=height)
        self.loaded = load(SceneSource.from_path(scene), settings)
        py, px = np.mgrid[0:height, 0:width].astype(np.float64)
        camera = self.loaded.scene.camera
        self.origin, self.d = camera.rays(px.ravel(), py.ravel(), width, height)

    def rays(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the (n, 3) origins and directions (for the peer's cast)."""
        d = np.stack(self.d, axis=1)
        return np.broadcast_to(np.array(self.origin, dtype=np.float64), d.shape), d

    def run(self) -> tuple[Sample, np.ndarray]:
        aggregate, n = self.loaded.kernel.aggregate, len(self.d[0])
        hit = np.empty(n, dtype=np.intp)
        start, cpu = time.perf_counter(), time.process_time()
        for k in range(0, n, CHUNK_RAYS):
            d = tuple(c[k : k + CHUNK_RAYS] for c in self.d)
            hit[k : k + CHUNK_RAYS] = aggregate.nearest(self.origin, d)[1]
        return Sample(time.perf_counter() - start, time.process_time() - cpu), hit
