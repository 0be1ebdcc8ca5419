"""Create a scene file from the bundled template, atomically (Qt-free)."""

from __future__ import annotations

import errno
import os

from tracer.output.atomic import write_file

from .resources import TEMPLATE, resource


def create_scene(path: str, replace: bool = False) -> None:
    """Write the template to ``path`` in one step (a reader never sees half a file).

    An existing file is replaced only when ``replace`` says the user agreed (even a read-only
    one), keeping its mode, owner and links; otherwise FileExistsError and nothing changes.
    Raises WriteFailed (an OSError naming ``path``) if the write fails: the file stays as it was.
    """
    if not replace and os.path.lexists(path):
        raise FileExistsError(errno.EEXIST, "exists; a new scene never replaces it unasked", path)
    write_file(path, resource(TEMPLATE).read_bytes(), force=replace)
