"""The sample loop: trace the samples of a block of rows and turn them into pixels.

Sample ``k`` of a pixel is a pure function of (pixel, k, seed) (tracer/sampling.py), so a
render of ``samples x samples`` and a window's passes of the same samples sum the same
fixed-point integers (:func:`sample_sums`) into the same pixels (:func:`resolve`).
"""

from __future__ import annotations

import copy
from typing import Protocol

import numpy as np

from ..camera.view import camera_from
from ..sampling import LensSamples, pixel_offset
from ..scene.load import Scene
from ..settings import RenderSettings
from ..shading.area_light import LightSamples
from .reshade import Sample
from .scene_arrays import SceneArrays
from .trace import trace


class LoadedScene(Protocol):
    """A scene ready to render (tracer.kernel.render.LoadedScene)."""

    scene: Scene
    kernel: SceneArrays


#: Rays traced per numpy pass. With the worker's allocator tuning (worker.tune_allocator)
#: 32k rays ran 10% faster than 16k and as fast as 64k on twoballs at 960x540.
CHUNK_RAYS = 32 * 1024


def frame_size(scene: Scene, settings: RenderSettings) -> tuple[int, int]:
    """Return the (width, height) a render of ``scene`` with ``settings`` produces."""
    width, height = settings.width or scene.width, settings.height or scene.height
    if settings.scale != 1:
        width = max(1, round(width * settings.scale))
        height = max(1, round(height * settings.scale))
    return width, height


def render_rows(
    loaded: LoadedScene,
    settings: RenderSettings,
    y0: int,
    y1: int,
    ids: np.ndarray | None = None,
    reshade=None,
) -> np.ndarray:
    """Render rows ``y0 <= y < y1`` and return them as a (rows, width, 3) uint8 array.

    One sample per pixel is Puray's picture: the centre ray's colour, rounded. More are the
    first ``samples * samples`` samples of each pixel's progressive sequence, summed in fixed
    point (:func:`sample_sums`) and averaged by :func:`resolve`: the very pixels the window
    shows after refining to that many samples. ``ids``: a (rows, width) integer array to
    receive the object each pixel's centre sample hits first (index in OBJECTS, -1 for none).
    ``reshade``: a rerender.Reshading that re-shades samples from G-buffers (None: trace).
    """
    settings = settings.under_scene(loaded.scene.settings)  # the scene's SETTINGS where not given
    count = settings.samples * settings.samples
    if count > 1:
        return resolve(sample_sums(loaded, settings, y0, y1, 0, count, ids, reshade), count)
    width, _height = frame_size(loaded.scene, settings)
    acc = np.zeros((3, (y1 - y0) * width))
    for start, _k, c in _samples(loaded, settings, y0, y1, 0, 1, ids, reshade):
        acc[:, start : start + c.shape[1]] += c
    np.rint(acc, out=acc)
    return acc.T.astype(np.uint8).reshape(y1 - y0, width, 3)


#: Samples are summed in fixed point: a clipped 0..255 value times 2**16, rounded. Integer sums
#: do not depend on how samples are grouped into passes; 64 samples stay below 2**30.
FIXED = 65536


def sample_sums(
    loaded: LoadedScene,
    settings: RenderSettings,
    y0: int,
    y1: int,
    k0: int,
    k1: int,
    ids: np.ndarray | None = None,
    reshade=None,
) -> np.ndarray:
    """Return the fixed-point sums of samples ``k0 <= k < k1`` of rows ``y0..y1-1``.

    A (rows, width, 3) uint32 array; sums of consecutive ranges add up exactly to the sum
    of their union, so a window that renders a pixel's samples in passes arrives at the same
    integers as one render of them all. ``ids``: filled when ``k0`` is 0 (sample 0's hits).
    """
    settings = settings.under_scene(loaded.scene.settings)  # shadows and depth, as the frame's
    width, _height = frame_size(loaded.scene, settings)
    acc = np.zeros((3, (y1 - y0) * width))
    for start, _k, c in _samples(loaded, settings, y0, y1, k0, k1, ids, reshade):
        acc[:, start : start + c.shape[1]] += np.rint(c * FIXED)
    return acc.T.astype(np.uint32).reshape(y1 - y0, width, 3)


def resolve(sums: np.ndarray, count: int) -> np.ndarray:
    """Return the uint8 pixels of :func:`sample_sums` over ``count`` samples: the mean, rounded."""
    return np.rint(sums / (FIXED * float(count))).astype(np.uint8)


def _samples(loaded, settings, y0: int, y1: int, k0: int, k1: int, ids, reshade=None):
    """Yield (first pixel's offset in the rows, k, clipped 0..255 colours) per chunk and sample.

    Sample ``k`` of pixel (x, y) is a pure function of (pixel, k, seed): offset
    :func:`~tracer.sampling.pixel_offset`, lens and area-light points from
    :func:`~tracer.sampling.progressive`; sample 0 is the centre ray and fills ``ids``.
    A few rows of many samples are traced several samples per call (up to CHUNK_RAYS rays):
    each ray's colour does not depend on the rays beside it, and numpy's cost per call is
    paid once for all of them (narrow calls traced half as many samples a second).
    """
    scene = loaded.scene
    width, height = frame_size(scene, settings)
    camera, kernel = camera_and_kernel(loaded, settings)
    flat_ids = ids.reshape(-1) if ids is not None else None
    step = max(1, CHUNK_RAYS // width)
    cols = np.arange(width, dtype=np.float64)
    for r0 in range(y0, y1, step):
        r1 = min(y1, r0 + step)
        ys = np.repeat(np.arange(r0, r1, dtype=np.float64), width)
        xs = np.tile(cols, r1 - r0)
        n, start = xs.size, (r0 - y0) * width
        lens = LensSamples(camera, r0 * width, r1 * width, settings.seed)
        light = LightSamples.of(kernel, settings.shadows, r0 * width, r1 * width, settings.seed)
        if reshade is not None:  # kept or replayed G-buffers: sample by sample
            yield from _reshaded(
                reshade,
                settings,
                scene,
                kernel,
                camera,
                lens,
                light,
                flat_ids,
                (r0, r1, start, xs, ys, width, height),
                range(k0, k1),
            )
            continue
        group = max(1, CHUNK_RAYS // n)
        for g0 in range(k0, k1, group):
            ks = range(g0, min(k1, g0 + group))
            o, d = _rays(camera, xs, ys, width, height, lens, ks)
            out = None
            if flat_ids is not None and ks.start == 0:  # sample 0 comes first: its ids
                out = np.empty(n * len(ks), dtype=flat_ids.dtype)
            at = None if light is None else light.at_each(ks)
            c = trace(kernel, o, d, settings.max_depth, settings.shadows, scene.background, out, at)
            if out is not None and flat_ids is not None:
                flat_ids[start : start + n] = out[:n]
            c *= 255
            np.clip(c, 0, 255, out=c)
            for i, k in enumerate(ks):
                yield start, k, c[:, i * n : (i + 1) * n]


def _reshaded(reshade, settings, scene, kernel, camera, lens, light, flat_ids, chunk, ks: range):
    """Yield (start, k, colours) of a chunk's samples ``ks`` from the re-shading cache."""
    r0, r1, start, xs, ys, width, height = chunk
    for k in ks:
        ox, oy = pixel_offset(k)
        out = flat_ids[start : start + xs.size] if flat_ids is not None and k == 0 else None
        at = None if light is None else light.at(k)
        primary = _primary(camera, xs + ox, ys + oy, width, height, lens.at(k))
        depth, shadows, background = settings.max_depth, settings.shadows, scene.background
        sample = Sample(kernel, depth, shadows, background, primary, at, out)
        yield start, k, reshade.colors(r0, r1, k, sample)


def _rays(camera, xs, ys, width: int, height: int, lens, ks: range):
    """Return the rays of samples ``ks`` of pixels (xs, ys), sample after sample."""
    if len(ks) == 1:
        ox, oy = pixel_offset(ks.start)
        return camera.rays(xs + ox, ys + oy, width, height, **lens.at(ks.start))
    origins, directions = [], []
    for k in ks:
        ox, oy = pixel_offset(k)
        o, d = camera.rays(xs + ox, ys + oy, width, height, **lens.at(k))
        origins.append(o)
        directions.append(d)
    d = tuple(np.concatenate([dk[a] for dk in directions]) for a in range(3))
    if all(np.ndim(c) == 0 for o in origins for c in o) and len(set(map(tuple, origins))) == 1:
        return origins[0], d  # one pinhole: the rays keep sharing their origin
    n = xs.size
    o = tuple(np.concatenate([np.broadcast_to(ok[a], (n,)) for ok in origins]) for a in range(3))
    return o, d


def _primary(camera, xs, ys, width: int, height: int, lens: dict):
    """Return what gives the camera rays of some pixels of a chunk (all of them: None)."""

    def rays(rows: np.ndarray | None):
        if rows is None:
            return camera.rays(xs, ys, width, height, **lens)
        some = {k: tuple(a[rows] for a in v) for k, v in lens.items()}
        return camera.rays(xs[rows], ys[rows], width, height, **some)

    return rays


def camera_and_kernel(loaded: LoadedScene, settings: RenderSettings):
    """Return the camera to render with and the kernel arrays that match it.

    Without an override: the scene's own camera and kernel, untouched (Puray's exact path).
    With ``settings.camera``: a LookAtCamera built from its numbers, and a shallow copy of the
    kernel whose specular 'to camera' position is the override's.
    """
    if settings.camera is None:
        return loaded.scene.camera, loaded.kernel
    camera = camera_from(settings.camera)
    kernel = copy.copy(loaded.kernel)
    kernel.camera = camera.position
    return camera, kernel
