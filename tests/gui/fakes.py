"""A stand-in render service: the test puts the events the workers would send."""

from __future__ import annotations

import queue

import numpy as np

from tracer.workers.service import RowsReady


class FakeService:
    """Records submissions (a RenderBackend); the test puts the events the workers would send."""

    processes = 1

    def __init__(self) -> None:
        self.events: queue.Queue = queue.Queue()
        self.submitted: list = []
        self.picked: list = []
        self.cancelled: list = []
        self.closed = False

    def submit(self, source, settings, coarse=0, ids=False):
        self.submitted.append((source, settings, coarse))
        return len(self.submitted) + len(self.picked)

    def pick(self, source, settings, x, y):
        self.picked.append((source, settings, x, y))
        return len(self.submitted) + len(self.picked)

    def cancel(self, job=None):
        self.cancelled.append(job)

    def close(self):
        self.closed = True


def rows(job, y0, y1, value, width=4, coarse=False):
    data = np.full((y1 - y0, width, 3), value, np.uint8).tobytes()
    return RowsReady(job, y0, y1, data, width, coarse)
