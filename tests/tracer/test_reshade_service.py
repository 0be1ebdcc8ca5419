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
    for colour in colours:  # each block goes back to the worker that keeps its G-buffers
        assert set(render(service, text.replace("#0000FF", colour))) == {"re-shaded"}


def test_without_a_cache_the_workers_say_nothing_of_how(service):
    text = (SCENES / "twoballs.py").read_text().replace("#0000FF", "#123456")
    assert set(render(service, text, LIVE.with_(reshade_cache_mb=0))) == {""}


def test_a_worker_leaves_blocks_to_the_worker_that_keeps_them():
    from collections import OrderedDict
    from types import SimpleNamespace

    from tracer.workers.affinity import choose, rendered
    from tracer.workers.protocol import RenderRows

    blocks = [RenderRows(1, ("k",), LIVE, y, y + 10, False) for y in (0, 10, 20, 30)]
    a, b = (SimpleNamespace(blocks=OrderedDict(), ready=True, task=None) for _ in "ab")
    for worker, mine in ((a, blocks[0::2]), (b, blocks[1::2])):
        for block in mine:
            rendered(worker, block)
    assert choose(blocks, a, [a, b], job=1) == 0
    assert choose(blocks[1:], a, [a, b], job=1) == 1  # b's block 10-20 left to b (idle)
    assert choose(blocks[1:], b, [a, b], job=1) == 0
    theirs = [blocks[1], blocks[3]]
    b.task = SimpleNamespace(job=1)  # b renders this job: it comes to its blocks
    assert choose(theirs, a, [a, b], job=1) is None
    b.task = SimpleNamespace(job=2)  # b is busy elsewhere: a takes them
    assert choose(theirs, a, [a, b], job=1) == 0
