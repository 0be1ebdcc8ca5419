"""The one atomic writer: a replaced file keeps its mode, owner, links and attributes, a
read-only one is refused unless forced, and no failure leaves a temporary file or half a file."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tracer.output import atomic
from tracer.output.atomic import TargetRefused, WriteFailed, write_file
from tracer.output.batch import BatchFailed, Planned, replace_all

ROOT = Path(__file__).resolve().parents[2]
ROOT_USER = os.geteuid() == 0


def leftovers(folder: Path) -> list[str]:
    """Return the hidden files (temporary or kept-aside copies) in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_replaced_file_keeps_its_mode(tmp_path):
    path = tmp_path / "scene.py"
    path.write_bytes(b"old")
    path.chmod(0o640)
    write_file(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not ROOT_USER, reason="giving a file to another owner needs root")
def test_a_replaced_file_keeps_its_owner_and_group(tmp_path):
    path = tmp_path / "shared.png"
    path.write_bytes(b"old")
    os.chown(path, 4321, 8765)
    write_file(path, b"new")
    st = path.stat()
    assert (st.st_uid, st.st_gid) == (4321, 8765)  # a plain rename gives it to root
    assert path.read_bytes() == b"new"


def test_a_hard_linked_file_stays_linked(tmp_path):
    path, twin = tmp_path / "out.png", tmp_path / "backup-link.png"
    path.write_bytes(b"old picture")
    os.link(path, twin)
    write_file(path, b"new picture")
    assert twin.read_bytes() == b"new picture"  # both names still show one file
    assert path.stat().st_ino == twin.stat().st_ino
    assert path.stat().st_nlink == 2
    assert leftovers(tmp_path) == []


def test_extended_attributes_are_kept(tmp_path):
    path = tmp_path / "tagged.png"
    path.write_bytes(b"old")
    try:
        os.setxattr(path, "user.puray.tag", b"keep me")
    except OSError as exc:
        pytest.skip(f"no user attributes on this file system: {exc}")
    write_file(path, b"new")
    assert os.getxattr(path, "user.puray.tag") == b"keep me"
    assert path.read_bytes() == b"new"


def test_a_symbolic_link_stays_a_link_to_the_replaced_file(tmp_path):
    real = tmp_path / "real.png"
    real.write_bytes(b"old")
    link = tmp_path / "link.png"
    link.symlink_to(real)
    write_file(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def test_a_file_we_may_not_chown_is_written_in_place(tmp_path, monkeypatch):
    """Not root: the owner cannot be copied, so the bytes go into the file itself."""
    path = tmp_path / "theirs.png"
    path.write_bytes(b"old")
    inode = path.stat().st_ino
    real_stat = os.stat

    def other_owner(p, *args, **kwargs):
        st = real_stat(p, *args, **kwargs)
        if os.fspath(p) == str(path):
            values = list(st)
            values[stat.ST_UID] = st.st_uid + 1  # pretend someone else owns it
            return os.stat_result(values)
        return st

    def refuse(*_args):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "stat", other_owner)
    monkeypatch.setattr(atomic.os, "chown", refuse)
    write_file(path, b"new content")
    assert path.read_bytes() == b"new content"
    assert real_stat(path).st_ino == inode
    assert leftovers(tmp_path) == []


def test_a_failed_in_place_write_puts_the_old_bytes_back(tmp_path, monkeypatch):
    path, twin = tmp_path / "out.png", tmp_path / "twin.png"
    path.write_bytes(b"the old picture")
    os.link(path, twin)

    def half_then_full_disk(source, target):
        target.write(source.read(3))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.shutil, "copyfileobj", half_then_full_disk)
    with pytest.raises(WriteFailed) as failed:
        write_file(path, b"a new picture")
    assert path.read_bytes() == b"the old picture"
    assert str(failed.value) == (
        f"cannot write {path}: No space left on device: free some space or choose another disk"
    )
    assert leftovers(tmp_path) == []


def test_read_only_files_are_refused_unless_forced(tmp_path):
    path = tmp_path / "keep.png"
    path.write_bytes(b"precious")
    path.chmod(0o444)
    with pytest.raises(TargetRefused, match=r"keep\.png is read-only") as refused:
        write_file(path, b"new")
    assert refused.value.forcible
    assert path.read_bytes() == b"precious"
    write_file(path, b"new", force=True)
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444  # still read-only
    assert leftovers(tmp_path) == []


def test_the_temporary_file_is_complete_and_closed_when_it_is_renamed(tmp_path, monkeypatch):
    """Rename before close would put a file in place whose last bytes are still buffered."""
    data = os.urandom(3000)  # less than a buffer: nothing reaches the disk before a flush
    path = tmp_path / "out.bin"
    seen = []
    real_replace = os.replace

    def spy(source, target):
        open_fds = {os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")}
        seen.append((Path(source).read_bytes(), os.path.realpath(source) in open_fds))
        real_replace(source, target)

    monkeypatch.setattr(atomic.os, "replace", spy)
    write_file(path, data)
    assert seen == [(data, False)]
    assert path.read_bytes() == data


@pytest.mark.parametrize("fails", ["fsync", "replace"])
def test_any_failure_removes_the_temporary_file_and_names_the_target(tmp_path, monkeypatch, fails):
    path = tmp_path / "out.png"
    path.write_bytes(b"old")

    def broken(*_args):
        raise OSError(errno.EIO, "Input/output error", str(tmp_path / ".out.png.1234.tmp"))

    monkeypatch.setattr(atomic.os, fails, broken)
    with pytest.raises(WriteFailed) as failed:
        write_file(path, b"new")
    assert str(failed.value) == f"cannot write {path}: Input/output error"
    assert path.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_a_folder_we_may_not_write_is_said_without_the_temporary_name(tmp_path, monkeypatch):
    """The raw error names .out.png.XXXX.tmp; the user sees their own file and what to do."""
    real_open = os.open

    def denied(name, flags, mode=0o777, **kwargs):
        if os.path.basename(name).startswith(".out.png."):
            raise PermissionError(errno.EACCES, "Permission denied", name)
        return real_open(name, flags, mode, **kwargs)

    out = tmp_path / "out.png"
    monkeypatch.setattr(atomic, "check_target", lambda path, force: str(path))  # a late change
    monkeypatch.setattr(atomic.os, "open", denied)
    monkeypatch.setattr(atomic.os, "access", lambda *_args: False)  # as for a user, not root
    with pytest.raises(WriteFailed) as failed:
        atomic.AtomicFile(out)
    assert str(failed.value) == (
        f"cannot write {out}: Permission denied: the folder {tmp_path} is not writable; "
        "choose another folder"
    )
    assert leftovers(tmp_path) == []


def planned(folder: Path, names: list[str], content: bytes) -> list[Planned]:
    files = []
    for name in names:
        target = folder / name
        fd, tmp = atomic.create_temp(str(target))
        os.write(fd, content + name.encode())
        os.close(fd)
        files.append(Planned(tmp, str(target), f"seq/{name}"))
    return files


def test_a_batch_that_fails_half_way_puts_every_old_file_back(tmp_path, monkeypatch):
    names = [f"f_{k:02d}.png" for k in range(5)]
    for name in names[:4]:  # four old frames; the fifth is new
        (tmp_path / name).write_bytes(b"old " + name.encode())
    os.chmod(tmp_path / names[1], 0o600)
    files = planned(tmp_path, names, b"new ")
    real_replace = os.replace

    def fail_third(source, target):
        if target.endswith("f_02.png") and Path(source).read_bytes().startswith(b"new"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr("tracer.output.batch.os.replace", fail_third)
    with pytest.raises(BatchFailed) as failed:
        replace_all(files)
    assert str(failed.value).startswith("cannot write seq/f_02.png: No space left on device")
    assert "the other files were left as they were" in str(failed.value)
    for name in names[:4]:
        assert (tmp_path / name).read_bytes() == b"old " + name.encode()
    assert stat.S_IMODE((tmp_path / names[1]).stat().st_mode) == 0o600
    assert not (tmp_path / names[4]).exists()
    assert leftovers(tmp_path) == []


def test_a_batch_puts_every_file_in_place(tmp_path):
    names = ["a.png", "b.png"]
    (tmp_path / "a.png").write_bytes(b"old")
    os.link(tmp_path / "a.png", tmp_path / "a-twin.png")
    replace_all(planned(tmp_path, names, b"new "))
    assert (tmp_path / "a.png").read_bytes() == b"new a.png"
    assert (tmp_path / "a-twin.png").read_bytes() == b"new a.png"  # linked, written in place
    assert (tmp_path / "b.png").read_bytes() == b"new b.png"
    assert leftovers(tmp_path) == []


def test_a_real_disk_full_error_leaves_the_old_file_whole(tmp_path):
    """A file-size limit in a child process makes every write past it fail, as a full disk."""
    path = tmp_path / "picture.png"
    path.write_bytes(b"the old picture, which must survive")
    script = textwrap.dedent(
        f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        from tracer.output.atomic import write_file
        try:
            write_file({str(path)!r}, b"x" * 100_000)
        except OSError as exc:
            print(exc)
            sys.exit(3)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 3, done.stderr
    assert (
        done.stdout.strip()
        == f"cannot write {path}: File too large: free some space or choose another disk"
    )
    assert path.read_bytes() == b"the old picture, which must survive"
    assert leftovers(tmp_path) == []
