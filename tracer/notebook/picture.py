"""A rendered picture: its pixels, what it was rendered from, and how to save or show it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..output import png
from ..output.image import PNG_FAST, check_writable, write_image
from ..output.metadata import as_text


class Picture:
    """A rendered frame: ``array`` holds its pixels, ``metadata`` what it was rendered from.

    Jupyter shows a Picture inline (as a PNG). ``array`` is read-only: it is the picture the
    scene gave; take ``picture.array.copy()`` to change pixels.
    """

    def __init__(
        self,
        array: np.ndarray,
        metadata: Mapping[str, object],
        files: tuple[str, ...] = (),
        made: str = "traced",
    ) -> None:
        array = np.asarray(array)
        if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] != 3:
            raise ValueError(f"expected (H, W, 3) uint8 pixels, got {array.dtype} {array.shape}")
        self.array = array
        self.array.flags.writeable = False
        #: What a saved PNG says about itself (scene, its SHA-256, settings, render seconds).
        self.metadata = dict(metadata)
        #: Every file the scene is made of: the scene, its sibling modules, its data files.
        self.files = tuple(files)
        #: How the workers made it: "traced", or "re-shaded"/"re-lit" from what they kept
        #: of the version before (a watch's saves that changed only materials or lights).
        self.made = made

    @property
    def width(self) -> int:
        """The picture's width in pixels."""
        return int(self.array.shape[1])

    @property
    def height(self) -> int:
        """The picture's height in pixels."""
        return int(self.array.shape[0])

    def save(self, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
        """Write the picture to ``path`` (.png with its metadata, or .ppm); return the path.

        The file is written atomically, like ``puray render``'s: a temporary file beside it,
        then a rename, so a failed write leaves nothing behind. An existing file is replaced
        only with ``overwrite=True`` (FileExistsError otherwise); an unknown file type, a
        missing folder or a read-only file raises ValueError.
        """
        check_writable(path)
        if os.path.exists(path) and not overwrite:
            raise FileExistsError(
                f"{os.fspath(path)} exists: save(..., overwrite=True) replaces it"
            )
        write_image(path, self.array, self.metadata)
        return Path(path)

    def png(self) -> bytes:
        """Return the picture as the bytes of a PNG file (with its metadata)."""
        return png.encode(self.array, as_text(self.metadata), PNG_FAST)

    def _repr_png_(self) -> bytes:
        """Show the picture inline in Jupyter and IPython."""
        return self.png()

    def __repr__(self) -> str:
        scene = os.path.basename(str(self.metadata.get("Scene", "?")))
        return f"<Picture {self.width}x{self.height} of {scene}>"
