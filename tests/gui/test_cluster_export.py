"""Export on a Dask scheduler from the window: same pixels, fallback, connection test."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QApplication, QMessageBox

from puray_gui.options import RenderOptions

from .conftest import WAIT_MS, reference

pytest.importorskip("distributed")

UNREACHABLE = "tcp://127.0.0.1:9"


def _set_scheduler(live, spec: str) -> None:
    panel = live.cluster_panel
    panel.address.setText(spec)
    panel.address.editingFinished.emit()


def _export(qtbot, live, path):
    with qtbot.waitSignal(live.exporter.finished, timeout=WAIT_MS):
        live.export_flow.start(str(path))
    live.exporter.wait()
    return np.asarray(Image.open(path).convert("RGB"))


def test_export_on_a_local_dask_cluster_equals_a_local_render(qtbot, make_live, scene, tmp_path):
    # anti-aliased, so the export has the refinement's target; the preview is not final: render
    options = RenderOptions(preview_scale=50, refine=16, samples=2)
    live = make_live(scene, options)
    _set_scheduler(live, "local:2")
    notices = []
    live.exporter.noticed.connect(notices.append)
    pixels = _export(qtbot, live, tmp_path / "cluster.png")
    assert notices == ["Rendering on the Dask cluster local:2"]
    # the refinement's target: 16 samples, the same sequence on Dask as in the local workers
    np.testing.assert_array_equal(pixels, reference(scene, options.with_(samples=4)))
    assert live.prefs.scheduler() == "local:2"  # remembered


def test_unreachable_scheduler_falls_back_to_local_workers(qtbot, make_live, scene, tmp_path):
    live = make_live(scene, RenderOptions(preview_scale=50, refine=1))
    _set_scheduler(live, UNREACHABLE)
    notices = []
    live.exporter.noticed.connect(notices.append)
    pixels = _export(qtbot, live, tmp_path / "fallback.png")
    assert len(notices) == 1
    assert f"cannot reach the Dask scheduler at {UNREACHABLE}" in notices[0]
    assert notices[0].endswith("exporting with the local workers instead")
    assert live.export_flow.message.startswith("Exported")
    np.testing.assert_array_equal(pixels, reference(scene))
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    shown = [b.text() for b in boxes if b.isVisible()]
    assert any(UNREACHABLE in t and "fallback.png is rendered with the local" in t for t in shown)


def test_connection_test_reports_in_the_sidebar_without_blocking(qtbot, make_live, scene):
    live = make_live(scene)
    panel = live.cluster_panel
    _set_scheduler(live, UNREACHABLE)
    panel.test_button.click()
    assert not panel.test_button.isEnabled()  # returned at once; the test runs on a thread
    assert panel.result.text() == f"Testing {UNREACHABLE}..."
    qtbot.waitUntil(panel.test_button.isEnabled, timeout=WAIT_MS)
    assert panel.result.text().startswith("Not reachable: cannot reach the Dask scheduler")
    _set_scheduler(live, "local:3")
    panel.test_button.click()
    qtbot.waitUntil(panel.test_button.isEnabled, timeout=WAIT_MS)
    assert (
        panel.result.text()
        == "OK: a local Dask cluster of 3 workers starts when an export needs it"
    )
