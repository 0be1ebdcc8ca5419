"""puray render and the user's files: read-only outputs need --force, a sequence goes in all or
none, SIGTERM leaves no temporary file or worker, and every writer refuses bad FPS and sizes."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from tests.tracer.helpers import PURAY_HEADER, write_scene
from tracer.cli.main import main
from tracer.output.rate import MIN_FPS
from tracer.output.writers import open_writer
from tracer.workers.service import RenderService

ROOT = Path(__file__).resolve().parents[2]
TWOBALLS = ROOT / "scenes" / "twoballs.py"
SMALL = ["--width", "64", "--height", "36"]

#: Five frames of a moving ball; {size} sets WIDTH and HEIGHT, {extra} goes at the end.
MOVING = PURAY_HEADER + textwrap.dedent(
    """
    FRAMES = 5
    FPS = 12
    {size}
    CAMERA = Vector(0, 0, -1)
    OBJECTS = [Sphere(Point(-0.8 + 1.6 * T, 0, 1), 0.3, Material(Color(1, 0.2 * FRAME, 0)))]
    LIGHTS = [Light(Point(1.5, -0.5, -10), Color(1, 1, 1))]
    {extra}
    """
)


def moving(size: str = "WIDTH, HEIGHT = 32, 18", extra: str = "") -> str:
    return MOVING.format(size=size, extra=extra)


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=2) as svc:
        yield svc


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*"))


def test_a_read_only_output_needs_force(service, tmp_path, capsys):
    out = tmp_path / "keep.png"
    out.write_bytes(b"a picture the user protected")
    out.chmod(0o444)
    args = ["render", str(TWOBALLS), "-o", str(out), "-q", *SMALL]
    assert main(args, service) == 2
    assert (
        capsys.readouterr().err == f"puray: error: {out} is read-only: use --force to replace it\n"
    )
    assert out.read_bytes() == b"a picture the user protected"
    broken = write_scene(tmp_path, "broken.py", "WIDTH = 8\nHEIGHT = 8\nraise RuntimeError('x')\n")
    assert main(["render", str(broken), "-o", str(out)], service) == 2  # refused before rendering
    assert (
        capsys.readouterr().err == f"puray: error: {out} is read-only: use --force to replace it\n"
    )
    assert main([*args, "--force"], service) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    assert stat.S_IMODE(out.stat().st_mode) == 0o444  # replaced, still read-only
    assert hidden(tmp_path) == []


@pytest.mark.parametrize("name", ["m.gif", "m.mp4"])
def test_a_read_only_animation_output_needs_force(service, tmp_path, capsys, name):
    if name.endswith(".mp4"):
        pytest.importorskip("av")
    scene = write_scene(tmp_path, "moving.py", moving())
    out = tmp_path / name
    out.write_bytes(b"protected")
    out.chmod(0o444)
    assert main(["render", str(scene), "-o", str(out), "-q"], service) == 2
    assert (
        capsys.readouterr().err == f"puray: error: {out} is read-only: use --force to replace it\n"
    )
    assert out.read_bytes() == b"protected"
    assert main(["render", str(scene), "-o", str(out), "-q", "--force"], service) == 0
    assert out.read_bytes() != b"protected"
    assert stat.S_IMODE(out.stat().st_mode) == 0o444
    assert hidden(tmp_path) == []


def test_force_replaces_read_only_frames_of_a_sequence_keeping_their_mode(service, tmp_path):
    scene = write_scene(tmp_path, "moving.py", moving())
    frame = tmp_path / "f_3.png"
    frame.write_bytes(b"protected")
    frame.chmod(0o444)
    out = tmp_path / "f_%d.png"
    assert main(["render", str(scene), "-o", str(out), "-q", "--force"], service) == 0
    assert frame.read_bytes().startswith(b"\x89PNG")
    assert stat.S_IMODE(frame.stat().st_mode) == 0o444
    assert hidden(tmp_path) == []


def test_a_sequence_that_fails_while_moving_in_restores_every_old_frame(
    service, tmp_path, capsys, monkeypatch
):
    scene = write_scene(tmp_path, "moving.py", moving())
    folder = tmp_path / "seq"
    folder.mkdir()
    old = {f"f_{k:02d}.png": f"old frame {k}".encode() for k in range(5)}
    for name, data in old.items():
        (folder / name).write_bytes(data)
    real_replace = os.replace

    def full_disk_at_frame_2(source, target):
        if target.endswith("f_02.png") and not Path(source).read_bytes().startswith(b"old"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr("tracer.output.batch.os.replace", full_disk_at_frame_2)
    pattern = folder / "f_%02d.png"
    assert main(["render", str(scene), "-o", str(pattern), "-q", "--force"], service) == 2
    err = capsys.readouterr().err
    assert err == (
        f"puray: error: cannot write {folder / 'f_02.png'}: No space left on device: free some "
        "space or choose another disk; the other files were left as they were\n"
    )
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == old  # not one new frame
    assert hidden(tmp_path) == []


# -- SIGTERM ---------------------------------------------------------------------------------


def _workers_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                found.append(int(entry))
    return found


def _wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
@pytest.mark.parametrize("name", ["movie.mp4", "movie.gif", "seq/f_%02d.png"])
@pytest.mark.parametrize(
    ("signum", "status", "said"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")],
    ids=["SIGTERM", "Ctrl+C"],
)
def test_sigterm_during_an_export_leaves_no_temporary_file_and_no_worker(
    tmp_path, name, signum, status, said
):
    if name.endswith(".mp4"):
        pytest.importorskip("av")
    marker = tmp_path / "frame2.started"
    slow = f"if FRAME >= 2:\n    open({str(marker)!r}, 'w').close()\n    time.sleep(120)"
    scene = write_scene(tmp_path, "slow.py", "import time\n" + moving(extra=slow))
    out = tmp_path / name
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(scene), "-o", str(out), "-q"]
    proc = subprocess.Popen([*cmd, "--processes", "2"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(marker.exists)  # frames 0 and 1 are done or nearly: temporary files exist
        if name != "movie.gif":  # a GIF is encoded only at the end
            _wait_for(lambda: hidden(tmp_path) != [])
        workers = _workers_of(proc.pid)
        assert workers
        proc.send_signal(signum)
        assert proc.wait(timeout=30) == status
        err = proc.stderr.read()
    finally:
        proc.kill()
        proc.stderr.close()
    assert err == f"puray: {said}; nothing written\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["frame2.started", "slow.py"]
    _wait_for(lambda: not [w for w in workers if Path(f"/proc/{w}").exists()], timeout=5)


# -- FPS and frame sizes ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["m.gif", "m.png", "m.webp", "m.mp4", "f_%d.png"])
@pytest.mark.parametrize("fps", [0.0001, 0.0, -1.0, float("inf"), 5000.0])
def test_every_writer_refuses_an_fps_outside_the_range(tmp_path, name, fps):
    if name.endswith(".mp4"):
        pytest.importorskip("av")
    with pytest.raises(ValueError, match=r"FPS must be from 0\.1 to 1000 frames per second"):
        open_writer(str(tmp_path / name), fps)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["m.gif", "m.png", "m.webp", "m.mp4"])
def test_every_writer_takes_the_slowest_fps(tmp_path, name):
    """0.1 fps is ten seconds a frame: GIF, APNG and WebP store it, MP4 gets a time base."""
    if name.endswith(".mp4"):
        av = pytest.importorskip("av")
    path = tmp_path / name
    writer = open_writer(str(path), MIN_FPS)
    writer.begin(range(2), 2, {"Scene": "test"})
    for k in range(2):
        writer.add(k, np.full((8, 8, 3), 100 * k, np.uint8))
    writer.commit({})
    if name.endswith(".mp4"):
        with av.open(str(path)) as movie:
            stream = movie.streams.video[0]
            assert stream.frames == 2
            assert float(stream.average_rate) == pytest.approx(MIN_FPS)
        return
    durations = []
    with Image.open(path) as image:
        for frame in ImageSequence.Iterator(image):
            frame.load()  # WebP tells a frame's duration once it is decoded
            durations.append(frame.info["duration"])
    assert durations == [10000, 10000]


@pytest.mark.parametrize("name", ["m.gif", "m.png", "m.webp", "m.mp4", "seq/f_%d.png"])
def test_a_frame_of_another_size_is_refused_by_every_writer(service, tmp_path, capsys, name):
    if name.endswith(".mp4"):
        pytest.importorskip("av")
    scene = write_scene(tmp_path, "growing.py", moving("WIDTH, HEIGHT = 32 + 2 * FRAME, 18"))
    (tmp_path / "m.png").write_bytes(b"the user's file")
    out = tmp_path / name
    assert main(["render", str(scene), "-o", str(out), "-q"], service) == 2
    err = capsys.readouterr().err
    line = scene.read_text().splitlines().index("WIDTH, HEIGHT = 32 + 2 * FRAME, 18") + 1
    assert err.startswith(f"puray: error: {scene}:{line}: frame 1 is 34x18 but frame 0 was")
    assert "32x18: every frame of an animation must have the same size" in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["growing.py", "m.png"]
    assert (tmp_path / "m.png").read_bytes() == b"the user's file"
