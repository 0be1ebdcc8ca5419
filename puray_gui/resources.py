"""Find bundled files: the scene template, the icon and the default scene."""

from __future__ import annotations

from pathlib import Path

from tracer import bundled

_PACKAGE = Path(__file__).resolve().parent
_ROOT = _PACKAGE.parent  # the repository (editable installs and source checkouts)

TEMPLATE = "scene_template.py"
ICON = "icon.svg"


def resource(name: str) -> Path:
    """Return a file from ``puray_gui/resources`` (packaged) or the repository's ``resources``."""
    for folder in (_PACKAGE / "resources", _ROOT / "resources"):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"bundled resource {name!r} is missing")


def default_scene() -> Path:
    """Return the bundled default scene (the twoballs example), or the template without it."""
    try:
        return bundled.example("twoballs")
    except (KeyError, FileNotFoundError):
        return resource(TEMPLATE)
