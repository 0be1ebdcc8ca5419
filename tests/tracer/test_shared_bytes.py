"""Big snapshots travel in shared memory: the same pixels, and no block left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import pytest

from tests.tracer.helpers import collect, write_scene
from tracer.kernel.render import render_image, render_rows, restore
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings
from tracer.workers import shared_bytes, worker
from tracer.workers.protocol import Load
from tracer.workers.service import RenderService

pytestmark = pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="no POSIX shared memory")

#: A floor of 60,000 triangles (a snapshot of several MB) and a ball, seen from above.
BIG = """
import numpy as np
from tracer import Color, Light, LookAtCamera, Material, Mesh, Point, Sphere
WIDTH, HEIGHT = 320, 400  # 4 blocks: the second worker waits for a snapshot
CAMERA = LookAtCamera(Point(0, -6, -6), look_at=Point(0, 0, 0), fov=50)
LIGHTS = [Light(Point(-4, -8, -4), Color(1, 1, 1))]
n = 174
x, z = np.meshgrid(np.linspace(-5, 5, n), np.linspace(-5, 5, n))
y = 0.2 * np.sin(x * 2) * np.cos(z * 3) + 1
vertices = np.stack((x, y, z), -1).reshape(-1, 3)
i = np.arange(n * n).reshape(n, n)[:-1, :-1].ravel()
faces = np.concatenate([np.stack((i, i + 1, i + n), 1), np.stack((i + 1, i + n + 1, i + n), 1)])
OBJECTS = [Mesh(vertices, faces, Material(Color(0.3, 0.6, 0.9))),
           Sphere(Point(0, -0.5, 0), 1.0, Material(Color(1, 0.2, 0.2), reflection=0.3))]
"""


def _blocks() -> set[str]:
    return {name for name in os.listdir("/dev/shm") if name.startswith(shared_bytes.PREFIX)}


def test_bytes_go_into_a_block_and_come_back_until_released():
    data = np.random.default_rng(1).bytes(3 << 20)
    shared = shared_bytes.share(data)
    assert isinstance(shared, shared_bytes.SharedBytes)
    assert shared_bytes.read(shared) == data
    shared_bytes.release(shared)
    assert shared.name not in _blocks()
    with pytest.raises(FileNotFoundError):
        shared_bytes.read(shared)
    assert shared_bytes.share(b"small") == b"small"  # small ones go by pipe


def test_a_loaded_mesh_is_shared_in_a_block_and_renders_the_same_pixels(tmp_path):
    source = SceneSource.from_path(write_scene(tmp_path, "big.py", BIG))
    settings = RenderSettings()
    reply = worker._load(Load(1, source, settings, True))
    assert isinstance(reply.snapshot, shared_bytes.SharedBytes)
    try:
        taken = restore(shared_bytes.read(reply.snapshot))
    finally:
        shared_bytes.release(reply.snapshot)
    own = render_image(source, settings)
    assert np.array_equal(render_rows(taken, settings, 0, 400), own)


def test_two_workers_render_a_big_mesh_as_one_and_leave_no_block(tmp_path):
    source = SceneSource.from_path(write_scene(tmp_path, "big.py", BIG))
    settings = RenderSettings()
    before = _blocks()
    with RenderService(processes=2, start_method="fork") as service:
        frame, _events = collect(service, service.submit(source, settings))
        cancelled = service.submit(source, settings.with_(max_depth=3, seed=7))
        service.cancel(cancelled)
        time.sleep(0.5)
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) > 20  # a picture, not a blank
    assert np.array_equal(frame, render_image(source, settings))
    assert _blocks() <= before


def test_a_service_frees_the_blocks_of_services_that_were_killed():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    orphan = shared_bytes.SHM_FOLDER / f"{shared_bytes.PREFIX}{gone.pid}-1-0"
    ours = shared_bytes.SHM_FOLDER / f"{shared_bytes.PREFIX}{os.getpid()}-1-0"
    for block in (orphan, ours):
        block.write_bytes(b"a snapshot")
    try:
        with RenderService(processes=1, start_method="fork"):
            pass
        assert not orphan.exists()
        assert ours.exists()  # a live service's block stays
    finally:
        for block in (orphan, ours):
            block.unlink(missing_ok=True)


def test_a_killed_command_leaves_no_block_behind(tmp_path):
    path = write_scene(tmp_path, "big.py", BIG)
    out = tmp_path / "big.png"
    args = [sys.executable, "-m", "tracer.cli", "render", str(path), "-q", "-o", str(out)]
    args += ["--width", "1280", "--height", "1600", "--samples", "4"]  # a while: killed in it
    command = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    own = f"{shared_bytes.PREFIX}{command.pid}-"
    try:
        deadline = time.monotonic() + 30
        while not any(b.startswith(own) for b in _blocks()) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert any(b.startswith(own) for b in _blocks()), "the second worker took no block"
    finally:
        command.kill()
        command.wait()
    deadline = time.monotonic() + 5  # the workers' reapers free it as the workers end
    while any(b.startswith(own) for b in _blocks()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(b.startswith(own) for b in _blocks())
    assert not out.exists()
