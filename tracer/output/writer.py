"""What every animation writer is: frames in, one finished result out (or nothing at all).

The writers of :mod:`tracer.output.writers` take frames one at a time in order
(:meth:`Writer.add`), then :meth:`Writer.commit` puts the result in place in one step, as
stills are (:class:`~tracer.output.atomic.AtomicFile`: a temporary file in the target folder,
then a rename that keeps the target's mode, owner and links), or :meth:`Writer.abort` leaves
no trace. Every frame must have the size of the first: a writer refuses another size with
:class:`FrameSizeChanged` rather than squeeze or crash.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


class FrameSizeChanged(ValueError):
    """A frame's size differs from the first frame's: an animation has one size."""


class Writer:
    """Frames in, finished files out (or nothing): begin, add each frame in order, commit."""

    frames: range = range(0)
    total: int = 1
    metadata: Mapping[str, object] = {}
    first: tuple[int, int, int] | None = None  # (frame number, width, height) of the first

    def begin(self, frames: range, total: int, metadata: Mapping[str, object]) -> None:
        """Say which frames of ``total`` will come; raise ValueError if they cannot be written."""
        self.frames, self.total, self.metadata = frames, total, metadata

    def check_size(self, number: int, pixels: np.ndarray) -> None:
        """Raise FrameSizeChanged unless frame ``number`` has the first frame's size."""
        height, width = pixels.shape[:2]
        if self.first is None:
            self.first = (number, width, height)
            return
        first, w0, h0 = self.first
        if (width, height) != (w0, h0):
            raise FrameSizeChanged(
                f"frame {number} is {width}x{height} but frame {first} was {w0}x{h0}: every "
                "frame of an animation must have the same size (does WIDTH or HEIGHT change "
                "with FRAME or T?)"
            )

    def add(self, number: int, pixels: np.ndarray) -> None:
        raise NotImplementedError

    def commit(self, extra: Mapping[str, object]) -> None:
        """Put the result in place, with ``extra`` metadata known only now (render time)."""
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError
