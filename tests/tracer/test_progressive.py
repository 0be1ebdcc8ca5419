"""Progressive samples: passes add up to the one-shot render bit for bit, on any backend, and
the samples' mean converges to a pixel's true coverage (closed form)."""

from __future__ import annotations

import numpy as np
import pytest

from tracer import RenderSettings, SceneSource
from tracer.kernel.render import cache, render_block, render_rows, resolve, sample_sums
from tracer.sampling import pixel_offset
from tracer.workers.service import JobFinished, RenderService, RowsReady

#: Depth of field, a soft shadow, glass and a texture: every use of the samples.
EVERYTHING = """\
from tracer import *
WIDTH = 48
HEIGHT = 32
CAMERA = LookAtCamera(Point(0, -0.6, -3), look_at=Point(0, 0.1, 0.5), fov=55, aperture=0.15)
OBJECTS = [
    Plane(Point(0, 0.5, 0), Vector(0, -1, 0), Material(Checker(Color(1, 1, 1), Color(0.1, 0.1, 0.1), 0.5))),
    Sphere(Point(-0.5, 0, 0.5), 0.5, Material(Color(0.9, 0.2, 0.1))),
    Sphere(Point(0.6, 0.1, 1.5), 0.4, Glass()),
]
LIGHTS = [Light(Point(-2, -4, -2), radius=0.8)]
"""  # noqa: E501


@pytest.fixture(scope="module")
def everything(tmp_path_factory):
    path = tmp_path_factory.mktemp("prog") / "everything.py"
    path.write_text(EVERYTHING)
    source = SceneSource.from_path(path)
    settings = RenderSettings(shadows=True, max_depth=3)
    return source, settings, cache.load(source, settings)


def test_passes_1_3_12_add_up_to_the_one_shot_16_samples(everything):
    _source, settings, loaded = everything
    passes = [(0, 1), (1, 4), (4, 16)]
    total = sum(sample_sums(loaded, settings, 0, 32, k0, k1).astype(np.int64) for k0, k1 in passes)
    one_shot = render_rows(loaded, settings.with_(samples=4), 0, 32)
    assert np.array_equal(resolve(total, 16), one_shot)
    four = render_rows(loaded, settings.with_(samples=2), 0, 32)
    assert np.array_equal(resolve(sample_sums(loaded, settings, 0, 32, 0, 4), 4), four)
    assert not np.array_equal(four, one_shot)  # more samples: another (smoother) picture


def test_samples_traced_together_are_the_samples_traced_one_by_one(everything):
    """A block traces up to CHUNK_RAYS rays a call, several samples of its pixels at once:
    each sample keeps its own lens point, light point and pixel offset, and sample 0 its ids."""
    _source, settings, loaded = everything
    alone = sum(sample_sums(loaded, settings, 0, 32, k, k + 1).astype(np.int64) for k in range(9))
    ids_alone, ids_together = np.empty((32, 48), np.int32), np.empty((32, 48), np.int32)
    sample_sums(loaded, settings, 0, 32, 0, 1, ids_alone)
    together = sample_sums(loaded, settings, 0, 32, 0, 9, ids_together)
    assert np.array_equal(together, alone)
    assert np.array_equal(ids_together, ids_alone)
    assert (ids_alone == -1).any()
    assert (ids_alone >= 0).any()


def test_one_sample_is_the_centre_ray_as_before(everything):
    _source, settings, loaded = everything
    assert pixel_offset(0) == (0.0, 0.0)
    ids = np.empty((32, 48), np.int32)
    plain = render_rows(loaded, settings, 0, 32, ids)
    sums = sample_sums(loaded, settings, 0, 32, 0, 1)
    assert np.abs(resolve(sums, 1).astype(int) - plain).max() <= 1  # fixed point, then rint
    assert (ids >= 0).any()


def test_a_render_job_for_a_sample_range_answers_the_sums(everything):
    source, settings, loaded = everything
    block = render_block(loaded, settings.with_(sample_range=(3, 9)), 5, 9)
    sums = np.frombuffer(block, np.uint32).reshape(4, 48, 3)
    assert np.array_equal(sums, sample_sums(loaded, settings, 5, 9, 3, 9))
    with RenderService(processes=2) as service:  # rows split over two worker processes
        total = np.zeros((32, 48, 3), np.int64)
        for k0, k1 in [(0, 1), (1, 4), (4, 16)]:
            job = service.submit(source, settings.with_(sample_range=(k0, k1)))
            for event in _events(service, job):
                rows = np.frombuffer(event.pixels, np.uint32).reshape(-1, 48, 3)
                total[event.y0 : event.y1] += rows
    assert np.array_equal(resolve(total, 16), render_rows(loaded, settings.with_(samples=4), 0, 32))


def test_passes_on_a_dask_cluster_add_up_to_the_one_shot_render(everything):
    pytest.importorskip("distributed")
    from tracer.workers.cluster import ClusterService

    source, settings, loaded = everything
    total = np.zeros((32, 48, 3), np.int64)
    with ClusterService("local:2") as cluster:  # the same render unit on Dask workers
        for k0, k1 in [(0, 1), (1, 4), (4, 16)]:
            job = cluster.submit(source, settings.with_(sample_range=(k0, k1)))
            for event in _events(cluster, job):
                total[event.y0 : event.y1] += np.frombuffer(event.pixels, np.uint32).reshape(
                    -1, 48, 3
                )
    assert np.array_equal(resolve(total, 16), render_rows(loaded, settings.with_(samples=4), 0, 32))


def _events(service, job):
    while True:
        event = service.events.get(timeout=60)
        if event.job != job:
            continue
        if isinstance(event, JobFinished):
            return
        if isinstance(event, RowsReady):
            yield event


@pytest.mark.parametrize("bad", [(0, 0), (-1, 3), (5, 4), (0, 65), (0.5, 2)])
def test_a_bad_sample_range_is_refused(bad):
    with pytest.raises(ValueError, match="sample range"):
        RenderSettings(sample_range=bad)


#: A white unlit ambient-only face on z = 1 seen by Puray's camera at z = -1: an image point
#: (tx, ty) on z = 0 shows world (2 tx, 2 ty, 1), and tx = -1 + px * 2 / (WIDTH - 1).
EDGE = """\
from tracer import *
WIDTH = 21
HEIGHT = 21
CAMERA = Vector(0, 0, -1)
WHITE = Material(Color(1, 1, 1), ambient=1.0, diffuse=0.0, specular=0.0, reflection=0.0)
OBJECTS = [Triangle(Point({ax}, {ay}, 1), Point({bx}, {by}, 1), Point(-50, 50, 1), WHITE)]
LIGHTS = []
"""


def _coverage(x: int, y: int, a, b, width: int = 21) -> float:
    """Return the fraction of pixel (x, y) below the world line a -> b, by 1-D quadrature.

    Pixel coordinates map to world ones on z = 1 by w = 2 * (-1 + p * step): a line stays a
    line; its crossing height y(px) is clamped into the pixel and integrated over px.
    """
    step = 2.0 / (width - 1)
    px = x - 0.5 + (np.arange(200_000) + 0.5) / 200_000
    wx = 2 * (-1 + px * step)
    t = (wx - a[0]) / (b[0] - a[0])
    wy = a[1] + t * (b[1] - a[1])  # the edge's world y over this column
    py = (wy / 2 + 1) / step  # back to pixel rows (square pixels: aspect 1)
    return float(np.clip(y + 0.5 - py, 0, 1).mean())  # the pixel spans y - 0.5 .. y + 0.5


@pytest.mark.parametrize(
    ("a", "b"),
    [((-50, -0.1234), (50, 0.0877)), ((-50, 0.05), (50, 0.05)), ((-50, -0.4), (50, 0.37))],
)
def test_the_mean_of_64_samples_is_the_pixels_coverage(tmp_path, a, b):
    path = tmp_path / "edge.py"
    path.write_text(EDGE.format(ax=a[0], ay=a[1], bx=b[0], by=b[1]))
    source = SceneSource.from_path(path)
    settings = RenderSettings(samples=8)
    loaded = cache.load(source, settings)
    image = render_rows(loaded, settings, 0, 21)[:, :, 0].astype(float)
    edge = [(x, y) for y in range(21) for x in range(21) if 0.05 < _coverage(x, y, a, b) < 0.95]
    assert len(edge) >= 10  # the edge crosses pixels: they are partly covered
    for x, y in edge:
        assert abs(image[y, x] / 255 - _coverage(x, y, a, b)) < 0.04, (x, y)
    plain = render_rows(loaded, settings.with_(samples=1), 0, 21)[:, :, 0]
    assert set(np.unique(plain)) <= {0, 255}  # one sample: all or nothing
