"""``puray examples`` lists the bundled example scenes; ``puray render --example NAME`` renders one.

The examples ship inside the package (tracer/bundled.py finds them), so both work from an
installed wheel, anywhere. Without ``-o`` an example renders to ``NAME.png`` in the current
folder, never beside the installed scene.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import bundled
from ..output.image import written_by_us
from .common import UserError


def add_command(commands) -> None:
    """Add the ``examples`` subcommand to the ``puray`` parser."""
    listing = commands.add_parser(
        "examples",
        help="list the bundled example scenes",
        description="List the example scenes that ship with Puray Live, one a line.",
    )
    listing.add_argument(
        "--paths", action="store_true", help="print where each example's file is, not its summary"
    )
    listing.set_defaults(run=run)


def add_arguments(render: argparse.ArgumentParser) -> None:
    """Add ``--example NAME`` to ``puray render``."""
    render.add_argument(
        "--example",
        metavar="NAME",
        help="render the bundled example NAME instead of a file (see 'puray examples')",
    )


def run(args: argparse.Namespace, service=None) -> int:
    """Print every example's name and summary (or path), one a line."""
    found = _examples()
    width = max(len(e.name) for e in found)
    for e in found:
        print(f"{e.name:<{width}}  {e.path if args.paths else e.summary}")
    if not args.paths:
        print("\nRender one with: puray render --example NAME -o NAME.png", file=sys.stderr)
    return 0


def resolve(args: argparse.Namespace) -> None:
    """Turn ``--example NAME`` into the scene path and the output (NAME.png here by default).

    Raises UserError when neither a scene nor an example is named, or both are.
    """
    if args.example is None:
        if args.scene is None:
            raise UserError("name a scene file, or a bundled example with --example NAME")
        return
    if args.scene is not None:
        raise UserError(f"name a scene file or --example {args.example}, not both")
    try:
        args.scene = str(bundled.example(args.example))
    except (KeyError, FileNotFoundError) as exc:
        raise UserError(exc.args[0]) from None
    if args.output is None:
        args.output = os.path.basename(os.path.splitext(args.scene)[0]) + ".png"
        if os.path.exists(args.output) and not written_by_us(args.output):
            raise UserError(
                f"{args.output} exists and was not written by puray: "
                "name the output with -o to replace it"
            )


def _examples() -> list[bundled.Example]:
    try:
        return bundled.examples()
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
