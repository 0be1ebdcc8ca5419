"""``puray pick SCENE.py X Y``: where pixel (x, y)'s colour comes from, bounce by bounce.

Prints one entry a line: the pixel's RGB, then for every ray of its path the object hit and
its material as ``FILE:LINE`` (the scene line that created them), the hit, each light's
diffuse and specular terms (and what shadows it), the local colour and how the reflection
adds to it. ``--json`` prints the whole :class:`tracer.pick.Pick` for scripts. A worker
process traces it: scene code never runs in this process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from typing import TYPE_CHECKING, Protocol

from ..errors import SceneError
from ..scene.source import SceneSource
from ..workers.events import Event, JobFailed, PixelPicked
from ..workers.processes import start_method
from ..workers.router import EventRouter
from ..workers.service import RenderService
from .animation import frame_number
from .common import Shown, UserError, add_render_options, settings_from

if TYPE_CHECKING:  # the picking code itself loads only in the workers
    from ..pick import Bounce, LightTerm, Made, Pick
    from ..pick.records import RGB
    from ..workers.backend import RenderBackend


def add_command(commands) -> None:
    """Add the ``pick`` subcommand to the ``puray`` parser."""
    pick = commands.add_parser(
        "pick",
        help="show where one pixel's colour comes from",
        description=(
            "Trace pixel X, Y of SCENE.py (0, 0 is the top left) and print its path: every "
            "object and material it meets (as FILE:LINE), each light's share, the reflection "
            "weights, and how they add up to the pixel's RGB. With --samples the centre "
            "sample is traced."
        ),
    )
    pick.add_argument("scene", metavar="SCENE.py", help="the scene file")
    pick.add_argument("x", type=int, metavar="X", help="pixel column")
    pick.add_argument("y", type=int, metavar="Y", help="pixel row")
    add_render_options(pick)
    pick.add_argument(
        "--frame", type=frame_number, metavar="K", help="pick in frame K (0-based) of an animation"
    )
    pick.add_argument("--json", action="store_true", help="print the pick as JSON")
    pick.set_defaults(run=run)


def run(args: argparse.Namespace, service: RenderBackend | None) -> int:
    """Pick the pixel on a worker and print its breakdown."""
    settings = settings_from(args)
    if args.frame is not None:
        settings = settings.with_(frame=args.frame)
    shown = Shown(args.scene)
    try:
        source = SceneSource.from_path(args.scene)
    except SceneError as exc:
        raise UserError(shown.error(exc)) from None
    running: contextlib.AbstractContextManager = (
        contextlib.nullcontext(service) if service else RenderService(1, start_method())
    )
    with running as tracer:
        result = _answer(tracer, source, settings, args.x, args.y, shown)
    text = (
        json.dumps(result.to_dict(), indent=2) if args.json else "\n".join(describe(result, shown))
    )
    try:
        print(text, flush=True)
    except BrokenPipeError:  # `puray pick ... | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _answer(service: RenderBackend, source, settings, x: int, y: int, shown: Shown) -> Pick:
    """Pick pixel (x, y) on ``service`` and wait for the answer; raise UserError if it fails."""
    router = EventRouter(service)
    answer: list[Event] = []  # a pick's one event: PixelPicked or JobFailed
    job = service.pick(source, settings, x, y)
    router.watch(job, answer.append)
    try:
        while not answer:
            router.wait(0.1)
    finally:
        router.cancel(job)
    (event,) = answer
    if isinstance(event, JobFailed):
        raise UserError(shown.error(event.error))
    assert isinstance(event, PixelPicked)
    return event.pick  # type: ignore[return-value]


def num(value: float, digits: int = 6) -> str:
    return f"{value:.{digits}g}"


def triple(values, digits: int = 6) -> str:
    """Return an (x, y, z) as text."""
    return "(" + ", ".join(num(v, digits) for v in values) + ")"


def rgb(values, digits: int = 6) -> str:
    """Return a colour as text; one number when its channels are equal (a grey)."""
    r, g, b = values
    if r == g == b:
        return "0 (black)" if r == 0 else f"{num(r, digits)} grey"
    return triple(values, digits)


class Names(Protocol):
    """Shows file names (the command line's Shown: as typed; the pick panel: base names)."""

    def path(self, path: str) -> str: ...


def where(made: Made, shown: Names) -> str:
    """Name a scene-made thing: its class and ``FILE:LINE``."""
    if made.file is None:
        return f"{made.type} (made outside the scene)"
    return f"{made.type} {shown.path(made.file)}:{made.line}"


def describe(p: Pick, shown: Shown) -> list[str]:
    """Return the pick as text, one entry a line."""
    r, g, b = p.rgb
    sampled = f", centre sample of {p.samples}x{p.samples}" if p.samples > 1 else ""
    frame = f" in frame {p.settings['frame']}" if p.settings.get("frame") else ""
    lines = [
        f"{shown.path(p.scene)} pixel ({p.x}, {p.y}){frame} of {p.width}x{p.height}{sampled}: "
        f"RGB {r}, {g}, {b}  #{r:02x}{g:02x}{b:02x}"
    ]
    for index, bounce in enumerate(p.bounces):
        lines += _bounce_lines(p, index, bounce, shown)
    lines.append(f"RGB = round(clip(255 x {triple(p.color)}, 0, 255)) = {r}, {g}, {b}")
    return lines


def _bounce_lines(p: Pick, index: int, b: Bounce, shown: Shown) -> list[str]:
    tag = f"[{index}]"
    ray = "camera ray" if b.parent is None else f"{b.kind} ray from [{b.parent}]"
    if b.object is None or b.material is None:
        return [f"{tag} {ray} {miss_text(b, shown)}"]
    m = b.material
    lines = [
        f"{tag} {ray} hits {where(b.object, shown)} (OBJECTS[{b.object.index}]) "
        f"at distance {num(b.distance or 0.0)}",
        f"{tag}   material {where(m, shown)}: ambient {num(m.ambient)}, diffuse "
        f"{num(m.diffuse)}, specular {num(m.specular)}, reflection {num(m.reflection)}",
        f"{tag}   point {triple(b.point or ())}, normal {triple(b.normal or ())}",
        f"{tag}   surface colour {rgb(b.surface or (0, 0, 0))}",
        f"{tag}   ambient {rgb(b.ambient)}",
    ]
    lines += [f"{tag}   {light_text(term, shown)}" for term in b.lights]
    lines += [f"{tag}   {text}" for text, _ in sum_lines(p, index)]
    return lines


def miss_text(b: Bounce, shown: Names, digits: int = 6) -> str:
    """Say what a ray that hit nothing sees: the scene's BACKGROUND and its colour, or black."""
    seen = b.background
    if seen is None:
        return "hits nothing: black (the scene sets no BACKGROUND, or a black one)"
    kind = "Color" if seen.type == "Plain" else seen.type
    at = f" {shown.path(seen.file)}:{seen.line}" if seen.file else ""
    return f"hits nothing: sees the background {rgb(b.color, digits)} of BACKGROUND = {kind}{at}"


def sum_lines(p: Pick, index: int, digits: int = 6) -> list[tuple[str, RGB | None]]:
    """Return how bounce ``index``'s colour adds up, a line each with the colour it adds.

    The local colour, each child ray's weighted colour, glass's absorption and the sum.
    """
    b = p.bounces[index]
    glass = "" if b.fresnel is None else f" (glass: lights x Fresnel reflectance {num(b.fresnel)})"
    lines: list[tuple[str, RGB | None]] = [(f"local {rgb(b.local, digits)}{glass}", b.local)]
    for number, child in enumerate(p.bounces):
        if child.parent != index:
            continue
        weight = num(child.weight)
        if child.kind == "refraction" and b.transmission is not None:
            weight = rgb(b.transmission, digits)  # (1 - R) x the glass's tint
        text = f"+ {weight} x {child.kind} [{number}] {rgb(child.color, digits)}"
        lines.append((text, child.color))
    if b.attenuation != 1.0:
        lines.append((f"x {num(b.attenuation)} (absorbed on the way through the glass)", None))
    if not b.reflected and b.material is not None and b.material.reflection != 0:
        lines.append((f"(reflection not traced: depth limit {p.settings['max_depth']})", None))
    lines.append((f"= {rgb(b.color, digits)}", b.color))
    return lines


def light_text(term: LightTerm, shown: Names, digits: int = 6) -> str:
    """Describe one light's diffuse and specular terms, and what shadows it."""
    text = (
        f"light {term.index} {where(term.light, shown)}: diffuse {rgb(term.diffuse, digits)} "
        f"+ specular {rgb(term.specular, digits)}"
    )
    if term.shadowed:
        blocker = f" by {where(term.blocker, shown)}" if term.blocker else ""
        return f"{text}  shadowed{blocker}"
    if term.shadowed is False:
        return f"{text}  lit"
    return text
