"""Re-shading on the render service's workers: each keeps the G-buffers of its rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tracer.kernel.render import render_image
from tracer.scene.source import SceneSource
from tracer.settings import RenderSettings
from tracer.workers.service import RenderService, RowsReady

from .helpers import collect

SCENES = Path(__file__).resolve().parents[2] / "scenes"
LIVE = RenderSettings(width=160, height=90, reshade_cache_mb=64)


@pytest.fixture(scope="module")
def service():
    with RenderService(processes=2) as svc:
        assert svc.wait_ready()
        yield svc


def render(service, text: str, settings: RenderSettings = LIVE):
    source = SceneSource(str(SCENES / "twoballs.py"), text)
    frame, events = collect(service, service.submit(source, settings, coarse=8, ids=True))
    paths = [e.path for e in events if isinstance(e, RowsReady) and not e.coarse]
    expected = render_image(source, settings.with_(reshade_cache_mb=0))
    np.testing.assert_array_equal(frame, expected)
    return paths


def test_two_workers_reshade_the_rows_they_rendered(service):
    text = (SCENES / "twoballs.py").read_text()
    assert set(render(service, text)) == {"traced"}
    colours = ("#00FF00", "#FF00FF", "#00FFFF", "#FFFF00")
    paths = [render(service, text.replace("#0000FF", c)) for c in colours]
    assert all(set(p) <= {"re-shaded", "traced"} for p in paths)
    assert paths[-1].count("re-shaded") >= len(paths[-1]) // 2  # blocks go back to their worker


def test_without_a_cache_the_workers_say_nothing_of_how(service):
    text = (SCENES / "twoballs.py").read_text().replace("#0000FF", "#123456")
    assert set(render(service, text, LIVE.with_(reshade_cache_mb=0))) == {""}
