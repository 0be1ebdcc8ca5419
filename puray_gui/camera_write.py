"""Write to Scene and its undo (Qt-free): the camera override written into the scene file.

The write keeps the scene's meaning (tracer/camera/code.py): only the view's numbers change.
The file's previous bytes are kept, so Edit > Undo can put them back exactly, as long as the
file still holds what was written (an edit since then disables the undo).
"""

from __future__ import annotations

import os

from tracer.camera.code import (
    CameraCodeError,
    SceneEdit,
    number_text,
    point_text,
    write_camera,
)

NOT_WRITTEN = "The camera was not written; the scene is unchanged."


class CameraWriteBack:
    """Write a view into a scene file and undo the last such write."""

    def __init__(self) -> None:
        self.last: SceneEdit | None = None

    def write(self, path: str, view) -> tuple[bool, str]:
        """Write ``view`` as the scene's camera; return whether it did and what happened."""
        try:
            edit = write_camera(path, view)
        except (CameraCodeError, OSError) as exc:  # both name the scene file, never a temp
            return False, f"{NOT_WRITTEN}\n\n{exc}"
        self.last = edit
        position, look_at, fov = (point_text(view[0]), point_text(view[1]), number_text(view[2]))
        return True, (
            f"Wrote the camera into {os.path.basename(path)}: {position}, look_at={look_at}, "
            f"fov={fov} (Edit > Undo puts the file back)"
        )

    @property
    def can_undo(self) -> bool:
        """Tell whether there is a write to undo and the file still holds what it wrote."""
        return self.last is not None and self.last.still_current()

    def forget(self) -> None:
        """Drop the write to undo (another scene was opened, or the file changed)."""
        self.last = None

    def undo(self) -> tuple[bool, str]:
        """Put the scene file's previous bytes back; return whether it did and what happened."""
        edit, self.last = self.last, None
        if edit is None:
            return False, "Nothing to undo"
        name = os.path.basename(edit.path)
        try:
            edit.undo()
        except (CameraCodeError, OSError) as exc:
            return False, f"Undo failed; {name} is unchanged.\n\n{exc}"
        return True, f"Undid Write to Scene: {name} has its previous bytes back"
