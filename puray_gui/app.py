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


#: Qt platforms that need no display server.
HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb")


def no_display_message(environ=os.environ, platform: str = sys.platform) -> str | None:
    """Return why the window cannot open here (no display), or None if it can."""
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None  # macOS and Windows always have their own window system
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    if environ.get("QT_QPA_PLATFORM", "").split(":")[0] in HEADLESS_PLATFORMS:
        return None
    return (
        "puray-gui: error: there is no display to open the window on "
        "(neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
        "Run it on a desktop, or under a virtual display:  xvfb-run -a puray-gui [SCENE.py]\n"
        "To render without a window use:  puray render SCENE.py -o out.png"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the window; return the exit status."""
    args = _parser().parse_args(argv)
    if args.scene is not None and not os.path.isfile(args.scene):
        print(f"puray-gui: error: {args.scene}: no such scene file", file=sys.stderr)
        return 2
    problem = no_display_message()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    from .qt.qt_app import run

    return run(os.path.abspath(args.scene) if args.scene else None)


if __name__ == "__main__":
    sys.exit(main())
