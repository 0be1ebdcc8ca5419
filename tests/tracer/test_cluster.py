"""Rendering on a Dask LocalCluster: same pixels, lost workers, scene errors, cancel."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.tracer.helpers import (
    BUNDLED,
    PURAY_HEADER,
    collect,
    failure,
    pink_in_blue,
    write_scene,
)
from tracer.cli.main import main
from tracer.errors import SceneError
from tracer.kernel.render import render_image
from tracer.scene.load import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.service import JobFailed, PixelPicked, RowsReady

pytest.importorskip("distributed")

from tracer.workers.cluster import (
    ClusterService,
    ClusterUnavailable,
    check_scheduler,
    parse_scheduler,
)

ROOT = Path(__file__).resolve().parents[2]
SCENES = BUNDLED


@pytest.fixture(scope="module")
def cluster():
    with ClusterService("local:2") as svc:
        yield svc


def _worker_pids(svc: ClusterService) -> list[int]:
    return list(svc.client.run(os.getpid).values())


@pytest.mark.parametrize("scene", SCENES, ids=[p.stem for p in SCENES])
def test_bundled_scenes_render_identically_on_the_cluster(cluster, scene):
    source = SceneSource.from_path(scene)
    settings = RenderSettings(width=120, height=68)
    frame, _ = collect(cluster, cluster.submit(source, settings))
    np.testing.assert_array_equal(frame, render_image(source, settings))


def test_lost_worker_mid_render_still_gives_the_full_image(cluster):
    source = SceneSource.from_path(ROOT / "scenes" / "twoballs.py")
    settings = RenderSettings(width=960, height=540, samples=2)
    job = cluster.submit(source, settings)
    frame = np.zeros((540, 960, 3), np.uint8)
    killed = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ev = cluster.events.get(timeout=120)
        if ev.job != job:
            continue
        if isinstance(ev, RowsReady):
            frame[ev.y0 : ev.y1] = np.frombuffer(ev.pixels, np.uint8).reshape(ev.y1 - ev.y0, -1, 3)
            if not killed:
                os.kill(_worker_pids(cluster)[0], signal.SIGKILL)
                killed = True
        elif type(ev).__name__ in ("JobFinished", "JobFailed"):
            break
    assert type(ev).__name__ == "JobFinished", ev
    assert killed
    np.testing.assert_array_equal(frame, render_image(source, settings))


def test_scene_error_on_a_worker_names_its_line(cluster, tmp_path):
    body = PURAY_HEADER + textwrap.dedent(
        """
        class Broken(Material):
            def color_at(self, position):
                return self.colour_typo

        WIDTH, HEIGHT = 40, 30
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 1), 0.5, Broken())]
        LIGHTS = [Light(Point(0, -5, -5))]
        """
    )
    path = write_scene(tmp_path, "broken_remote.py", body)
    _, events = collect(cluster, cluster.submit(SceneSource.from_path(path), RenderSettings()))
    error = failure(events)
    assert isinstance(error, SceneError)
    assert (error.filename, error.lineno) == (str(path), 10)
    assert "colour_typo" in error.message


def _pick(cluster: ClusterService, source, settings, x: int, y: int):
    """Return the PixelPicked or JobFailed event of a pick on the cluster."""
    job = cluster.pick(source, settings, x, y)
    while True:
        event = cluster.events.get(timeout=60)
        if event.job == job:
            assert isinstance(event, (PixelPicked, JobFailed)), event
            return event


def test_a_pick_on_the_cluster_traces_the_rendered_pixel(cluster):
    source = SceneSource.from_path(ROOT / "scenes" / "twoballs.py")
    settings = RenderSettings(width=160, height=90)
    x, y = pink_in_blue(160, 90)
    event = _pick(cluster, source, settings, x, y)
    assert isinstance(event, PixelPicked)
    assert event.pick.rgb == tuple(int(v) for v in render_image(source, settings)[y, x])
    assert [b.object.index for b in event.pick.bounces[:2]] == [1, 2]  # blue, then pink


def test_a_pick_off_the_frame_on_the_cluster_fails_naming_the_scene(cluster):
    source = SceneSource.from_path(ROOT / "scenes" / "twoballs.py")
    event = _pick(cluster, source, RenderSettings(width=160, height=90), 500, 5)
    assert isinstance(event, JobFailed)
    assert isinstance(event.error, SceneError)
    assert event.error.filename == source.path
    assert "pixel (500, 5) is outside the 160x90 frame" in str(event.error)


def test_cancel_stops_the_tasks(cluster):
    source = SceneSource.from_path(ROOT / "scenes" / "twoballs.py")
    job = cluster.submit(source, RenderSettings(width=1920, height=1080, samples=3))
    while True:
        ev = cluster.events.get(timeout=60)
        if ev.job == job and isinstance(ev, RowsReady):
            break
    cluster.cancel(job)
    deadline = time.monotonic() + 10

    def tasks_left(dask_scheduler):
        return sum(
            1
            for ts in dask_scheduler.tasks.values()
            if ts.state in ("processing", "queued", "waiting", "no-worker")
        )

    while time.monotonic() < deadline and cluster.client.run_on_scheduler(tasks_left):
        time.sleep(0.1)
    assert cluster.client.run_on_scheduler(tasks_left) == 0


def test_unreachable_scheduler_is_a_clear_error():
    start = time.monotonic()
    with pytest.raises(
        ClusterUnavailable, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        ClusterService("tcp://127.0.0.1:9", connect_timeout=1)
    assert time.monotonic() - start < 10


def test_scheduler_spec_parsing():
    assert parse_scheduler("local") == ("local", 2)
    assert parse_scheduler("local:3") == ("local", 3)
    assert parse_scheduler("10.1.2.3:8786") == ("remote", "tcp://10.1.2.3:8786")
    with pytest.raises(ValueError, match="whole number"):
        parse_scheduler("local:x")


def test_cli_renders_on_a_local_cluster_like_local_workers(tmp_path):
    out = tmp_path / "cluster.png"
    scene = ROOT / "scenes" / "twoballs.py"
    args = ["render", str(scene), "-o", str(out), "--width", "160", "--height", "90", "-q"]
    assert main([*args, "--scheduler", "local:2"]) == 0
    pixels = np.asarray(Image.open(out))
    expected = render_image(SceneSource.from_path(scene), RenderSettings(width=160, height=90))
    np.testing.assert_array_equal(pixels, expected)


def test_cli_with_an_unreachable_scheduler_writes_nothing(tmp_path, capfd):
    out = tmp_path / "never.png"
    out.write_bytes(b"old picture")
    args = ["render", str(ROOT / "scenes" / "twoballs.py"), "-o", str(out), "-q"]
    assert main([*args, "--scheduler", "tcp://127.0.0.1:9"]) == 2
    err = capfd.readouterr().err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert out.read_bytes() == b"old picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["never.png"]


def test_workers_need_no_shared_filesystem(cluster, tmp_path):
    folder = tmp_path / "laptop"
    folder.mkdir()
    (folder / "mats.py").write_text(
        "from tracer import Color, Material\nBALL = Material(Color.from_hex('#ff8800'))\n"
    )
    body = PURAY_HEADER + textwrap.dedent(
        """
        import mats

        WIDTH, HEIGHT = 48, 32
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 1), 0.5, mats.BALL)]
        LIGHTS = [Light(Point(0, -5, -5))]
        """
    )
    source = SceneSource.from_path(write_scene(folder, "remote.py", body))
    expected = render_image(source, RenderSettings())
    for path in folder.iterdir():  # the files exist only on "the laptop", not on workers
        path.unlink()
    folder.rmdir()
    frame, _ = collect(cluster, cluster.submit(source, RenderSettings()))
    np.testing.assert_array_equal(frame, expected)
    assert frame[16, 24, 0] > frame[16, 24, 2]  # the sibling module's orange ball


@pytest.mark.parametrize("spec", ["bogus", "foo bar", "tcp://", "host:port"])
def test_a_malformed_scheduler_is_refused_at_once_listing_the_forms(tmp_path, capfd, spec):
    start = time.monotonic()
    args = ["render", str(ROOT / "scenes" / "twoballs.py"), "-o", str(tmp_path / "x.png")]
    assert main([*args, "--scheduler", spec]) == 2
    err = capfd.readouterr().err
    assert time.monotonic() - start < 2
    assert "use local, local:N" in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_a_refused_port_says_refused_not_timed_out():
    start = time.monotonic()
    with pytest.raises(ClusterUnavailable, match="connection refused"):
        ClusterService("127.0.0.1:1", connect_timeout=5)
    assert time.monotonic() - start < 2


def test_errors_on_workers_print_one_message_and_no_dask_internals(tmp_path, capfd):
    broken = textwrap.dedent(
        """
        class Broken(Material):
            def color_at(self, position):
                return self.colour_typo

        WIDTH, HEIGHT = 40, 30
        CAMERA = Vector(0, 0, -1)
        OBJECTS = [Sphere(Point(0, 0, 1), 0.5, Broken())]
        LIGHTS = [Light(Point(0, -5, -5))]
        """
    )
    exits = "import os\nWIDTH = 10\nos._exit(3)\n"
    for name, body, where in (("broken.py", broken, "broken.py:10:"), ("exits.py", exits, "")):
        path = write_scene(tmp_path, name, PURAY_HEADER + body)
        args = ["render", str(path), "-o", str(tmp_path / "x.png"), "-q"]
        assert main([*args, "--scheduler", "local:2"]) == 2
        err = capfd.readouterr().err
        assert err.count("\n") == 1, err
        assert err.startswith(f"puray: error: {path}")
        assert where in err
        assert "Compute Failed" not in err
        assert not (tmp_path / "x.png").exists()


def test_ctrl_c_on_a_local_cluster_prints_no_worker_tracebacks(tmp_path):
    out = tmp_path / "x.png"
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(ROOT / "scenes" / "twoballs.py")]
    cmd += ["-o", str(out), "--scheduler", "local:2", "--width", "1920", "--height", "1080"]
    cmd += ["--samples", "6"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert "0% of 1080 rows" in proc.stderr.readline()  # the cluster is up and rendering
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole group
        assert proc.wait(timeout=30) == 130
        err = proc.stderr.read()
    finally:
        proc.kill()
        proc.stderr.close()
    assert "Traceback" not in err
    assert err.endswith("puray: interrupted; nothing written\n")
    assert len(err.splitlines()) <= 3
    assert not out.exists()


def test_a_frame_on_the_cluster_is_one_run_of_the_scene(cluster, tmp_path):
    from tests.tracer.test_load_once import UNSEEDED

    path = write_scene(tmp_path, "unseeded.py", UNSEEDED.format(extra=""))
    settings = RenderSettings(samples=8)  # many blocks, spread over both workers
    frame, _ = collect(cluster, cluster.submit(SceneSource.from_path(path), settings))
    assert frame is not None
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) == 1
    assert len((tmp_path / "loads.log").read_text().split()) == 1


def _snapshots_taken(svc: ClusterService) -> int:
    """Return how many loaded scenes the cluster's workers took as snapshots so far."""
    counts = svc.client.run(
        lambda: len(__import__("tracer.workers.dask_tasks").workers.dask_tasks.taken)
    )
    return sum(counts.values())


def test_workers_holding_a_version_are_sent_none_of_it(cluster, tmp_path):
    from tests.tracer.test_load_once import UNSEEDED

    path = write_scene(tmp_path, "unseeded.py", UNSEEDED.format(extra=""))
    source = SceneSource.from_path(path)
    before = _snapshots_taken(cluster)
    first, _ = collect(cluster, cluster.submit(source, RenderSettings(samples=8)))
    assert first is not None
    after_first = _snapshots_taken(cluster)
    assert after_first - before <= 1  # the worker that did not load it, once
    for samples in (4, 2, 1):  # re-renders of the version both workers hold
        frame, _ = collect(cluster, cluster.submit(source, RenderSettings(samples=samples)))
        assert np.array_equal(frame[0, 0], first[0, 0])  # the same run of the scene
    assert _snapshots_taken(cluster) == after_first
    assert len((tmp_path / "loads.log").read_text().split()) == 1  # loaded again from cache


def test_a_version_one_worker_holds_is_loaded_again_there(cluster, tmp_path):
    from tests.tracer.test_load_once import UNSEEDED

    body = UNSEEDED.format(extra="").replace("WIDTH, HEIGHT = 64, 256", "WIDTH, HEIGHT = 8, 4")
    path = write_scene(tmp_path, "small.py", body)  # one block: one worker renders it
    source = SceneSource.from_path(path)
    first, _ = collect(cluster, cluster.submit(source, RenderSettings()))
    for depth in (4, 3, 2, 1):  # other settings, the same version
        frame, _ = collect(cluster, cluster.submit(source, RenderSettings(max_depth=depth)))
        assert np.array_equal(frame, first)
    assert len((tmp_path / "loads.log").read_text().split()) == 1  # its code ran once


def _listening(pid: int) -> list[tuple[str, int]]:
    """Return the (address, port) every TCP socket of ``pid`` and its children listens on."""
    import psutil  # distributed depends on it

    root = psutil.Process(pid)
    found = []
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            found += [
                (c.laddr.ip, c.laddr.port)
                for c in process.net_connections(kind="inet")
                if c.status == psutil.CONN_LISTEN
            ]
    return found


def test_a_local_cluster_listens_on_the_loopback_only(cluster):
    listening = _listening(os.getpid())
    assert listening  # the scheduler, the nannies and the workers
    assert all(ipaddress.ip_address(ip).is_loopback for ip, _port in listening), listening


@contextlib.contextmanager
def _fake_server(answer: Callable[[socket.socket], None]):
    """Listen on a free loopback port; ``answer`` each connection; yield its address."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def serve() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = server.accept()
                held.append(conn)
                threading.Thread(target=answer, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        server.close()
        for conn in held:
            conn.close()


def _silent(conn: socket.socket) -> None:
    """Accept and say nothing."""


def _http(conn: socket.socket) -> None:
    """Answer whatever comes as an HTTP server would (Dask's client reads it as a length)."""
    with contextlib.suppress(OSError):
        while conn.recv(4096):
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


def _banner(conn: socket.socket) -> None:
    """Greet at once, as an SSH server does."""
    with contextlib.suppress(OSError):
        conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")


def _within(seconds: float, call: Callable[[], object]) -> BaseException | None:
    """Run ``call`` on a thread; return what it raised, failing the test if it hangs."""
    raised: list[BaseException | None] = [None]

    def run() -> None:
        try:
            call()
        except BaseException as exc:
            raised[0] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    return raised[0]


def test_the_cli_gives_up_on_a_port_that_accepts_and_says_nothing(tmp_path):
    out = tmp_path / "x.png"
    with _fake_server(_silent) as address:
        cmd = [sys.executable, "-m", "tracer.cli", "render", str(ROOT / "scenes" / "twoballs.py")]
        cmd += ["-o", str(out), "--scheduler", address]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == (
        f"puray: error: --scheduler: {address} did not answer as a Dask scheduler within 5 s "
        "(is it the address of a dask-scheduler?)\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("server", "says"),
    [
        (_silent, "did not answer as a Dask scheduler within 1 s"),
        (_http, "did not answer as a Dask scheduler within 1 s"),
        (_banner, "answered, but not as a Dask scheduler"),
    ],
)
def test_connect_and_test_connection_answer_for_a_server_that_is_not_dask(server, says):
    with _fake_server(server) as address:
        for attempt in (
            lambda: ClusterService(address, connect_timeout=1),
            lambda: check_scheduler(address, timeout=1),  # the window's Test connection
        ):
            error = _within(30, attempt)
            assert isinstance(error, ClusterUnavailable), error
            assert str(error).startswith(f"{address} {says}")


def _group_gone(pgid: int, seconds: float) -> bool:
    """Wait until no process of group ``pgid`` is left; tell whether that happened."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_ctrl_c_while_the_local_cluster_starts_stops_the_render(tmp_path):
    import psutil  # distributed depends on it

    out = tmp_path / "x.png"
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(ROOT / "scenes" / "twoballs.py")]
    cmd += ["-o", str(out), "--scheduler", "local:2", "--width", "160", "--height", "90"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        parent = psutil.Process(proc.pid)
        deadline = time.monotonic() + 60
        while not parent.children() and time.monotonic() < deadline:  # the cluster starting
            time.sleep(0.01)
        assert parent.children(), "no worker process started"
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole group
        assert proc.wait(timeout=60) == 130
        err = proc.stderr.read()
        assert _group_gone(proc.pid, 30), "processes of the render outlived it"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.stderr.close()
    assert err.endswith("puray: interrupted; nothing written\n"), err
    assert "Traceback" not in err
    assert not out.exists()


def test_a_scene_nested_to_the_limit_renders_on_the_cluster_as_on_one_worker(cluster, tmp_path):
    from tests.tracer.test_nesting import CSG, CSG_LEVELS
    from tracer.scene.nesting import MAX_NESTING
    from tracer.workers.service import RenderService

    path = write_scene(tmp_path, "deep.py", CSG.format(count=MAX_NESTING - CSG_LEVELS))
    source, settings = SceneSource.from_path(path), RenderSettings()
    with RenderService(1) as local:
        expected, _ = collect(local, local.submit(source, settings))
    frame, events = collect(cluster, cluster.submit(source, settings))
    assert frame is not None, failure(events)
    np.testing.assert_array_equal(frame, expected)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_cluster_render_leaves_no_warning_and_no_process(tmp_path, signum):
    out = tmp_path / "x.png"
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(ROOT / "scenes" / "twoballs.py")]
    cmd += ["-o", str(out), "--scheduler", "local:2", "--width", "1920", "--height", "1080"]
    proc = subprocess.Popen(
        [*cmd, "--samples", "6"],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert "0% of 1080 rows" in proc.stderr.readline()  # the cluster is up and rendering
        os.kill(proc.pid, signum)  # the command only, as a process manager does
        proc.wait(timeout=30)
        err = proc.stderr.read()  # to its end: every process that could still write has gone
        assert _group_gone(proc.pid, 30), "processes of the render outlived it"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.stderr.close()
    assert "leaked semaphore" not in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups and /proc")
@pytest.mark.parametrize("end", ["finished", "SIGKILL"])
def test_programs_a_scene_starts_end_with_a_cluster_render(tmp_path, end):
    from tests.tracer.test_worker_processes import (
        ENDLESS_CLASS,
        STARTS_A_PROGRAM,
        _sleepers,
        _wait_gone,
    )

    body = STARTS_A_PROGRAM.format(extra="" if end == "finished" else "OBJECTS = []\nwhile 1: pass")
    body = body.replace("import subprocess\n", "import subprocess\n" + ENDLESS_CLASS)
    scene = write_scene(tmp_path, "starts.py", body)
    cmd = [sys.executable, "-m", "tracer.cli", "render", str(scene), "-o", str(tmp_path / "o.png")]
    cmd += ["-q", "--scheduler", "local:2", "--load-timeout", "60"]
    cli = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        sleepers = _sleepers(tmp_path)
        if end == "finished":
            assert cli.wait(timeout=60) == 0
        else:
            os.kill(cli.pid, signal.SIGKILL)  # the command only
            cli.wait(timeout=10)
        assert not _wait_gone(sleepers, 20), f"the scene's program outlived the command ({end})"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(cli.pid, signal.SIGKILL)
        for pid in _sleepers(tmp_path):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_the_scene_settings_apply_on_the_cluster(cluster):
    source = SceneSource.from_path(ROOT / "scenes" / "csg_logo.py")  # shadows, 2 x 2 samples
    may = frozenset({"samples", "shadows", "max_depth"})
    frame, _ = collect(cluster, cluster.submit(source, RenderSettings(96, 54, scene_may_set=may)))
    explicit = RenderSettings(width=96, height=54, samples=2, shadows=True)
    np.testing.assert_array_equal(frame, render_image(source, explicit))
    assert not np.array_equal(frame, render_image(source, RenderSettings(96, 54)))


def test_a_colour_edit_on_the_cluster_is_re_shaded_to_a_full_renders_pixels(cluster, tmp_path):
    text = (ROOT / "scenes" / "twoballs.py").read_text()
    path = write_scene(tmp_path, "balls.py", text)
    live = RenderSettings(1024, 160, samples=2, reshade_cache_mb=256)  # blocks on both workers
    _, events = collect(cluster, cluster.submit(SceneSource.from_path(path), live))
    assert {e.path for e in events if isinstance(e, RowsReady)} == {"traced"}
    edits = [(text.replace("#0000FF", "#00FF00"), "re-shaded")]  # a material's colour
    edits.append((edits[0][0].replace("Point(1.5, -0.5, -10)", "Point(3, -2, -8)"), "re-lit"))
    for edited, how in edits:
        path.write_text(edited)
        source = SceneSource.from_path(path)
        frame, events = collect(cluster, cluster.submit(source, live))
        # every block went back to the worker that keeps its G-buffers
        assert {e.path for e in events if isinstance(e, RowsReady)} == {how}
        plain = render_image(source, live.with_(reshade_cache_mb=0))  # one process, nothing kept
        np.testing.assert_array_equal(frame, plain)
