"""The ways editors save a file, as measured: each must cause exactly one re-render."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def in_place(path: Path, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def temp_then_rename(path: Path, text: str) -> None:
    """VS Code, JetBrains and most atomic savers."""
    tmp = path.with_name(f".{path.name}.tmp1234")
    tmp.write_text(text)
    os.replace(tmp, path)


def vim(path: Path, text: str) -> None:
    """vim with backupcopy=no: rename the file away, write a new one, drop the backup."""
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)
    path.write_text(text)
    os.unlink(backup)


def sed_in_place(path: Path, text: str) -> None:
    """``sed -i`` writes a temp file and renames it over the original."""
    script = path.with_name("replace.sed")
    body = text[:-1] if text.endswith("\n") else text  # sed ends the last line itself
    escaped = body.replace("\\", "\\\\").replace("\n", "\\n")
    escaped = escaped.replace("/", "\\/").replace("&", "\\&")
    script.write_text(f"1h;1!H;$!d;x;s/.*/{escaped}/\n")
    subprocess.run(["sed", "-i", "-f", str(script), str(path)], check=True)
    script.unlink()


def delete_then_recreate(path: Path, text: str) -> None:
    path.unlink()
    path.write_text(text)


SAVE_STYLES = {
    "in_place": in_place,
    "temp_then_rename": temp_then_rename,
    "vim": vim,
    "sed_i": sed_in_place,
    "delete_recreate": delete_then_recreate,
}
