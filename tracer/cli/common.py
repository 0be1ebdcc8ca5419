"""What the ``puray`` subcommands share: the render options, bad-input errors, file names shown."""

from __future__ import annotations

import argparse
import contextlib
import math
import os

from ..errors import Frame, SceneError, WorkerDied
from ..output.atomic import TargetRefused, write_message
from ..settings import RenderSettings
from ..workers.processes import cpu_count, start_method
from ..workers.service import RenderService

EXIT_BAD_INPUT = 2
#: Traceback frames of the scene's own code shown under an error (the innermost ones).
MAX_FRAMES = 5


class UserError(Exception):
    """A bad input: its message is printed after 'puray: error: ' and the exit status is 2."""


def refused(exc: Exception) -> UserError:
    """Return the UserError for an output refused before rendering (saying how to force it)."""
    if isinstance(exc, TargetRefused) and exc.forcible:
        return UserError(f"{exc}: use --force to replace it")
    return UserError(str(exc))


def write_error(exc: Exception, output: str) -> UserError:
    """Return the UserError for a failed write of ``output``, naming the file that failed."""
    if isinstance(exc, TargetRefused):  # made read-only while rendering
        return refused(exc)
    return UserError(write_message(exc, output))


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of argparse's usage dump
        raise UserError(f"{message} (see '{self.prog} --help')")


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


def add_render_options(parser: argparse.ArgumentParser) -> None:
    """Add the options that shape the picture (and the scene's time limits)."""
    parser.add_argument("--width", type=int, help="image width (default: the scene's WIDTH)")
    parser.add_argument("--height", type=int, help="image height (default: the scene's HEIGHT)")
    parser.add_argument(
        "--depth", type=int, help="reflection bounces (default: the scene's SETTINGS, else 5)"
    )
    parser.add_argument(
        "--samples",
        type=int,
        help="anti-aliasing: S x S per pixel (default: the scene's SETTINGS, else 1)",
    )
    parser.add_argument(
        "--shadows",
        action=argparse.BooleanOptionalAction,
        help="cast shadows, or not (default: the scene's SETTINGS, else none, as in Puray)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for the scene's random numbers")
    parser.add_argument(
        "--load-timeout",
        type=positive_seconds,
        default=10.0,
        metavar="SECONDS",
        help="stop a scene that takes longer to load (default: 10)",
    )
    parser.add_argument(
        "--block-timeout",
        type=positive_seconds,
        default=60.0,
        metavar="SECONDS",
        help="stop a block of rows that renders longer (a material's endless loop; default: 60)",
    )


def settings_from(args: argparse.Namespace) -> RenderSettings:
    """Return the RenderSettings the options ask for; a bad value names its option.

    An option not given leaves its value to the scene's SETTINGS (tracer/scene/settings.py),
    else to RenderSettings' default.
    """
    given = {"max_depth": args.depth, "samples": args.samples, "shadows": args.shadows}
    chosen = {name: value for name, value in given.items() if value is not None}
    try:
        return RenderSettings(
            width=args.width,
            height=args.height,
            seed=args.seed,
            load_timeout=args.load_timeout,
            block_timeout=args.block_timeout,
            scene_may_set=frozenset(given) - frozenset(chosen),
            **chosen,
        )
    except ValueError as exc:
        raise UserError(_as_option(str(exc))) from None


def _as_option(message: str) -> str:
    """Name the option in a RenderSettings message ('width must...' -> '--width must...')."""
    for name in ("width", "height", "depth", "samples", "seed", "load timeout", "block timeout"):
        if message.startswith(name + " "):
            return "--" + name.replace(" ", "-") + message[len(name) :]
    return message


class Shown:
    """Show file names as the user typed them, or relative to the current folder."""

    def __init__(self, scene: str) -> None:
        self.scene, self.scene_abs = scene, os.path.abspath(scene)

    def path(self, path: str) -> str:
        if path == self.scene_abs:
            return self.scene
        rel = os.path.relpath(path)
        return path if rel.startswith(os.pardir) else rel

    def error(self, error: Exception) -> str:
        """Describe a failed load or render in one message, with the scene's own frames."""
        if not isinstance(error, SceneError):
            kind = "" if isinstance(error, WorkerDied) else f"{type(error).__name__}: "
            return f"{self.scene}: {kind}{error}"
        frames = tuple(
            Frame(self.path(f.filename), f.lineno, f.name, f.line)
            for f in error.frames[-MAX_FRAMES:]
        )
        filename = self.path(error.filename) if error.filename else self.scene
        shown = SceneError(error.message, filename, error.lineno, frames)
        return shown.details() if len(frames) > 1 else str(shown)


@contextlib.contextmanager
def started_service(processes: int | None, scheduler: str | None):
    """Start local workers (or connect to a Dask cluster) for one command; close afterwards."""
    if scheduler is None:
        with RenderService(processes or cpu_count(), start_method=start_method()) as service:
            yield service
        return
    from ..workers.cluster import ClusterService, ClusterUnavailable  # start-up: --scheduler only

    try:
        cluster = ClusterService(scheduler)
    except (ClusterUnavailable, ValueError) as exc:
        raise UserError(f"--scheduler: {exc}") from None
    with cluster:
        yield cluster
