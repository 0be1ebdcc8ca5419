"""Replace a user's file in one step, keeping what the file is: mode, owner, links, attributes.

Every file the app or the command line writes goes through here: images, animations, image
sequences and scene files (Write to Scene, New Scene). The new content goes to a hidden
temporary file beside the target (``.NAME.XXXXXXXX.tmp``), written whole, flushed, fsynced
and closed before it takes the target's place. The rule for a target that exists:

- it must be a regular file; a symbolic link is followed (the file it points to is replaced);
- a read-only one (no write permission bit, or not writable by us) is refused with
  :class:`TargetRefused` unless the caller forces it (``--force``, or the window's Yes);
- the temporary file gets the target's owner, group, mode and extended attributes (ACLs
  included), then is renamed over it: a reader sees the old file or the new one, never half;
- when a rename cannot keep the file as it was (several hard links, or an owner or attribute
  we may not copy), the complete temporary file is copied into the target in place instead,
  and the old bytes are put back if that copy fails.

Every failure removes the temporary file and raises :class:`WriteFailed`, an OSError whose
message names the user's file (never the temporary one) and says what to do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
from typing import BinaryIO

#: errno values meaning "you may not do that here" (chown, setxattr): write in place instead.
_NOT_ALLOWED = {errno.EPERM, errno.EACCES, errno.ENOTSUP, errno.EOPNOTSUPP}


class TargetRefused(ValueError):
    """The target may not be replaced (``forcible``: it may, if the user forces it)."""

    def __init__(self, message: str, forcible: bool = False) -> None:
        super().__init__(message)
        self.forcible = forcible


class WriteFailed(OSError):
    """Writing the user's file ``filename`` failed; nothing of it changed."""

    def __init__(self, path: str, error: OSError) -> None:
        super().__init__(error.errno, _reason(path, error))
        self.filename = path

    def __str__(self) -> str:
        return f"cannot write {self.filename}: {self.strerror}"


def _reason(path: str, error: OSError) -> str:
    """Say why writing ``path`` failed and what to do, without the temporary file's name."""
    if isinstance(error, WriteFailed):
        return str(error.strerror)
    text = error.strerror or str(error)
    folder = os.path.dirname(os.path.abspath(path))
    if error.errno in (errno.EACCES, errno.EPERM):
        if not os.access(folder, os.W_OK | os.X_OK):
            return f"{text}: the folder {folder} is not writable; choose another folder"
        return f"{text}: check the permissions of the file and its folder"
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"{text}: free some space or choose another disk"
    if error.errno == errno.EROFS:
        return f"{text}: choose a folder on another disk"
    return text


def is_read_only(path: str, st: os.stat_result | None = None) -> bool:
    """Tell whether the existing file ``path`` was made read-only (or is not writable by us)."""
    st = st or os.stat(path)
    return not st.st_mode & 0o222 or not os.access(path, os.W_OK)


def check_target(path: str | os.PathLike, force: bool = False) -> str:
    """Return the file to write for ``path`` (a link's target); raise TargetRefused if it may
    not be replaced: a missing or unwritable folder, a folder or device, or (unless ``force``)
    a read-only file."""
    shown = os.fspath(path)
    real = os.path.realpath(shown)
    folder = os.path.dirname(real)
    if not os.path.isdir(folder):
        missing = os.path.dirname(os.path.abspath(shown))
        raise TargetRefused(f"{shown}: the folder {missing} does not exist")
    try:
        st: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise TargetRefused(f"{shown}: is a folder, not a file")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise TargetRefused(f"{shown}: is not a regular file (a device or a pipe?)")
    if st is not None and not force and is_read_only(real, st):
        raise TargetRefused(f"{shown} is read-only", forcible=True)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise TargetRefused(f"{shown}: the folder {folder} is not writable")
    return real


def create_temp(target: str) -> tuple[int, str]:
    """Create a hidden temporary file beside ``target``; the umask applies, as to any new file."""
    folder, name = os.path.split(os.path.abspath(target))
    while True:
        tmp = os.path.join(folder, f".{name}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue


class AtomicFile:
    """A hidden temporary file beside ``path`` that either replaces it whole or disappears.

    Write to :attr:`file`, or call :meth:`named` and let a library write ``tmp`` by name; then
    :meth:`commit` (or :meth:`discard`). As a context manager it commits unless an error
    escapes. Raises TargetRefused or WriteFailed, the temporary file removed.
    """

    def __init__(self, path: str | os.PathLike, force: bool = False) -> None:
        self.path, self.force = os.fspath(path), force
        self.target = check_target(self.path, force)
        try:
            fd, self.tmp = create_temp(self.target)
        except OSError as exc:
            raise WriteFailed(self.path, exc) from None
        self.file: BinaryIO | None = os.fdopen(fd, "wb")

    def named(self) -> str:
        """Close our handle and return the temporary file's name, for a library to write."""
        if self.file is not None:
            self.file.close()
            self.file = None
        return self.tmp

    def commit(self) -> None:
        """Flush, fsync and close the temporary file, then put it in the target's place."""
        try:
            self.close()
            put_in_place(self.tmp, self.target, self.force)
        except OSError as exc:
            self.discard()
            raise WriteFailed(self.path, exc) from None
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        """Remove the temporary file; the target stays as it was."""
        if self.file is not None:
            with contextlib.suppress(OSError):
                self.file.close()
            self.file = None
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)

    def close(self) -> None:
        """Flush, fsync and close the temporary file (it stays until commit or discard)."""
        if self.file is not None:
            file, self.file = self.file, None
            try:
                file.flush()
                os.fsync(file.fileno())
            finally:
                file.close()
            return
        fd = os.open(self.tmp, os.O_RDONLY)  # written by name: fsync through a handle of ours
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
            return
        self.discard()
        if isinstance(value, OSError) and not isinstance(value, WriteFailed):
            raise WriteFailed(self.path, value) from None


def write_file(path: str | os.PathLike, data: bytes, force: bool = False) -> None:
    """Replace ``path`` with ``data`` atomically (see the module's rule)."""
    with AtomicFile(path, force) as out:
        assert out.file is not None
        out.file.write(data)


def put_in_place(tmp: str, target: str, force: bool = False) -> None:
    """Make the complete, closed file ``tmp`` the content of ``target``; ``tmp`` is gone after."""
    if keeps_everything(tmp, target, force):
        os.replace(tmp, target)
    else:
        copy_in_place(tmp, target)
        os.unlink(tmp)
    sync_folder(target)


def keeps_everything(tmp: str, target: str, force: bool = False) -> bool:
    """Give ``tmp`` the owner, mode and attributes of ``target``; tell whether a rename of it
    keeps the file as it was (False: several hard links, or something we may not copy).

    Raises TargetRefused for a target made read-only since it was checked (unless ``force``).
    """
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return True
    if not force and is_read_only(target, st):
        raise TargetRefused(f"{target} is read-only", forcible=True)
    if st.st_nlink > 1:
        return False
    try:
        mine = os.stat(tmp)
        if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid):
            os.chown(tmp, st.st_uid, st.st_gid)
        os.chmod(tmp, stat.S_IMODE(st.st_mode))  # after chown, which clears set-id bits
        _copy_attributes(target, tmp)
    except OSError as exc:
        if exc.errno in _NOT_ALLOWED:
            return False
        raise
    return True


def _copy_attributes(source: str, destination: str) -> None:
    """Copy the extended attributes (ACLs, tags, labels) of ``source`` onto ``destination``."""
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(source)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return
        raise
    for name in names:
        os.setxattr(destination, name, os.getxattr(source, name))


def copy_in_place(source: str, target: str) -> None:
    """Overwrite ``target``'s bytes with ``source``'s, keeping its inode (links, owner, mode).

    Not atomic, so the old bytes are kept in memory and written back if the copy fails.
    """
    with open(target, "r+b") as out, open(source, "rb") as new:
        old = out.read()
        try:
            out.seek(0)
            shutil.copyfileobj(new, out)
            out.truncate()
            out.flush()
            os.fsync(out.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                out.seek(0)
                out.write(old)
                out.truncate()
                out.flush()
            raise


def sync_folder(path: str) -> None:
    """Make a rename in ``path``'s folder durable (best effort: not every system can)."""
    with contextlib.suppress(OSError):
        fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_message(exc: BaseException, path: str) -> str:
    """Return one message for a failed write of ``path``, naming it (never a temporary file)."""
    if isinstance(exc, (WriteFailed, TargetRefused)):
        return str(exc)
    if isinstance(exc, OSError):
        return str(WriteFailed(path, exc))
    return f"cannot write {path}: {exc}"
