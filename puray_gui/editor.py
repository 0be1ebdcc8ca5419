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


def open_in_editor(path: str, line: int = 0) -> bool:
    """Open ``path`` (at ``line`` when the editor command supports it); return success."""
    command = editor_command(path, line)
    if command is None:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(path))
    try:
        subprocess.Popen(command, start_new_session=True)
    except OSError:
        return False
    return True
