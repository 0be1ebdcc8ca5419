"""What a pick records: plain data (no scene objects).

It travels from a worker to the window and prints as JSON (:meth:`Pick.to_dict`).

Bounces form a flat list; each names its ``parent`` and ``kind`` ("camera", "reflection",
"refraction"), so a path that branches (glass: a reflected and a refracted ray, weighted by
Fresnel) is a tree in the same list.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

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
        name = "object" if isinstance(thing, Unnamed) else type(thing).__name__
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
    object: ObjectHit | None = None  # None: the ray hit nothing (see ``background``)
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
    #: A ray that hit nothing: the scene's BACKGROUND it sees (``color`` holds what it gives);
    #: None when the scene has none (or a black one): the ray sees black.
    background: Made | None = None


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


class Unnamed:
    """An object of a huge scene whose snapshot travelled without its Python objects."""

    _site = None
