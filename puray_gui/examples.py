"""Copy a bundled example scene, with the modules and data files it uses, into a user's folder.

The examples are :func:`tracer.bundled.examples` (those ``puray examples`` lists). What an
example uses is read from its text, running none of its code: the sibling modules it
imports (as :class:`~tracer.scene.source.SceneSource` finds them) and the files beside it that
its code names in a string (``Mesh.from_obj("gem.obj")``). Every file is written to a temporary
name first and all are put in place only once every one is written, all or none
(:func:`tracer.output.batch.replace_all`), so a failed copy leaves nothing half-written and
no file replaced. Qt-free.
"""

from __future__ import annotations

import ast
import contextlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from tracer.output.atomic import check_target, create_temp
from tracer.output.batch import Planned, replace_all
from tracer.scene.source import SceneSource


def example_files(scene: Path) -> list[Path]:
    """Return the files an example is made of: the scene first, its modules, its data files."""
    source = SceneSource.from_path(scene)
    folder = Path(source.path).parent
    modules = sorted(Path(path) for path, _ in source.modules.values())
    texts = [source.text, *(text for _, text in source.modules.values())]
    data = sorted({path for text in texts for path in _named_files(text, folder)})
    return [Path(source.path), *modules, *data]


def _named_files(text: str, folder: Path) -> set[Path]:
    """Return the files inside ``folder`` (not Python modules) that a string in ``text`` names."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value
            if not name or "\n" in name or os.path.isabs(name) or len(name) > 255:
                continue
            path = (folder / name).resolve()
            if path.is_relative_to(folder) and path.suffix != ".py" and path.is_file():
                found.add(path)
    return found


def targets(files: Sequence[Path], folder: Path) -> list[Path]:
    """Return where each of ``files`` goes in ``folder`` (keeping paths relative to the first)."""
    base = files[0].parent
    return [folder / f.relative_to(base) for f in files]


def existing(files: Sequence[Path], folder: Path) -> list[Path]:
    """Return the copies that would replace a file already in ``folder``."""
    return [t for t in targets(files, folder) if t.exists()]


def copy_example(files: Sequence[Path], folder: Path) -> Path:
    """Copy ``files`` into ``folder`` all or nothing; return the scene's copy.

    The caller has asked before replacing any of :func:`existing`; each file is replaced by
    the rule of :mod:`tracer.output.atomic` (a read-only one is refused). Raises OSError or
    TargetRefused, leaving the folder's files as they were (but for folders it created).
    """
    planned: list[Planned] = []
    try:
        for source, target in zip(files, targets(files, folder), strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            real = check_target(target)
            fd, tmp = create_temp(real)
            planned.append(Planned(tmp, real, str(target)))
            with os.fdopen(fd, "wb") as out, open(source, "rb") as data:
                shutil.copyfileobj(data, out)
                out.flush()
                os.fsync(out.fileno())
        replace_all(planned)
    except BaseException:
        for staged in planned:
            with contextlib.suppress(OSError):
                os.unlink(staged.tmp)
        raise
    return targets(files, folder)[0]
