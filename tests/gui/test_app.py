"""Start-up and shut-down: the real entry point exits cleanly and leaves no worker behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from puray_gui.app import main
from puray_gui.options import RenderOptions

from .conftest import WAIT_MS


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split()[2] != "Z"


def test_missing_scene_argument_is_a_clear_error(capsys):
    assert main(["/no/such/scene.py"]) == 2
    assert "no such scene file" in capsys.readouterr().err


def test_own_service_is_closed_with_the_app(qtbot, prefs, scene):
    from puray_gui.qt.qt_app import LiveApp

    live = LiveApp(prefs, options=RenderOptions(workers=1))
    qtbot.addWidget(live.window)
    with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
        live.open(str(scene))
    pids = live.link.service.worker_pids()
    assert len(pids) == 1
    panel = live.settings_panel
    if panel.workers.maximum() > 1:
        with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS):
            panel.workers.setValue(2)  # a new pool; the old one closes in the background
        assert len(live.link.service.worker_pids()) == 2
        pids += live.link.service.worker_pids()
    live.close()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids)


@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc and SIGINT")
def test_puray_gui_quits_on_ctrl_c_without_leftovers(tmp_path, scene):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    env["HOME"] = str(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "puray_gui.app", str(scene)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4)
    children = subprocess.run(
        ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True
    ).stdout.split()
    assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=20) == 0
    assert "Traceback" not in proc.stderr.read()
    deadline = time.monotonic() + 5
    while any(_alive(int(p)) for p in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert children  # the workers existed
    assert not any(_alive(int(p)) for p in children)


@pytest.mark.skipif(sys.platform != "linux", reason="X11/Wayland displays")
def test_no_display_is_said_plainly_with_xvfb_run(tmp_path, scene):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["HOME"] = str(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "puray_gui.app", str(scene)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "there is no display" in proc.stderr
    assert "xvfb-run -a puray-gui" in proc.stderr
    assert "xcb" not in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) <= 4


def test_a_headless_qt_platform_needs_no_display():
    from puray_gui.app import no_display_message

    assert no_display_message({}, "linux") is not None
    assert no_display_message({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert no_display_message({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert no_display_message({"DISPLAY": ":0"}, "linux") is None
    assert no_display_message({}, "darwin") is None
