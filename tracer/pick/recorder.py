"""Pixel provenance: the path of one pixel's ray, every bounce, and how its colour adds up.

:func:`pick` follows ONE ray through the kernel's own named stages (tracer/kernel/stages.py:
``nearest``, ``surface``, ``scattering``, ``surface_colors``, ``shade``, ``scatter``) on
arrays of length 1, and folds the colours by the same reflectance model, so its final RGB is
the rendered pixel's, bit for bit, by construction (``tests/tracer/test_pick.py`` checks it
on every bundled scene). The render goes breadth first; the recorder goes depth first, one
child ray at a time, and writes down what the fast kernel throws away: the object and
material hit and the scene lines that created them, each light's terms, the weights.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np

from ..arrays import unit
from ..kernel import stages
from ..kernel.records import Rays, Surface
from ..kernel.render import LoadedScene, camera_and_kernel, frame_size
from ..kernel.scene_arrays import SceneArrays
from ..sampling import LensSamples
from ..settings import RenderSettings
from ..shading.area_light import LightSamples
from ..shading.phong import light_share
from .records import (
    RGB,
    XYZ,
    Bounce,
    LightTerm,
    Made,
    MaterialUsed,
    ObjectHit,
    OffFrame,
    Pick,
    Unnamed,
)


def pick(loaded: LoadedScene, settings: RenderSettings, x: int, y: int) -> Pick:
    """Trace pixel (x, y)'s centre ray, recording every bounce; raise OffFrame off the frame."""
    scene = loaded.scene
    width, height = frame_size(scene, settings)
    if not (0 <= x < width and 0 <= y < height):
        raise OffFrame(f"pixel ({x}, {y}) is outside the {width}x{height} frame")
    camera, kernel = camera_and_kernel(loaded, settings)  # the camera mode's override too
    pixel = y * width + x  # sample 0, the centre: its lens position as the render draws it
    lens = LensSamples(camera, pixel, pixel + 1, settings.seed).at(0)
    o, d = camera.rays(np.array([float(x)]), np.array([float(y)]), width, height, **lens)
    samples = None
    if settings.shadows and kernel.soft:
        samples = LightSamples(np.array([pixel]), 0, settings.seed)
    bounces: list[Bounce] = []
    recorder = Recorder(loaded, kernel, settings, bounces)
    color = recorder.follow(Rays(o, d, samples), "camera", 0, None, 1.0)
    c = color * 255
    np.clip(c, 0, 255, out=c)
    np.rint(c, out=c)
    return Pick(
        scene=scene.path,
        x=x,
        y=y,
        width=width,
        height=height,
        settings=settings.describe(),
        bounces=bounces,
        color=rgb_of(color),
        rgb=(int(c[0, 0]), int(c[1, 0]), int(c[2, 0])),
    )


class Recorder:
    """Follow one ray and its children through the kernel's stages, writing down each step."""

    def __init__(self, loaded: LoadedScene, kernel, settings: RenderSettings, out: list) -> None:
        self.scene, self.sa = loaded.scene, kernel
        self.settings, self.out = settings, out

    def follow(self, rays: Rays, kind: str, depth: int, parent: int | None, weight: float):
        """Return the (3, 1) colour seen along one ray; record it and its children."""
        sa: SceneArrays = self.sa
        bounce = Bounce(kind, depth, parent, weight, xyz(rays.o), xyz(rays.d))
        self.out.append(bounce)
        me = len(self.out) - 1
        hits = stages.nearest(sa, rays)
        idx = hits.found()
        if idx.size == 0:
            missed = stages.background(self.scene.background, rays, hits, idx)
            if missed is None:
                return np.zeros((3, 1))
            bounce.background = Made.of(self.scene.background)
            bounce.color = rgb_of(missed)
            return missed
        rays, hits = stages.compact(rays, hits, idx, depth)
        hit = stages.surface(sa, rays, hits)
        model = stages.scattering(sa, rays, hit)
        oc = stages.surface_colors(sa, hit)
        terms: list = []
        local = stages.shade(sa, rays, hit, oc, self.settings.shadows, terms)
        model.weigh(local, sa.reflection[hit.mat])
        self._record_hit(bounce, hit, oc, local, terms)
        last = depth == self.settings.max_depth
        colors = []
        for branch in stages.scatter(rays, hit, model, last):
            bounce.reflected |= branch.kind == "reflection"
            share = float(branch.weights[branch.rows[0]])
            child = stages.next_rays(rays, [branch])
            assert child is not None
            colors.append(self.follow(child, branch.kind, depth + 1, me, share))
        for key, value in model.notes(0).items():
            setattr(bounce, key, value)
        model.fold(local, np.concatenate(colors, axis=1) if colors else None)
        bounce.color = rgb_of(local)
        return local

    def _object(self, k: int) -> object:
        """Return OBJECTS[k] (a snapshot of a huge scene leaves its objects out: then a stand-in
        that names only the kind of shape)."""
        objects = self.scene.objects
        return objects[k] if k < len(objects) else Unnamed()

    def _record_hit(self, bounce: Bounce, hit: Surface, oc, local, terms) -> None:
        """Record the object and material hit, the point, the light terms, the local colour."""
        sa, k, mk = self.sa, int(hit.hits.obj[0]), int(hit.mat[0])
        m = sa.materials[mk]
        bounce.object = ObjectHit(**asdict(Made.of(self._object(k))), index=k)
        bounce.material = MaterialUsed(
            **asdict(Made.of(m)),
            ambient=float(sa.ambient[mk]),
            diffuse=float(sa.diffuse[mk]),
            specular=float(sa.specular[mk]),
            reflection=float(sa.reflection[mk]),
        )
        p, n = hit.p, hit.n
        bounce.point, bounce.normal, bounce.distance = xyz(p), xyz(n), float(hit.hits.t[0])
        bounce.surface = rgb_of(oc)
        a = float(sa.ambient[mk])
        bounce.ambient = (a, a, a)
        q = hit.lifted()  # the shadow rays' origins, as the render's
        bounce.lights = [self._light_term(i, mk, p, q, oc, *term) for i, term in enumerate(terms)]
        bounce.local = rgb_of(local)

    def _light_term(self, i: int, k: int, p, q, oc, kd, ks, dark, trans) -> LightTerm:
        """Return light i's terms as the Phong equation added them."""
        rgb = self.sa.lights[i][1]
        diffuse, specular = light_share(self.sa, i, k, oc, kd, ks, trans)
        shadowed = None if dark is None else bool(dark[0])
        return LightTerm(
            light=Made.of(self.scene.lights[i]),
            index=i,
            color=(float(rgb[0]), float(rgb[1]), float(rgb[2])),
            lambert=float(kd[0]),
            highlight=float(ks[0]),
            diffuse=first(diffuse),
            specular=first(specular),
            shadowed=shadowed,
            blocker=self._blocker(i, p, q) if shadowed else None,
            transmitted=None if trans is None else rgb_of(trans),
        )

    def _blocker(self, i: int, p, q) -> ObjectHit | None:
        """Return the nearest object on the shadow ray from ``q`` (off ``p``) towards light i."""
        sa: SceneArrays = self.sa
        lx, ly, lz = sa.lights[i][0]
        L = unit(lx - p[0], ly - p[1], lz - p[2])
        k = int(stages.nearest(sa, Rays(q, L)).obj[0])  # type: ignore[arg-type]
        if k < 0:
            return None
        return ObjectHit(**asdict(Made.of(self._object(k))), index=k)


def xyz(v) -> XYZ:
    """Return the one ray's (x, y, z) of a triple of length-1 arrays (or floats)."""
    return first(np.asarray(c).reshape(-1) for c in v)


def first(arrays) -> tuple[float, float, float]:
    """Return the first entries of three arrays as floats."""
    x, y, z = (float(a[0]) for a in arrays)
    return (x, y, z)


def rgb_of(c: np.ndarray) -> RGB:
    """Return the first colour of a (3, n) array as floats."""
    return (float(c[0, 0]), float(c[1, 0]), float(c[2, 0]))
