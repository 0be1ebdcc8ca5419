"""Pixel provenance: the path of one pixel's ray, every bounce, and how its colour adds up.

:func:`pick` follows ONE ray through the kernel's own steps (``trace.nearest``, ``_normals``,
``_colors``, ``_shade``, ``_reflect``) on arrays of length 1, in ``trace.trace``'s order, and
folds the colours the same way (``local + reflection * child``), so its final RGB is the
rendered pixel's, bit for bit (``tests/tracer/test_pick.py`` holds it to that on every
bundled scene). On the way it records what the fast kernel throws away: the object and
material hit and the scene lines that created them, each light's terms, the weights.

A :class:`Pick` is plain data (no scene objects): it travels from a worker to the window and
prints as JSON (:meth:`Pick.to_dict`). Bounces form a flat list; each names its ``parent``
and ``kind`` ("camera", "reflection", "refraction"), so a path that branches (glass: a
reflected and a refracted ray, weighted by Fresnel) is a tree in the same list.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from ..arrays import unit
from ..kernel.render import LoadedScene, camera_and_kernel, frame_size
from ..kernel.scene_arrays import MIN_DISPLACE, SceneArrays
from ..kernel.trace import (
    _colors,
    _normals,
    _reflect,
    _shade,
    nearest,
)
from ..sampling import LensSamples
from ..settings import RenderSettings
from ..shading.area_light import LightSamples
from ..shading.background import background_colors
from ..shading.glass import GlassHits

RGB = tuple[float, float, float]
XYZ = tuple[float, float, float]


class OffFrame(ValueError):
    """A pick outside the frame."""


@dataclass(frozen=True)
class Made:
    """Something the scene made: its class name and the scene line that created it."""

    type: str
    file: str | None
    line: int

    @classmethod
    def of(cls, thing: object) -> Made:
        site = getattr(thing, "_site", None) or (None, 0)
        name = "object" if isinstance(thing, _Unnamed) else type(thing).__name__
        return cls(name, site[0], int(site[1]))


@dataclass(frozen=True)
class ObjectHit(Made):
    """An object of OBJECTS (``index``) as a hit names it."""

    index: int = -1


@dataclass(frozen=True)
class MaterialUsed(Made):
    """A hit object's material and its shading coefficients."""

    ambient: float = 0.0
    diffuse: float = 0.0
    specular: float = 0.0
    reflection: float = 0.0


@dataclass(frozen=True)
class LightTerm:
    """One light's share of a hit's local colour: diffuse + specular (zero when shadowed)."""

    light: Made
    index: int
    color: RGB
    lambert: float  # max(0, n . L), 0 in shadow
    highlight: float  # max(0, n . H) ** k, 0 in shadow
    diffuse: RGB  # surface colour * material diffuse * lambert
    specular: RGB  # material specular * light colour * highlight
    shadowed: bool | None = None  # None: shadows are off
    blocker: ObjectHit | None = None  # the nearest object between the hit and the light
    transmitted: RGB | None = None  # the light let through by glass on the way (None: no glass)


@dataclass
class Bounce:
    """One ray of the path: what it hit and the colour it carries back."""

    kind: str  # "camera", "reflection" or "refraction"
    depth: int
    parent: int | None  # index in Pick.bounces of the bounce this ray left from
    weight: float  # the factor this ray's colour is multiplied by in its parent's
    origin: XYZ
    direction: XYZ
    object: ObjectHit | None = None  # None: the ray hit nothing (black)
    material: MaterialUsed | None = None
    point: XYZ | None = None
    normal: XYZ | None = None
    distance: float | None = None
    surface: RGB | None = None  # the material's colour at the point
    ambient: RGB = (0.0, 0.0, 0.0)
    lights: list[LightTerm] = field(default_factory=list)
    local: RGB = (0.0, 0.0, 0.0)  # ambient + every light's diffuse + specular
    reflected: bool = False  # a reflection ray was traced from here (depth limit, weight 0)
    fresnel: float | None = None  # glass: the Fresnel reflectance (weights highlights too)
    transmission: RGB | None = None  # glass: the refracted ray's weight, (1 - R) * tint
    attenuation: float = 1.0  # glass hit from inside: Beer-Lambert over the way inside
    color: RGB = (0.0, 0.0, 0.0)  # local + reflection * reflected + transmission * refracted


@dataclass
class Pick:
    """The path of the centre sample of pixel (x, y) and the RGB it gives."""

    scene: str
    x: int
    y: int
    width: int
    height: int
    settings: dict
    bounces: list[Bounce]
    color: RGB  # the centre sample's colour, before clipping
    rgb: tuple[int, int, int]  # as the renderer stores it: c * 255, clipped, rounded

    @property
    def samples(self) -> int:
        return int(self.settings.get("samples", 1))

    def children(self, index: int) -> list[Bounce]:
        return [b for b in self.bounces if b.parent == index]

    def to_dict(self) -> dict:
        """Return the pick as plain JSON-ready values."""
        return asdict(self)


def pick(loaded: LoadedScene, settings: RenderSettings, x: int, y: int) -> Pick:
    """Trace pixel (x, y)'s centre ray, recording every bounce; raise OffFrame off the frame."""
    scene = loaded.scene
    width, height = frame_size(scene, settings)
    if not (0 <= x < width and 0 <= y < height):
        raise OffFrame(f"pixel ({x}, {y}) is outside the {width}x{height} frame")
    camera, kernel = camera_and_kernel(loaded, settings)  # the camera mode's override too
    n = settings.samples  # the centre sample: its lens position as the render draws it
    pixel = y * width + x
    lens = LensSamples(camera, pixel, pixel + 1, n, settings.seed).at((n // 2) * n + n // 2)
    o, d = camera.rays(np.array([float(x)]), np.array([float(y)]), width, height, **lens)
    bounces: list[Bounce] = []
    recorder = _Recorder(loaded, kernel, settings, bounces)
    if settings.shadows and kernel.soft:
        sample = (n // 2) * n + n // 2
        recorder.samples = LightSamples(np.array([pixel]), sample, n, settings.seed)
    color = recorder.follow(o, d, "camera", 0, None, 1.0)
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
        color=_rgb(color),
        rgb=(int(c[0, 0]), int(c[1, 0]), int(c[2, 0])),
    )


class _Recorder:
    """Follow one ray and its children as trace.trace does, writing down each step."""

    def __init__(self, loaded: LoadedScene, kernel, settings: RenderSettings, out: list) -> None:
        self.scene, self.sa = loaded.scene, kernel
        self.settings, self.out = settings, out
        self.samples: LightSamples | None = None

    def follow(self, o, d, kind: str, depth: int, parent: int | None, weight: float):
        """Return the (3, 1) colour seen along ray (o, d); record it and its children."""
        sa = self.sa
        bounce = Bounce(kind, depth, parent, weight, _xyz(o), _xyz(d))
        self.out.append(bounce)
        me = len(self.out) - 1
        t, hit, prim = nearest(sa, o, d)
        if hit[0] < 0:
            background = self.scene.background
            if background is None:
                return np.zeros((3, 1))
            color = np.asarray(background_colors(background, d), dtype=np.float64).reshape(3, 1)
            bounce.color = _rgb(color)
            return color
        p = tuple(oc + dc * t for oc, dc in zip(o, d, strict=True))
        n = _normals(sa, p, d, hit, prim)
        mid = sa.material_of(hit, prim)
        glass = None if sa.glass is None else GlassHits(sa.glass, mid, d, n, t)
        if glass is not None:
            n = glass.facing_normals(n)
        oc = _colors(sa, p, mid)
        terms: list = []
        samples = None if self.samples is None else self.samples.take(np.zeros(1, int), depth)
        local = _shade(sa, p, n, mid, oc, self.settings.shadows, terms, samples)
        refl = sa.reflection[mid] if glass is None else glass.weigh(local, sa.reflection[mid])
        self._record_hit(bounce, int(hit[0]), int(mid[0]), t, p, n, oc, local, terms)
        color = local
        deeper = depth < self.settings.max_depth
        if refl[0] != 0 and deeper:
            bounce.reflected = True
            ro, rd = _reflect(p, n, d)
            child = self.follow(ro, rd, "reflection", depth + 1, me, float(refl[0]))
            child *= refl
            color = local + child  # local + reflection * child, as trace folds it
        if glass is not None:
            color = self._glass(bounce, glass, p, color, depth, me, deeper)
        bounce.color = _rgb(color)
        return color

    def _glass(self, bounce: Bounce, glass: GlassHits, p, color, depth: int, me: int, deeper):
        """Record a glass hit's weights; add the refracted ray's colour as trace folds it."""
        if glass.rows.size == 0:
            return color
        bounce.fresnel = float(glass.r[0])
        if glass.through.size and deeper:
            bounce.transmission = _rgb(glass.weight)
            to, td = glass.refracted(p, MIN_DISPLACE)
            weight = 1.0 - float(glass.r[0])
            child = self.follow(to, td, "refraction", depth + 1, me, weight)
            color = color + child * glass.weight
        if glass.inside.size:
            bounce.attenuation = float(glass.att[0])
            color = color * glass.att
        return color

    def _object(self, k: int) -> object:
        """Return OBJECTS[k] (a snapshot of a huge scene leaves its objects out: then a stand-in
        that names only the kind of shape)."""
        objects = self.scene.objects
        return objects[k] if k < len(objects) else _Unnamed()

    def _record_hit(self, bounce: Bounce, k: int, mk: int, t, p, n, oc, local, terms) -> None:
        """Record object ``k`` hit with material ``mk`` (index in the kernel's table)."""
        sa, obj = self.sa, self._object(k)
        m = sa.materials[mk]
        bounce.object = ObjectHit(**asdict(Made.of(obj)), index=k)
        bounce.material = MaterialUsed(
            **asdict(Made.of(m)),
            ambient=float(sa.ambient[mk]),
            diffuse=float(sa.diffuse[mk]),
            specular=float(sa.specular[mk]),
            reflection=float(sa.reflection[mk]),
        )
        bounce.point, bounce.normal, bounce.distance = _xyz(p), _xyz(n), float(t[0])
        bounce.surface = _rgb(oc)
        a = float(sa.ambient[mk])
        bounce.ambient = (a, a, a)
        bounce.lights = [self._light_term(i, mk, p, n, oc, *term) for i, term in enumerate(terms)]
        bounce.local = _rgb(local)

    def _light_term(self, i: int, k: int, p, n, oc, kd, ks, dark, trans) -> LightTerm:
        """Return light i's terms as _shade added them (same products, same order)."""
        sa = self.sa
        _pos, rgb = sa.lights[i]
        if trans is None:
            diffuse = _first(oc[c] * sa.diffuse[k] * kd for c in range(3))
            specular = _first(sa.specular[k] * rgb[c] * ks for c in range(3))
        else:
            diffuse = _first(oc[c] * sa.diffuse[k] * (kd * trans[c]) for c in range(3))
            specular = _first(sa.specular[k] * rgb[c] * (ks * trans[c]) for c in range(3))
        shadowed = None if dark is None else bool(dark[0])
        return LightTerm(
            light=Made.of(self.scene.lights[i]),
            index=i,
            color=(float(rgb[0]), float(rgb[1]), float(rgb[2])),
            lambert=float(kd[0]),
            highlight=float(ks[0]),
            diffuse=diffuse,
            specular=specular,
            shadowed=shadowed,
            blocker=self._blocker(i, p, n) if shadowed else None,
            transmitted=None if trans is None else _rgb(trans),
        )

    def _blocker(self, i: int, p, n) -> ObjectHit | None:
        """Return the nearest object on the shadow ray towards light i."""
        sa: SceneArrays = self.sa
        lx, ly, lz = sa.lights[i][0]
        q = tuple(pc + nc * MIN_DISPLACE for pc, nc in zip(p, n, strict=True))
        L = unit(lx - p[0], ly - p[1], lz - p[2])
        _t, hit, _prim = nearest(sa, q, L)
        k = int(hit[0])
        if k < 0:
            return None
        return ObjectHit(**asdict(Made.of(self._object(k))), index=k)


def _xyz(v) -> XYZ:
    """Return the one ray's (x, y, z) of a triple of length-1 arrays (or floats)."""
    return _first(np.asarray(c).reshape(-1) for c in v)


def _first(arrays) -> tuple[float, float, float]:
    x, y, z = (float(a[0]) for a in arrays)
    return (x, y, z)


def _rgb(c: np.ndarray) -> RGB:
    return (float(c[0, 0]), float(c[1, 0]), float(c[2, 0]))


class _Unnamed:
    """An object of a huge scene whose snapshot travelled without its Python objects."""

    _site = None
