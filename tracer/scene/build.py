"""What a scene file defines, checked: WIDTH, HEIGHT, CAMERA, OBJECTS, LIGHTS (and BACKGROUND,
SETTINGS).

:func:`build` turns the namespace a scene's code left behind into a :class:`Scene`, or raises
one SceneError naming the file and the line that assigned the faulty name (or the line that
created the faulty object).
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field

import numpy as np

from ..camera.cameras import Camera, PurayCamera
from ..errors import SceneError, finite_xyz
from ..geometry import prepare_all
from ..settings import MAX_SIDE
from ..shading.background import Background, as_background
from ..shading.lights import Light
from ..shading.materials import Material
from ..shading.textures import is_texture
from .nesting import NestingCheck
from .settings import check_settings
from .source import SceneSource, top_level_bindings


@dataclass
class Scene:
    """A loaded, validated scene ready to render."""

    path: str
    width: int
    height: int
    camera: Camera
    objects: list
    lights: list
    rendered_img: str | None = None
    frame: int = 0  # the FRAME this load ran with
    frames: int = 1  # the scene's FRAMES (1: a still)
    fps: float = 24.0  # the scene's FPS
    #: What rays that hit nothing see; None: black, as in Puray.
    background: Background | None = None
    #: The scene's SETTINGS as {RenderSettings field: value} (tracer/scene/settings.py).
    settings: dict = field(default_factory=dict)


_REQUIRED = ("WIDTH", "HEIGHT", "CAMERA", "OBJECTS", "LIGHTS")


class _AssignmentLines:
    """Where the scene assigns each top-level name, read from its text when first asked.

    Only errors (and a Puray camera's site) ask: a big scene is not parsed again to load.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: dict[str, int] | None = None

    def get(self, name: str, default=None):
        if self.lines is None:
            self.lines = _assignment_lines(self.text)
        return self.lines.get(name, default)


def _assignment_lines(text: str) -> dict[str, int]:
    """Return the line of the last top-level assignment of each name (unpacking too)."""
    return {name: line for name, line, _value in top_level_bindings(text)}


def build(source: SceneSource, ns: dict) -> Scene:
    """Return the scene a scene file's namespace ``ns`` defines; raise SceneError if faulty."""
    lines = _AssignmentLines(source.text)

    def fail(name: str, message: str) -> SceneError:
        return SceneError(message, source.path, lines.get(name))

    missing = [name for name in _REQUIRED if name not in ns]
    if missing:
        raise SceneError(
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not defined "
            "(a scene defines WIDTH, HEIGHT, CAMERA, OBJECTS and LIGHTS)",
            source.path,
        )
    size = {}
    for name in ("WIDTH", "HEIGHT"):
        value = ns[name]
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise fail(name, f"{name} must be a whole number of pixels, got {value!r}")
        if not 1 <= value <= MAX_SIDE:
            raise fail(name, f"{name} must be from 1 to {MAX_SIDE} pixels, got {value}")
        size[name] = int(value)
    camera = ns["CAMERA"]
    if not isinstance(camera, Camera):
        camera = PurayCamera(camera, site=(source.path, lines.get("CAMERA", 0)))
    objects, lights = ns["OBJECTS"], ns["LIGHTS"]
    for name, value in (("OBJECTS", objects), ("LIGHTS", lights)):
        if not isinstance(value, (list, tuple)):
            raise fail(name, f"{name} must be a list, got {type(value).__name__}")
    with _located(source, lines, "CAMERA"):
        camera.prepare()
    with _located(source, lines, "OBJECTS"):
        nesting = NestingCheck()
        nesting.shapes(objects)  # before preparing: CSG prepares its operands recursively
        prepare_all(objects)
        _check_materials(objects, nesting)
    with _located(source, lines, "LIGHTS"):
        for light in lights:
            _check_light(light)
    with _located(source, lines, "BACKGROUND"):
        background = as_background(ns.get("BACKGROUND"))
    try:
        settings = check_settings(ns.get("SETTINGS", {}))
    except ValueError as exc:
        raise fail("SETTINGS", str(exc)) from None
    return Scene(
        source.path,
        size["WIDTH"],
        size["HEIGHT"],
        camera,
        list(objects),
        list(lights),
        ns.get("RENDERED_IMG"),
        background=background,
        settings=settings,
    )


@contextlib.contextmanager
def _located(source: SceneSource, lines: _AssignmentLines, name: str):
    """Give errors that know no place of their own the line where ``name`` is assigned."""
    try:
        yield
    except SceneError as exc:
        if exc.filename is None:
            raise SceneError(exc.message, source.path, lines.get(name)) from None
        raise


def _site_error(obj, message: str) -> SceneError:
    site = getattr(obj, "_site", None)
    return SceneError(message, *(site or (None, None)))


def _check_materials(objects, nesting: NestingCheck) -> None:
    """Check every distinct material once (a million spheres often share a handful)."""
    seen: set[int] = set()
    for obj in objects:
        get = getattr(obj, "materials", None)  # CSG: every solid's own material
        for m in [obj.material] if get is None else get():
            if id(m) not in seen:
                seen.add(id(m))
                _check_one_material(m, obj)
                nesting.part(m)


def _check_one_material(m, holder) -> None:
    """Check a material that ``holder`` (a shape) shows; raise SceneError at its line."""
    if not isinstance(m, Material) and not any(hasattr(m, name) for name in _COEFFICIENTS):
        where = m if getattr(m, "_site", None) else holder  # a Color knows no line: its shape
        hint = f": use Material({m!r})" if _finite_color(m) else ""
        raise _site_error(
            where,
            f"expected a Material for the {type(holder).__name__}, got {type(m).__name__} "
            f"({_short(m)}){hint}",
        )
    for name in _COEFFICIENTS:
        value = getattr(m, name, None)
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise _site_error(m, f"material {name} must be a finite number, got {value!r}")
    for name in ("color", "color1", "color2"):
        color = getattr(m, name, None)
        if color is not None and not (_finite_color(color) or is_texture(color)):
            raise _site_error(m, f"material {name} must be a Color or a texture, got {color!r}")


_COEFFICIENTS = ("ambient", "diffuse", "specular", "reflection")


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _finite_color(color) -> bool:
    try:
        return all(math.isfinite(float(c)) for c in (color.x, color.y, color.z))
    except (AttributeError, TypeError, ValueError):
        return False


def _check_light(light) -> None:
    if not isinstance(light, Light):
        raise SceneError(f"LIGHTS holds {light!r}, which is not a Light")
    site = getattr(light, "_site", None)
    light._pos = finite_xyz(light.position, "Light position", site, "Point")
    if not _finite_color(light.color):
        raise _site_error(light, f"Light color must be a Color, got {light.color!r}")
    light._rgb = (float(light.color.x), float(light.color.y), float(light.color.z))
