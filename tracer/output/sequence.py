"""Write an animation as numbered images: ``frames/f_%04d.png`` -> frames/f_0000.png, ...

The number in each name is the frame's FRAME. Nothing is overwritten silently: if any of the
files exists, the writer refuses before rendering (``--force`` replaces them). Frames go to
hidden temporary files as they arrive and are renamed into place only when every frame has
rendered, so a failed render leaves no images behind (and a folder it had to create is
removed again).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping

import numpy as np

from .image import check_folder, create_temp, write_png, write_ppm
from .metadata import as_text, frame_entry
from .writer import Writer

_FIELD = re.compile(r"%(0\d+)?d")
_ENDINGS = (".png", ".ppm")


def is_pattern(path: str) -> bool:
    """Tell whether ``path`` holds a frame-number field such as %04d or %d."""
    return bool(_FIELD.search(path.replace("%%", "")))


def check_pattern(pattern: str) -> None:
    """Raise ValueError unless ``pattern`` has one number field and names PNG or PPM files."""
    fields = _FIELD.findall(pattern.replace("%%", ""))
    if len(fields) != 1 or "%" in _FIELD.sub("", pattern.replace("%%", "")):
        raise ValueError(f"{pattern}: an image sequence needs one frame number: %d or %04d")
    if os.path.splitext(pattern)[1].lower() not in _ENDINGS:
        raise ValueError(f"{pattern}: image sequences are .png or .ppm files")


class SequenceWriter(Writer):
    """Numbered PNG (with metadata) or PPM files, all put in place at the end."""

    def __init__(self, pattern: str, force: bool = False) -> None:
        check_pattern(pattern)
        self.pattern, self.force = pattern, force
        self.folder = os.path.dirname(os.path.abspath(pattern % 0))
        self.made_folder = not os.path.isdir(self.folder)
        self.done: list[tuple[str, str]] = []  # (temporary file, target)
        self.png = os.path.splitext(pattern)[1].lower() == ".png"

    def begin(self, frames: range, total: int, metadata: Mapping[str, object]) -> None:
        """Check the targets of ``frames`` before rendering; create the folder if needed."""
        super().begin(frames, total, metadata)
        taken = [self.pattern % k for k in frames if os.path.lexists(self.pattern % k)]
        if taken and not self.force:
            more = f" (and {len(taken) - 1} more)" if len(taken) > 1 else ""
            raise ValueError(f"{taken[0]} exists{more}; use --force to replace")
        if self.made_folder:
            os.makedirs(self.folder)
        check_folder(self.pattern % self.frames[0])

    def add(self, number: int, pixels: np.ndarray) -> None:
        target = self.pattern % number
        fd, tmp = create_temp(target)
        self.done.append((tmp, target))
        with os.fdopen(fd, "wb") as f:
            if self.png:
                text = as_text({**self.metadata, "Frame": frame_entry(number, self.total)})
                write_png(f, pixels, text, small=False)
            else:
                write_ppm(f, pixels)

    def commit(self, extra: Mapping[str, object]) -> None:
        for tmp, target in self.done:
            with contextlib.suppress(FileNotFoundError):
                os.chmod(tmp, os.stat(target).st_mode & 0o7777)
            os.replace(tmp, target)
        self.done.clear()

    def abort(self) -> None:
        for tmp, _target in self.done:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self.done.clear()
        if self.made_folder:
            with contextlib.suppress(OSError):
                os.rmdir(self.folder)  # only if empty
