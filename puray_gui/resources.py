"""Find bundled files: the scene template, the icon and the default scene."""

from __future__ import annotations

from pathlib import Path

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
    """Return the bundled default scene (twoballs), or the template when it is not shipped."""
    for folder in (_PACKAGE / "scenes", _ROOT / "scenes"):
        if (folder / "twoballs.py").is_file():
            return folder / "twoballs.py"
    return resource(TEMPLATE)
