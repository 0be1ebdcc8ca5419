"""``puray render`` for animated scenes: every frame to GIF/APNG/WebP/MP4/images, or one frame.

:func:`render_animation` is the command line's one call into this package. It returns None
when the request is a plain still (a scene without FRAMES to a .png or .ppm, no animation
option), which the command line renders as before.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import SceneError
from ..output.image import check_writable, write_image
from ..output.metadata import export_metadata, render_time
from ..output.rate import MAX_FPS, MIN_FPS, fps_problem
from ..output.sequence import SequenceWriter
from ..output.video import MissingEncoder
from ..output.writer import Writer
from ..output.writers import open_writer, output_kind
from ..scene.frames import in_frame, literal_frames, parse_range
from ..scene.source import SceneSource
from ..settings import RenderSettings
from ..workers.frames import FrameFailed, render_frames
from ..workers.probe import Timeline, might_animate, probe
from .common import (
    Shown,
    UserError,
    refused,
    settings_from,
    started_service,
    write_error,
)
from .progress import Progress

if TYPE_CHECKING:
    from ..workers.backend import RenderBackend


def add_arguments(render: argparse.ArgumentParser) -> None:
    """Add the animation options to ``puray render``."""
    group = render.add_argument_group(
        "animation",
        "A scene that sets FRAMES > 1 renders every frame; OUT decides the format: .gif, "
        ".png/.apng (animated PNG), .webp, .mp4, or a pattern such as frames/f_%04d.png.",
    )
    which = group.add_mutually_exclusive_group()
    which.add_argument(
        "--frames", metavar="A:B", help="render frames A to B-1 (either may be left out)"
    )
    which.add_argument(
        "--frame", type=_frame_number, metavar="K", help="render frame K (0-based) as a still"
    )
    group.add_argument("--fps", type=_fps, help="frames per second (default: the scene's FPS)")
    group.add_argument("--dither", action="store_true", help="GIF: dither to the palette")
    group.add_argument(
        "--force",
        action="store_true",
        help="replace existing image sequence files, and output files made read-only",
    )


def _frame_number(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a frame number from 0, got {text!r}")
    return int(text)


def _fps(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected frames per second, got {text!r}") from None
    if fps_problem(value) is not None:
        raise argparse.ArgumentTypeError(
            f"must be from {MIN_FPS:g} to {MAX_FPS:g} frames per second, got {text!r}"
        )
    return value


def _output(args: argparse.Namespace) -> str:
    """Return the output path: -o, else SCENE.png beside the scene (as for stills)."""
    return args.output or os.path.splitext(args.scene)[0] + ".png"


def _wants_animation(args: argparse.Namespace, kind: str) -> bool:
    """Tell whether the options or the output type ask for frames whatever the scene is."""
    options = args.frame is not None or args.frames is not None or args.fps is not None
    return options or kind not in ("png", "ppm")


def render_animation(
    args: argparse.Namespace, service: RenderBackend | None, source: SceneSource, shown: Shown
) -> int | None:
    """Render what ``args`` asks of an animated scene; None when it is a plain still.

    Plans the frames (asking the scene for FRAMES only when it may have some), then renders.
    Bad input raises UserError, which the command line reports.
    """
    output = _output(args)
    try:
        kind = output_kind(output)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if not _wants_animation(args, kind) and not might_animate(source):
        return None
    settings = settings_from(args)
    try:
        timeline = probe(source, settings)
    except SceneError as exc:  # frame 0 failed: say so when the text tells FRAMES
        count = literal_frames(source) or 1
        raise UserError(shown.error(in_frame(exc, 0, count) if count > 1 else exc)) from None
    settings = settings.under_scene(timeline.settings)  # frame 0's SETTINGS, for every frame
    if args.frame is not None:
        return _render_still(args, service, _Job(source, settings, timeline), output)
    if not _wants_animation(args, kind) and timeline.frames == 1:
        return None
    try:
        frames = parse_range(args.frames or ":", timeline.frames)
    except ValueError as exc:
        raise UserError(f"--frames {exc}") from None
    fps = args.fps or timeline.fps
    try:
        writer = open_writer(output, fps, dither=args.dither, force=args.force)
    except (ValueError, MissingEncoder) as exc:
        raise refused(exc) from None
    return _render_movie(args, service, _Job(source, settings, timeline), frames, fps, writer)


@dataclass(frozen=True)
class _Job:
    source: SceneSource
    settings: RenderSettings
    timeline: Timeline

    @property
    def size(self) -> tuple[int, int]:
        s, t = self.settings, self.timeline
        return s.width or t.width, s.height or t.height


def _services(args: argparse.Namespace, service: RenderBackend | None):
    """Return a context giving ``service``, or workers started for this command."""
    if service is not None:
        return contextlib.nullcontext(service)
    return started_service(args.processes, args.scheduler)


def _progress(args: argparse.Namespace) -> Progress:
    return Progress(sys.stderr, os.path.basename(args.scene), enabled=not args.quiet)


def _render_movie(args, service, job: _Job, frames: range, fps: float, writer: Writer) -> int:
    """Render ``frames`` into ``writer``; nothing is left behind unless every frame rendered."""
    output = _output(args)
    total = job.timeline.frames
    metadata = export_metadata(
        job.source, job.settings, job.size, frames=frames, fps=fps, total=total
    )
    try:
        writer.begin(frames, total, metadata)
    except (ValueError, OSError) as exc:
        raise refused(exc) from None
    progress = _progress(args)
    started = time.perf_counter()
    try:
        with _services(args, service) as renderer:
            for number, pixels in render_frames(
                renderer, job.source, job.settings, frames, total, progress.update_frames
            ):
                writer.add(number, pixels)
        seconds = time.perf_counter() - started
        writer.commit(render_time(seconds))
    except FrameFailed as exc:
        writer.abort()
        raise UserError(Shown(args.scene).error(exc.error)) from None
    except (OSError, ValueError) as exc:  # a write failed, a frame of another size
        writer.abort()
        raise write_error(exc, output) from None
    except BaseException:
        writer.abort()
        raise
    finally:
        progress.close()
    if not args.quiet:
        size = "x".join(map(str, job.size))
        count = f"{len(frames)} frame{'s' if len(frames) != 1 else ''}"
        if isinstance(writer, SequenceWriter):
            output = f"{writer.pattern % frames.start} to {writer.pattern % (frames.stop - 1)}"
        print(
            f"puray: wrote {output} ({count}, {size}, {fps:g} fps, {seconds:.2f} s)",
            file=sys.stderr,
        )
    return 0


def _render_still(args, service, job: _Job, output: str) -> int:
    """Render frame ``args.frame`` alone to a PNG or PPM."""
    number, total = args.frame, job.timeline.frames
    if output_kind(output) not in ("png", "ppm"):
        raise UserError(f"--frame writes one still image: {output} must end in .png or .ppm")
    if number >= total:
        have = "is a still" if total == 1 else f"has {total} frames (0 to {total - 1})"
        raise UserError(f"--frame {number}: the scene {have}")
    try:
        check_writable(output, args.force)
    except ValueError as exc:
        raise refused(exc) from None
    progress = _progress(args)
    started = time.perf_counter()
    try:
        with _services(args, service) as renderer:
            frames = render_frames(
                renderer, job.source, job.settings, range(number, number + 1), total
            )
            ((_, pixels),) = list(frames)
    except FrameFailed as exc:
        raise UserError(Shown(args.scene).error(exc.error)) from None
    finally:
        progress.close()
    seconds = time.perf_counter() - started
    metadata = export_metadata(
        job.source, job.settings, job.size, frame=number, total=total, seconds=seconds
    )
    try:
        write_image(output, pixels, metadata, force=args.force)
    except (OSError, ValueError) as exc:
        raise write_error(exc, output) from None
    if not args.quiet:
        height, width = pixels.shape[:2]
        print(
            f"puray: wrote {output} (frame {number} of {total}, {width}x{height}, {seconds:.2f} s)",
            file=sys.stderr,
        )
    return 0
