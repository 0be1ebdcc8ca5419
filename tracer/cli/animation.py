"""``puray render`` for animated scenes: every frame to GIF/APNG/WebP/MP4/images, or one frame.

:func:`render_animation` is the command line's one call into this package. It returns None
for a plain still (a scene that cannot define FRAMES, to a .png or .ppm, no animation option),
which the command line renders as before, and a rendered :class:`Still` for a scene that might
have been animated until its first load said otherwise (the command line writes it).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import SceneError
from ..output.image import check_writable, write_image
from ..output.metadata import export_metadata, render_time
from ..output.rate import MAX_FPS, MIN_FPS, fps_problem
from ..output.sequence import SequenceWriter
from ..output.video import MissingEncoder
from ..output.writer import Writer
from ..output.writers import open_writer, output_kind
from ..scene.frames import check_frame_size, in_frame, literal_frames, might_animate, parse_range
from ..scene.source import SceneSource
from ..settings import MAX_FRAMES, RenderSettings
from ..workers.events import JobStarted
from ..workers.frames import FrameFailed, FrameRun
from .common import Shown, UserError, refused, settings_from, started_service, write_error
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
        "--frame", type=frame_number, metavar="K", help="render frame K (0-based) as a still"
    )
    group.add_argument("--fps", type=_fps, help="frames per second (default: the scene's FPS)")
    group.add_argument("--dither", action="store_true", help="GIF: dither to the palette")
    group.add_argument(
        "--force",
        action="store_true",
        help="replace existing image sequence files, and output files made read-only",
    )


def frame_number(text: str) -> int:
    """Parse a --frame option: a frame number from 0."""
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
) -> int | Still | None:
    """Render what ``args`` asks of an animated scene; None when it is a plain still.

    The first frame asked for starts rendering at once; its load tells FRAMES, FPS and the
    size, and then the rest is planned. A scene that only might have been animated and is a
    still comes back as its rendered Still, for the command line to write. Bad input raises
    UserError, which the command line reports.
    """
    output = _output(args)
    try:
        kind = output_kind(output)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if not _wants_animation(args, kind) and not might_animate(source):
        return None
    settings = settings_from(args)
    first = _first_frame(args, kind, output, source)
    progress = Progress(sys.stderr, os.path.basename(args.scene), enabled=not args.quiet)
    try:
        with (
            _services(args, service) as renderer,
            FrameRun(renderer, source, settings, first) as run,
        ):
            started = _started(run, source, shown)
            settings = settings.under_scene(started.settings)  # frame 0's, for every frame
            run.use(settings)
            job = _Job(source, settings, started)
            if args.frame is not None:
                return _render_still(args, run, job, output, progress)
            if not _wants_animation(args, kind) and job.total == 1:
                return _still(args, run, progress)
            return _movie(args, run, job, output, progress)
    finally:
        progress.close()


def _movie(args, run: FrameRun, job: _Job, output: str, progress: Progress) -> int:
    """Plan the frames the scene's FRAMES and the options select, open the writer, render."""
    try:
        frames = parse_range(args.frames or ":", job.total)
    except ValueError as exc:
        raise UserError(f"--frames {exc}") from None
    fps = args.fps or job.started.fps
    try:
        writer = open_writer(output, fps, dither=args.dither, force=args.force)
    except (ValueError, MissingEncoder) as exc:
        raise refused(exc) from None
    return _render_movie(args, run, job, frames, fps, writer, progress)


def _first_frame(args: argparse.Namespace, kind: str, output: str, source: SceneSource) -> int:
    """Return the frame to render first; refuse what needs no load to refuse (UserError).

    A top-level ``FRAMES = N`` in the text checks --frame and --frames before anything runs.
    """
    known = literal_frames(source)
    if args.frame is not None:
        if kind not in ("png", "ppm"):
            raise UserError(f"--frame writes one still image: {output} must end in .png or .ppm")
        if known is not None:
            _check_number(args.frame, known)
    try:
        if kind in ("png", "ppm"):
            check_writable(output, args.force)  # a still, or an animated PNG
    except ValueError as exc:
        raise refused(exc) from None
    if args.frame is not None:
        return args.frame
    try:
        return parse_range(args.frames or ":", known or MAX_FRAMES).start
    except ValueError as exc:
        raise UserError(f"--frames {exc}") from None


def _check_number(number: int, total: int) -> None:
    if number >= total:  # refuse --frame ``number`` of a scene of ``total`` frames
        have = "is a still" if total == 1 else f"has {total} frames (0 to {total - 1})"
        raise UserError(f"--frame {number}: the scene {have}")


def _started(run: FrameRun, source: SceneSource, shown: Shown) -> JobStarted:
    """Wait for the first frame's load; a failure names the frame when the text tells FRAMES."""
    try:
        return run.started()
    except FrameFailed as exc:
        count = literal_frames(source) or 1
        error = in_frame(exc.error, run.first, count) if count > 1 else exc.error
        raise UserError(shown.error(error)) from None


@dataclass(frozen=True)
class Still:
    """A still rendered by the animation path (its scene might have been animated)."""

    pixels: np.ndarray
    seconds: float
    scene: dict  # the scene's SETTINGS


@dataclass(frozen=True)
class _Job:
    source: SceneSource
    settings: RenderSettings
    started: JobStarted  # the first frame's: the scene's FRAMES, FPS and size

    @property
    def size(self) -> tuple[int, int]:
        return self.started.width, self.started.height

    @property
    def total(self) -> int:
        return self.started.frames


def _services(args: argparse.Namespace, service: RenderBackend | None):
    """Return a context giving ``service``, or workers started for this command."""
    if service is not None:
        return contextlib.nullcontext(service)
    return started_service(args.processes, args.scheduler)


def _still(args: argparse.Namespace, run: FrameRun, progress: Progress) -> Still:
    """Finish the first frame, which is the whole of a still."""
    started = time.perf_counter()
    try:
        ((_, pixels),) = list(run.frames(range(0, 1), 1, progress.update_frames))
    except FrameFailed as exc:
        raise UserError(Shown(args.scene).error(exc.error)) from None
    return Still(pixels, time.perf_counter() - started, run.started().settings)


def _render_movie(
    args, run: FrameRun, job: _Job, frames: range, fps: float, writer: Writer, progress: Progress
) -> int:
    """Render ``frames`` into ``writer``; nothing is left behind unless every frame rendered."""
    output = _output(args)
    metadata = export_metadata(
        job.source, job.settings, job.size, frames=frames, fps=fps, total=job.total
    )
    try:
        writer.begin(frames, job.total, metadata)
    except (ValueError, OSError) as exc:
        raise refused(exc) from None
    started = time.perf_counter()
    try:
        for number, pixels in run.frames(frames, job.total, progress.update_frames):
            shape = (pixels.shape[1], pixels.shape[0])
            check_frame_size(job.source, number, shape, frames.start, job.size)
            writer.add(number, pixels)
        seconds = time.perf_counter() - started
        writer.commit(render_time(seconds))
    except (FrameFailed, SceneError) as exc:
        writer.abort()
        error = exc.error if isinstance(exc, FrameFailed) else exc
        raise UserError(Shown(args.scene).error(error)) from None
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


def _render_still(args, run: FrameRun, job: _Job, output: str, progress: Progress) -> int:
    """Render frame ``args.frame`` alone to a PNG or PPM."""
    number, total = args.frame, job.total
    _check_number(number, total)
    started = time.perf_counter()
    try:
        ((_, pixels),) = list(run.frames(range(number, number + 1), total))
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
