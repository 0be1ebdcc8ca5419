"""Create a scene file from the bundled template, atomically (Qt-free)."""

from __future__ import annotations

import os
import tempfile

from .resources import TEMPLATE, resource


def create_scene(path: str) -> None:
    """Write the template to ``path`` in one step (a reader never sees half a file).

    The caller has made sure the user agreed to replace an existing file.
    """
    data = resource(TEMPLATE).read_bytes()
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".puray-new-", suffix=".py", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
