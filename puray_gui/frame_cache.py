"""The frames of one animated scene version, rendered at the preview scale (Qt-free).

A cache belongs to one version: the scene's source digest plus the preview settings (without
the frame number). Anything else is another version and starts an empty cache. Memory is
bounded: when a frame does not fit, the frames farthest ahead of the play head (in loop
order) go first, so a loop that does not fit keeps the frames about to be played.
"""

from __future__ import annotations

import numpy as np

#: Bytes of frames kept at most (960x540 RGB: ~1.5 MB a frame, so ~170 frames).
MAX_BYTES = 256 * 1024 * 1024


class FrameCache:
    """Rendered frames of one scene version, bounded to ``max_bytes``."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.version: tuple | None = None
        self.frames: dict[int, np.ndarray] = {}

    @property
    def nbytes(self) -> int:
        return sum(f.nbytes for f in self.frames.values())

    def use(self, version: tuple) -> bool:
        """Hold the frames of ``version`` (emptied if it is another); return whether it changed."""
        if version == self.version:
            return False
        self.version = version
        self.frames.clear()
        return True

    def clear(self) -> None:
        self.version = None
        self.frames.clear()

    def get(self, number: int) -> np.ndarray | None:
        return self.frames.get(number)

    def __contains__(self, number: int) -> bool:
        return number in self.frames

    def put(self, number: int, pixels: np.ndarray, head: int, count: int) -> bool:
        """Keep frame ``number`` of ``count``; return False if it is the one to drop.

        ``head`` is the play head: frames are dropped farthest ahead of it first.
        """
        self.frames[number] = pixels
        while self.nbytes > self.max_bytes:
            farthest = max(self.frames, key=lambda k: (k - head) % count)
            del self.frames[farthest]
            if farthest == number:
                return False
        return True

    def fits(self, number: int, nbytes: int, head: int, count: int) -> bool:
        """Tell whether frame ``number`` (``nbytes``) would be kept if rendered now."""
        room = self.max_bytes - self.nbytes
        if room >= nbytes:
            return True
        distance = (number - head) % count
        farther = sum(f.nbytes for k, f in self.frames.items() if (k - head) % count > distance)
        return room + farther >= nbytes

    def next_missing(self, head: int, count: int, skip: set[int] | frozenset = frozenset()):
        """Yield the frames not cached, from the play head on in loop order, skipping ``skip``."""
        for step in range(count):
            number = (head + step) % count
            if number not in self.frames and number not in skip:
                yield number
