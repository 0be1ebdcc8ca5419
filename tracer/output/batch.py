"""Put many finished files in place at once, all or none: an image sequence's frames.

Each file is replaced by the rule of :mod:`tracer.output.atomic`. Before a target is replaced
its old content is kept aside (a hard link to it, or a copy where the file is rewritten in
place), so when a later one fails every file already replaced gets its old content back: a
folder never holds new frames beside old ones.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass

from .atomic import WriteFailed, copy_in_place, create_temp, keeps_everything, sync_folder


@dataclass(frozen=True)
class Planned:
    """One file of a batch: the finished temporary file, its target, the name to show."""

    tmp: str
    target: str
    shown: str


@dataclass(frozen=True)
class _Replaced:
    """A target replaced so far, and how to give it back its old content."""

    target: str
    old: str | None  # the old content kept aside; None: the target did not exist
    linked: bool  # True: ``old`` is the old file itself (a hard link), else a copy of it

    def restore(self) -> None:
        if self.old is None:
            os.unlink(self.target)
        elif self.linked:
            os.replace(self.old, self.target)
        else:
            copy_in_place(self.old, self.target)
            os.unlink(self.old)

    def forget(self) -> None:
        if self.old is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.old)


class BatchFailed(WriteFailed):
    """One file of a batch could not be put in place; those before it got their old content."""

    def __init__(self, path: str, error: OSError, not_restored: list[str]) -> None:
        super().__init__(path, error)
        self.not_restored = not_restored
        if not_restored:
            self.strerror = (
                f"{self.strerror}; these files could not be put back as they were: "
                + ", ".join(not_restored)
            )
        else:
            self.strerror = f"{self.strerror}; the other files were left as they were"


def replace_all(files: list[Planned], force: bool = False) -> None:
    """Put every finished temporary file in place of its target, or none of them.

    Raises BatchFailed (an OSError naming the file that failed) after giving the files
    replaced before it their old content back; every temporary file is gone either way.
    """
    done: list[_Replaced] = []
    current: Planned | None = None
    try:
        for current in files:
            done.append(_replace(current, force))
    except BaseException as exc:
        lost = _undo(done, files)
        _remove_temps(files)
        if isinstance(exc, OSError) and current is not None:
            raise BatchFailed(current.shown, exc, lost) from None
        raise
    for replaced in done:
        replaced.forget()


def _replace(planned: Planned, force: bool) -> _Replaced:
    """Replace one target, keeping its old content aside."""
    tmp, target = planned.tmp, planned.target
    renamed = keeps_everything(tmp, target, force)  # before a link adds to the link count
    old, linked = _keep_old(target, renamed)
    try:
        if renamed:
            os.replace(tmp, target)
        else:
            copy_in_place(tmp, target)
            os.unlink(tmp)
    except BaseException:
        if old is not None:
            with contextlib.suppress(OSError):
                os.unlink(old)
        raise
    sync_folder(target)
    return _Replaced(target, old, linked)


def _keep_old(target: str, renamed: bool) -> tuple[str | None, bool]:
    """Keep ``target``'s old content under a hidden name: (that name or None, a hard link?).

    A target about to be renamed over keeps its old file itself (a hard link); one rewritten
    in place (or on a file system without hard links) keeps a copy of its bytes.
    """
    if not os.path.lexists(target):
        return None, False
    fd, old = create_temp(target)
    os.close(fd)
    if renamed:
        try:
            os.unlink(old)
            os.link(target, old)
            return old, True
        except OSError:
            pass
    try:
        shutil.copyfile(target, old)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(old)
        raise
    return old, False


def _undo(done: list[_Replaced], files: list[Planned]) -> list[str]:
    """Give the replaced targets their old content back; return those that could not be."""
    shown = {p.target: p.shown for p in files}
    lost = []
    while done:
        replaced = done.pop()
        try:
            replaced.restore()
        except OSError:
            lost.append(shown[replaced.target])
    return lost


def _remove_temps(files: list[Planned]) -> None:
    for planned in files:
        with contextlib.suppress(OSError):
            os.unlink(planned.tmp)
