"""GUI test set-up: one shared render service, isolated QSettings, small scene copies."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from puray_gui.options import RenderOptions
from puray_gui.prefs import Prefs
from tracer.kernel.render import render_image
from tracer.scene.load import SceneSource
from tracer.workers.service import RenderService

ROOT = Path(__file__).resolve().parents[2]
TWOBALLS = (ROOT / "scenes" / "twoballs.py").read_text()
WAIT_MS = 20_000  # generous: the machine has 2 cores and other suites may run beside


def pytest_collection_modifyitems(items):
    """The offscreen platform warns that it cannot propagate size hints (docks): harmless."""
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints"))


def twoballs(width: int = 160, height: int = 90, blue: str = "#0000FF", extra: str = "") -> str:
    """Return Puray's twoballs scene at a small size, with a blue ball of another colour."""
    text = re.sub(r"^WIDTH = \d+", f"WIDTH = {width}", TWOBALLS, flags=re.M)
    text = re.sub(r"^HEIGHT = \d+", f"HEIGHT = {height}", text, flags=re.M)
    return text.replace('"#0000FF"', f'"{blue}"') + extra


def reference(path: Path | str, options: RenderOptions | None = None) -> np.ndarray:
    """Render a scene file in the test process (tests may run scene code; the GUI may not)."""
    options = options or RenderOptions()
    return render_image(SceneSource.from_path(path), options.full_settings())


@pytest.fixture(scope="session")
def service():
    """One 2-worker render service for every GUI test (starting one costs ~0.3 s)."""
    with RenderService(processes=2) as svc:
        assert svc.wait_ready()
        yield svc


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path_factory):
    """Point every QSettings at a temporary folder: tests never see the developer's settings."""
    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)


@pytest.fixture
def prefs(tmp_path) -> Prefs:
    return Prefs(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def scene(tmp_path) -> Path:
    """A 160x90 copy of twoballs in a temporary folder."""
    path = tmp_path / "scene.py"
    path.write_text(twoballs())
    return path


@pytest.fixture(autouse=True)
def editor_calls(monkeypatch) -> list:
    """Record 'open in editor' requests instead of launching an editor."""
    calls: list = []
    import puray_gui.qt.qt_scene_files as scene_files

    monkeypatch.setattr(scene_files, "open_in_editor", lambda p, line=0: calls.append((p, line)))
    return calls


@pytest.fixture
def make_live(qtbot, service, prefs):
    """Build windows on the shared service; each is shut down after the test."""
    from puray_gui.qt.qt_app import LiveApp

    lives = []

    def make(scene_path=None, options: RenderOptions | None = None, wait: bool = True):
        # Refinement off unless a test asks for it: the frame stays the first one's pixels.
        live = LiveApp(prefs, service=service, options=options or RenderOptions(refine=1))
        qtbot.addWidget(live.window)
        live.window.show()
        lives.append(live)
        if scene_path is not None:
            with qtbot.waitSignal(live.session.render_finished, timeout=WAIT_MS, raising=wait):
                live.open(str(scene_path))
        return live

    yield make
    for live in lives:
        live.close()
