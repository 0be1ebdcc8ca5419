"""The ``puray`` command: render a scene file to a PNG (or PPM) on the render service.

    puray render SCENE.py [-o OUT.png] [--width W] [--height H] [--depth D] [--samples S]
                 [--shadows | --no-shadows] [--processes N] [--seed K] [--load-timeout SECONDS]
                 [--quiet]
                 [--scheduler local[:N]|tcp://HOST:PORT]
    puray pick SCENE.py X Y [the render options] [--json]     (see cli_pick.py)

Exit status: 0 when the image was written; 2 for bad input, with one message on stderr that
names the scene file and line; 130 after Ctrl+C, 143 after SIGTERM. Nothing is written unless
the whole frame rendered, and an existing output file is either replaced in one step (keeping
its mode, owner and links; a read-only one only with --force) or left as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING

import numpy as np

from .._version import __version__
from ..errors import SceneError
from ..output.image import check_writable, image_format, png_level, write_image, written_by_us
from ..output.metadata import export_metadata
from ..output.png import PngEncoder
from ..scene.source import SceneSource
from ..workers.events import Event, JobFailed, JobFinished, JobStarted, RowsReady
from ..workers.router import EventRouter
from . import examples as cli_examples
from . import pick as cli_pick
from .animation import add_arguments as add_animation_arguments
from .animation import render_animation
from .common import (
    EXIT_BAD_INPUT,
    Parser,
    Shown,
    UserError,
    add_render_options,
    refused,
    settings_from,
    started_service,
    write_error,
)
from .progress import Progress

if TYPE_CHECKING:
    from ..workers.backend import RenderBackend

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: stop as after Ctrl+C (workers closed, temporary files removed)."""


def _processes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError(f"must be from 1 to 256, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog="puray", description="Ray-trace Puray scene files.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    render = commands.add_parser(
        "render",
        help="render a scene file to an image",
        description="Render SCENE.py to a PNG (or a binary PPM when OUT ends in .ppm).",
    )
    render.add_argument("scene", metavar="SCENE.py", nargs="?", help="the scene file")
    cli_examples.add_arguments(render)  # --example NAME instead of SCENE.py
    render.add_argument(
        "-o", "--output", metavar="OUT", help="image to write (default: SCENE.png beside the scene)"
    )
    add_render_options(render)
    render.add_argument(
        "--processes", type=_processes, help="worker processes (default: one per CPU)"
    )
    render.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="render on a Dask cluster: local[:N] starts N local workers, or tcp://HOST:PORT",
    )
    render.add_argument(
        "--small", action="store_true", help="compress the PNG harder (slower, ~20%% smaller)"
    )
    render.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    add_animation_arguments(render)
    render.set_defaults(run=_render)
    cli_pick.add_command(commands)
    cli_examples.add_command(commands)
    return parser


def main(argv: list[str] | None = None, service: RenderBackend | None = None) -> int:
    """Run the ``puray`` command; return its exit status.

    ``service``: render on this running service instead of starting one (tests, embedding).
    """
    try:
        args = _parser().parse_args(argv)
        return args.run(args, service)
    except UserError as exc:
        print(f"puray: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        stopped = "terminated" if isinstance(exc, Terminated) else "interrupted"
        print(f"puray: {stopped}; nothing written", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT


def _render(args: argparse.Namespace, service: RenderBackend | None) -> int:
    cli_examples.resolve(args)
    shown = Shown(args.scene)
    try:
        source = SceneSource.from_path(args.scene)
    except SceneError as exc:
        raise UserError(shown.error(exc)) from None
    default = os.path.splitext(args.scene)[0] + ".png"  # stills' and animations' alike
    if args.output is None and os.path.exists(default) and not written_by_us(default):
        raise UserError(
            f"{default} exists and was not written by puray: name the output with -o to replace it"
        )
    # None: a still, rendered below; an int: done; a Still: its first load said it is one
    animated = render_animation(args, service, source, shown)
    if isinstance(animated, int):
        return animated
    settings = settings_from(args)
    output = args.output or default
    try:
        check_writable(output, args.force)
    except ValueError as exc:
        raise refused(exc) from None
    level = png_level(args.small) if image_format(output) == "PNG" else None
    if animated is None:
        pixels, seconds, encoder, scene = _render_still(
            args, service, source, settings, shown, level
        )
    else:
        pixels, seconds, encoder, scene = animated.pixels, animated.seconds, None, animated.scene
    height, width = pixels.shape[:2]
    used = settings.under_scene(scene)  # what rendered: the scene's SETTINGS where not given
    metadata = export_metadata(source, used, (width, height), seconds=seconds)
    try:
        write_image(output, pixels, metadata, small=args.small, encoded=encoder, force=args.force)
    except (OSError, ValueError) as exc:
        raise write_error(exc, output) from None
    if not args.quiet:
        print(f"puray: wrote {output} ({width}x{height}, {seconds:.2f} s)", file=sys.stderr)
    return 0


def _render_still(args, service: RenderBackend | None, source, settings, shown, level):
    """Render the still on ``service`` or on workers started for it (see _render_frame)."""
    progress = Progress(sys.stderr, os.path.basename(args.scene), enabled=not args.quiet)
    running: contextlib.AbstractContextManager = (
        contextlib.nullcontext(service)
        if service
        else started_service(args.processes, args.scheduler)
    )
    try:
        with running as renderer:
            return _render_frame(renderer, source, settings, progress, shown, level)
    finally:
        progress.close()


def _render_frame(service: RenderBackend, source, settings, progress, shown, level=None):
    """Render one frame on ``service``; return it as an (H, W, 3) array, the seconds taken,
    (given a zlib ``level``) a PngEncoder that compressed the rows as they came, and the
    scene's SETTINGS."""
    router = EventRouter(service)
    frame = _Frame(level)
    job = service.submit(source, settings)
    router.watch(job, frame.take)
    try:
        while frame.seconds is None:
            router.wait(0.1)
            if frame.error is not None:
                raise UserError(shown.error(frame.error))
            progress.update(frame.done, frame.height)
        return frame.pixels(), frame.seconds, frame.encoder, frame.scene_settings
    finally:
        router.cancel(job)  # on error or Ctrl+C: drop the blocks not yet rendered


class _Frame:
    """One frame as its job's rows arrive, compressed as they come when given a zlib level."""

    def __init__(self, level: int | None) -> None:
        self.level = level
        self.data = bytearray()
        self.width = self.height = self.done = 0
        self.encoder: PngEncoder | None = None
        self.seconds: float | None = None  # set when the job has finished
        self.error: Exception | None = None
        self.scene_settings: dict = {}

    def take(self, event: Event) -> None:
        """Apply one event of the frame's job."""
        if isinstance(event, JobStarted):
            self.width, self.height = event.width, event.height
            self.scene_settings = event.settings
            self.data = bytearray(self.width * self.height * 3)
            self.encoder = None if self.level is None else PngEncoder(*self.size, self.level)
        elif isinstance(event, RowsReady) and not event.coarse:
            width = self.width
            self.data[event.y0 * width * 3 : event.y1 * width * 3] = event.pixels
            self.done += event.y1 - event.y0
            if self.encoder is not None:  # compress while the workers render the rest
                rows = np.frombuffer(event.pixels, np.uint8)
                self.encoder.add(event.y0, rows.reshape(event.y1 - event.y0, width, 3))
        elif isinstance(event, JobFinished):
            self.done, self.seconds = self.height, event.seconds
        elif isinstance(event, JobFailed):
            self.error = event.error

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    def pixels(self) -> np.ndarray:
        return np.frombuffer(self.data, dtype=np.uint8).reshape(self.height, self.width, 3)


def run() -> None:
    """Run ``puray`` as a program: exit with main()'s status, skipping the interpreter's
    teardown (about 13 ms of freeing modules) once nothing is left to finish.

    SIGTERM stops it as Ctrl+C does: the workers close and no temporary file stays behind.
    """
    signal.signal(signal.SIGTERM, _on_terminate)
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    if threading.active_count() == 1 and not _children():
        os._exit(code)
    sys.exit(code)


def _on_terminate(signum, frame) -> None:
    """Raise Terminated in the main thread; a second SIGTERM cannot cut the clean-up short."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Terminated


def _children() -> list:
    """Return the child processes still running (none once the render service has closed)."""
    mp = sys.modules.get("multiprocessing")
    return mp.active_children() if mp is not None else []


if __name__ == "__main__":
    run()
