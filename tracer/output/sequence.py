"""Write an animation as numbered images: ``frames/f_%04d.png`` -> frames/f_0000.png, ...

The number in each name is the frame's FRAME. Nothing is overwritten silently: if any of the
files exists, the writer refuses before rendering (``--force`` replaces them, read-only ones
too). Frames go to hidden temporary files as they arrive and are put in place only when every
frame has rendered, all or none (:mod:`tracer.output.batch`): a failed render leaves no
images behind (and a folder it had to create is removed again), and a failure while putting
them in place gives the files already replaced their old content back.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping

import numpy as np

from .atomic import AtomicFile, WriteFailed, check_target
from .batch import Planned, replace_all
from .image import write_png, write_ppm
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
        self.done: list[Planned] = []  # finished frames waiting to be put in place
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
        try:
            for k in frames:
                check_target(self.pattern % k, self.force)
        except ValueError:
            self.abort()
            raise

    def add(self, number: int, pixels: np.ndarray) -> None:
        self.check_size(number, pixels)
        shown = self.pattern % number
        out = AtomicFile(shown, self.force)
        try:
            assert out.file is not None
            if self.png:
                text = as_text({**self.metadata, "Frame": frame_entry(number, self.total)})
                write_png(out.file, pixels, text, small=False)
            else:
                write_ppm(out.file, pixels)
            out.close()  # flushed, fsynced and closed: ready to be put in place
        except OSError as exc:
            out.discard()
            raise WriteFailed(shown, exc) from None
        except BaseException:
            out.discard()
            raise
        self.done.append(Planned(out.tmp, out.target, shown))

    def commit(self, extra: Mapping[str, object]) -> None:
        done, self.done = self.done, []
        replace_all(done, self.force)

    def abort(self) -> None:
        for planned in self.done:
            with contextlib.suppress(OSError):
                os.unlink(planned.tmp)
        self.done.clear()
        if self.made_folder:
            with contextlib.suppress(OSError):
                os.rmdir(self.folder)  # only if empty
