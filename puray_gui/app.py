"""``puray-gui [SCENE.py]``: open the live preview window.

Only argument parsing here: Qt is imported when the window starts, so the render workers
(spawned processes that import this module's package) never load Qt.
"""

from __future__ import annotations

import argparse
import os
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="puray-gui", description="Watch a scene file and ray-trace it live."
    )
    parser.add_argument(
        "scene",
        nargs="?",
        metavar="SCENE.py",
        help="scene to open (default: the last one opened, else the bundled twoballs scene)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the window; return the exit status."""
    args = _parser().parse_args(argv)
    if args.scene is not None and not os.path.isfile(args.scene):
        print(f"puray-gui: error: {args.scene}: no such scene file", file=sys.stderr)
        return 2
    from .qt.qt_app import run

    return run(os.path.abspath(args.scene) if args.scene else None)


if __name__ == "__main__":
    sys.exit(main())
