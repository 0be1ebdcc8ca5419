"""The puray command end to end: files written, their pixels and metadata, atomic output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tracer import RenderSettings, SceneSource
from tracer.cli.main import main
from tracer.kernel.render import render_image
from tracer.output.image import write_image
from tracer.workers.service import RenderService

ROOT = Path(__file__).resolve().parents[2]
TWOBALLS = ROOT / "scenes" / "twoballs.py"
SMALL = ["--width", "64", "--height", "36"]

BROKEN = """\
WIDTH = 64
HEIGHT = 36
raise RuntimeError("broken on purpose")
"""


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=2) as svc:
        yield svc


def cli(*args: str | os.PathLike, cwd: Path = ROOT, timeout: float = 60):
    """Run ``python -m tracer.cli`` in a real process, as a user would."""
    cmd = [sys.executable, "-m", "tracer.cli", *map(str, args)]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def expected(scene: Path, **settings) -> np.ndarray:
    return render_image(SceneSource.from_path(scene), RenderSettings(**settings))


def test_render_writes_the_same_pixels_as_an_in_process_render(tmp_path):
    out = tmp_path / "balls.png"
    result = cli("render", TWOBALLS, "-o", out, *SMALL, "--processes", "2")
    assert result.returncode == 0, result.stderr
    assert np.array_equal(pixels(out), expected(TWOBALLS, width=64, height=36))
    assert "100% of 36 rows" in result.stderr  # progress, plain lines when not a terminal
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("flags", "settings"),
    [
        (["--samples", "2"], {"samples": 2}),
        (["--shadows", "--depth", "1"], {"shadows": True, "max_depth": 1}),
        (["--depth", "0", "--seed", "7"], {"max_depth": 0, "seed": 7}),
    ],
)
def test_options_reach_the_renderer(service, tmp_path, flags, settings):
    out = tmp_path / "balls.png"
    assert main(["render", str(TWOBALLS), "-o", str(out), "-q", *SMALL, *flags], service) == 0
    assert np.array_equal(pixels(out), expected(TWOBALLS, width=64, height=36, **settings))


def test_png_carries_metadata(service, tmp_path):
    out = tmp_path / "balls.png"
    assert (
        main(["render", str(TWOBALLS), "-o", str(out), "-q", *SMALL, "--samples", "2"], service)
        == 0
    )
    with Image.open(out) as im:
        text = dict(im.text)
    assert text["Software"].startswith("Puray Live ")
    assert text["Scene"] == str(TWOBALLS)
    assert text["Scene SHA-256"] == SceneSource.from_path(TWOBALLS).digest
    settings = json.loads(text["Settings"])
    assert settings == {
        "width": 64,
        "height": 36,
        "max_depth": 5,
        "samples": 2,
        "shadows": False,
        "seed": 0,
    }
    assert float(text["Render seconds"]) > 0


def test_ppm_output_is_binary_p6(service, tmp_path):
    out = tmp_path / "balls.ppm"
    assert main(["render", str(TWOBALLS), "-o", str(out), "-q", *SMALL], service) == 0
    data = out.read_bytes()
    header = b"P6\n64 36\n255\n"
    assert data.startswith(header)
    body = np.frombuffer(data[len(header) :], dtype=np.uint8).reshape(36, 64, 3)
    assert np.array_equal(body, expected(TWOBALLS, width=64, height=36))


def test_default_output_is_the_scene_name_with_png_beside_it(service, tmp_path):
    scene = tmp_path / "my_scene.py"
    scene.write_text(TWOBALLS.read_text())
    assert main(["render", str(scene), "-q", *SMALL], service) == 0
    assert sorted(os.listdir(tmp_path)) == ["my_scene.png", "my_scene.py"]
    assert np.array_equal(pixels(tmp_path / "my_scene.png"), expected(scene, width=64, height=36))


def test_an_existing_output_is_replaced_and_no_temp_file_is_left(service, tmp_path):
    out = tmp_path / "balls.png"
    out.write_bytes(b"old picture")
    out.chmod(0o640)
    assert main(["render", str(TWOBALLS), "-o", str(out), "-q", *SMALL], service) == 0
    assert os.listdir(tmp_path) == ["balls.png"]
    assert pixels(out).shape == (36, 64, 3)
    assert out.stat().st_mode & 0o777 == 0o640  # the user's permissions stay


def test_a_failed_render_leaves_the_existing_output_untouched(service, tmp_path, capsys):
    scene = tmp_path / "broken.py"
    scene.write_text(BROKEN)
    out = tmp_path / "picture.png"
    out.write_bytes(b"the previous picture")
    assert main(["render", str(scene), "-o", str(out)], service) == 2
    assert out.read_bytes() == b"the previous picture"
    assert sorted(os.listdir(tmp_path)) == ["broken.py", "picture.png"]
    assert f"{scene}:3: RuntimeError: broken on purpose" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("out.jpg", "unknown image type ('.jpg'); use .png or .ppm"),
        ("out", "unknown image type (no extension)"),
        ("missing/out.png", "does not exist"),
        ("folder.png", "is a folder"),
    ],
)
def test_a_bad_output_path_is_refused_before_rendering(service, tmp_path, capsys, output, message):
    (tmp_path / "folder.png").mkdir()
    scene = tmp_path / "broken.py"
    scene.write_text(BROKEN)  # rendering first would report the scene instead
    before = sorted(os.listdir(tmp_path))
    assert main(["render", str(scene), "-o", str(tmp_path / output)], service) == 2
    err = capsys.readouterr().err
    assert err.startswith("puray: error: ")
    assert message in err
    assert "broken on purpose" not in err
    assert sorted(os.listdir(tmp_path)) == before


def test_quiet_prints_nothing_and_a_success_message_names_the_file(service, tmp_path, capsys):
    out = tmp_path / "a.png"
    assert main(["render", str(TWOBALLS), "-o", str(out), "-q", *SMALL], service) == 0
    assert capsys.readouterr().err == ""
    assert main(["render", str(TWOBALLS), "-o", str(out), *SMALL], service) == 0
    assert f"puray: wrote {out} (64x36" in capsys.readouterr().err


def test_help_and_usage_errors(capsys):
    assert main(["render", "--help"]) == 0
    assert "--load-timeout" in capsys.readouterr().out
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("puray: error: the following arguments are required")


def test_write_image_failure_keeps_the_old_file_and_removes_the_temp(tmp_path, monkeypatch):
    out = tmp_path / "x.png"
    out.write_bytes(b"old")

    def fail_halfway(f, pixels, metadata, small):
        f.write(b"\x89PNG half an image")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tracer.output.image.write_png", fail_halfway)
    with pytest.raises(OSError, match="No space"):
        write_image(out, np.zeros((2, 3, 3), np.uint8), {})
    assert out.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["x.png"]


def test_write_image_round_trips_pixels_and_rejects_bad_arrays(tmp_path):
    rng = np.random.default_rng(5)
    frame = rng.integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    write_image(tmp_path / "a.png", frame, {"Note": "héllo ✓", "Numbers": [1, 2]})
    write_image(tmp_path / "a.ppm", frame)
    assert np.array_equal(pixels(tmp_path / "a.png"), frame)
    assert np.array_equal(pixels(tmp_path / "a.ppm"), frame)
    with Image.open(tmp_path / "a.png") as im:
        assert im.text["Note"] == "héllo ✓"
        assert json.loads(im.text["Numbers"]) == [1, 2]
    with pytest.raises(ValueError, match="uint8"):
        write_image(tmp_path / "b.png", frame.astype(np.float64))
    with pytest.raises(ValueError, match="unknown image type"):
        write_image(tmp_path / "b.gif", frame)
    assert sorted(os.listdir(tmp_path)) == ["a.png", "a.ppm"]


def test_a_new_image_gets_the_usual_permissions(tmp_path):
    old = os.umask(0o027)
    try:
        write_image(tmp_path / "new.png", np.zeros((1, 1, 3), np.uint8))
    finally:
        os.umask(old)
    assert (tmp_path / "new.png").stat().st_mode & 0o777 == 0o640  # not a temp file's 0o600


def _workers_of(pid: int) -> list[int]:
    """Return the render worker processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"resource_tracker" not in cmdline:
            found.append(int(entry))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
def test_ctrl_c_exits_130_leaves_no_file_and_no_workers(tmp_path):
    out = tmp_path / "big.png"
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(TWOBALLS), "-o", str(out)]
    cmd += ["--width", "4000", "--height", "4000", "--samples", "8", "--processes", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        assert "0% of 4000 rows" in proc.stderr.readline()  # the render has started
        workers = _workers_of(proc.pid)
        assert len(workers) == 2
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 130
        err = proc.stderr.read()
    finally:
        proc.kill()
        proc.stderr.close()
    assert "interrupted" in err
    assert "Traceback" not in err
    assert os.listdir(tmp_path) == []
    deadline = time.monotonic() + 2
    while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)  # (reaped already by close(); the wait only guards slow /proc updates)
    assert not [w for w in workers if Path(f"/proc/{w}").exists()]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
def test_ctrl_c_while_workers_start_prints_no_worker_traceback(tmp_path):
    # A terminal sends Ctrl+C to the whole process group, workers included; a worker still
    # importing numpy would die printing a KeyboardInterrupt traceback.
    cmd = [
        sys.executable,
        "-m",
        "tracer.cli",
        "render",
        str(TWOBALLS),
        "-o",
        str(tmp_path / "x.png"),
    ]
    cmd += ["--samples", "8", "--processes", "2"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 20
        while len(_workers_of(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(0.02)  # the workers are importing; the CLI has left RenderService()
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=20) == 130
        err = proc.stderr.read()
    finally:
        proc.kill()
        proc.stderr.close()
    assert "Traceback" not in err
    assert err.endswith("puray: interrupted; nothing written\n")
    assert os.listdir(tmp_path) == []


def test_scene_names_in_messages_are_shown_as_typed(service, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("oops.py").write_text(textwrap.dedent(BROKEN))
    assert main(["render", "oops.py"], service) == 2
    assert capsys.readouterr().err == "puray: error: oops.py:3: RuntimeError: broken on purpose\n"


def test_small_writes_the_same_pixels_in_fewer_bytes(service, tmp_path):
    fast, small = tmp_path / "fast.png", tmp_path / "small.png"
    base = ["render", str(TWOBALLS), "--width", "320", "--height", "180", "-q"]
    assert main([*base, "-o", str(fast)], service) == 0
    assert main([*base, "-o", str(small), "--small"], service) == 0
    assert np.array_equal(np.asarray(Image.open(fast)), np.asarray(Image.open(small)))
    assert small.stat().st_size < fast.stat().st_size


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("puray 0.")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
def test_the_command_leaves_no_process_behind(tmp_path):
    cmd = [
        sys.executable,
        "-m",
        "tracer.cli",
        "render",
        str(TWOBALLS),
        "-o",
        str(tmp_path / "x.png"),
    ]
    proc = subprocess.Popen([*cmd, "-q"], cwd=ROOT, start_new_session=True)
    workers: set[int] = set()
    while proc.poll() is None:
        workers.update(_workers_of(proc.pid))
        time.sleep(0.002)
    assert proc.returncode == 0
    assert workers  # seen while it ran
    time.sleep(0.05)
    survivors = subprocess.run(
        ["pgrep", "-s", str(proc.pid)], capture_output=True, text=True
    ).stdout.split()
    assert survivors == []  # nothing of its session is left once it has exited


def test_the_default_output_never_replaces_a_picture_puray_did_not_write(service, tmp_path, capsys):
    scene = tmp_path / "holiday.py"
    scene.write_text(TWOBALLS.read_text())
    photo = tmp_path / "holiday.png"
    photo.write_bytes(b"a photo that happens to share the scene's name")
    assert main(["render", str(scene), "-q", *SMALL], service) == 2
    assert "holiday.png exists and was not written by puray" in capsys.readouterr().err
    assert photo.read_bytes() == b"a photo that happens to share the scene's name"
    photo.unlink()
    assert main(["render", str(scene), "-q", *SMALL], service) == 0  # ours: re-rendered freely
    assert main(["render", str(scene), "-q", *SMALL], service) == 0
