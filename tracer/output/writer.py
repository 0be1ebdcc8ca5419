"""What every animation writer is: frames in, one finished result out (or nothing at all).

The writers of :mod:`tracer.output.writers` take frames one at a time in order
(:meth:`Writer.add`), then :meth:`Writer.commit` puts the result in place in one step, as
stills are (a temporary file in the target folder, then a rename), or :meth:`Writer.abort`
leaves no trace.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping

import numpy as np

from .image import create_temp


class AtomicFile:
    """A hidden temporary file beside ``path`` that either replaces it or disappears."""

    def __init__(self, path: str) -> None:
        self.path = path
        fd, self.tmp = create_temp(path)
        os.close(fd)

    def commit(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(self.tmp, os.stat(self.path).st_mode & 0o7777)  # keep a replaced file's
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)


class Writer:
    """Frames in, finished files out (or nothing): begin, add each frame in order, commit."""

    frames: range = range(0)
    total: int = 1
    metadata: Mapping[str, object] = {}

    def begin(self, frames: range, total: int, metadata: Mapping[str, object]) -> None:
        """Say which frames of ``total`` will come; raise ValueError if they cannot be written."""
        self.frames, self.total, self.metadata = frames, total, metadata

    def add(self, number: int, pixels: np.ndarray) -> None:
        raise NotImplementedError

    def commit(self, extra: Mapping[str, object]) -> None:
        """Put the result in place, with ``extra`` metadata known only now (render time)."""
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError
