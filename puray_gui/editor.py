"""Open a scene file in the user's editor: $PURAY_EDITOR if set, else the system default."""

from __future__ import annotations

import os
import shlex
import subprocess

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

#: e.g. ``code -g {file}:{line}`` or ``gvim +{line} {file}``; ``{line}`` is 1 when unknown.
EDITOR_ENV = "PURAY_EDITOR"


def editor_command(path: str, line: int = 0, template: str | None = None) -> list[str] | None:
    """Return the command that opens ``path`` at ``line``, or None for the system default."""
    template = template if template is not None else os.environ.get(EDITOR_ENV, "")
    if not template.strip():
        return None
    words = shlex.split(template)
    if not any("{file}" in w for w in words):
        words.append("{file}")
    return [w.format(file=path, line=max(1, line)) for w in words]


#: How to choose an editor, for messages when none could be started.
EDITOR_HINT = (
    f"Set {EDITOR_ENV} to the command that opens your editor, for example\n"
    f"    export {EDITOR_ENV}='code -g {{file}}:{{line}}'\n"
    f"or  export {EDITOR_ENV}='gvim +{{line}} {{file}}'\n"
    "and start Puray Live again."
)


def open_in_editor(path: str, line: int = 0) -> str | None:
    """Open ``path`` (at ``line`` when the editor command supports it); return why not, if not."""
    command = editor_command(path, line)
    name = os.path.basename(path)
    if command is None:
        if QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
            return None
        return (
            f"Could not open {name}: {EDITOR_ENV} is not set and the desktop has no program "
            "for .py files."
        )
    try:
        subprocess.Popen(command, start_new_session=True)
    except OSError as exc:
        why = exc.strerror or str(exc)
        return f"Could not open {name}: {EDITOR_ENV} runs {command[0]!r}, which failed ({why})."
    return None
