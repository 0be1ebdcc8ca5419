"""The render history of the open scene: finished previews with their source and settings.

Qt-free. Each entry keeps the picture, the scene's text (and its sibling modules' texts) and
the settings it was rendered with, plus a one-line summary of what changed since the entry
before it, computed with difflib. Only the last :data:`LIMIT` entries are kept.
"""

from __future__ import annotations

import difflib
import os
import time
from collections import deque
from dataclasses import dataclass, field, fields

import numpy as np

from tracer.scene.source import SceneSource
from tracer.settings import RenderSettings

LIMIT = 50
#: Pictures beyond this many bytes in all drop the oldest entries too (50 4K frames: 1.2 GB).
MAX_BYTES = 512 << 20
#: Settings that do not change the picture: not worth a word in a summary.
_QUIET = ("load_timeout", "block_timeout", "reshade_cache_mb")
_SHOWN_LINES = 5  # line numbers named in a summary before "..."
_SNIPPET = 28  # characters of a changed piece of a line shown in a summary


@dataclass(frozen=True, eq=False)
class HistoryEntry:
    """One finished render: its pixels, when, the source and settings it came from."""

    number: int
    when: float  # time.time() at the end of the render
    pixels: np.ndarray  # (H, W, 3) uint8, read-only
    path: str
    text: str
    modules: dict = field(default_factory=dict)  # name -> (path, text), as in SceneSource
    settings: RenderSettings = field(default_factory=RenderSettings)
    seconds: float = 0.0
    summary: str = ""
    source: SceneSource | None = None  # the version rendered, data files included
    made: str = ""  # how the workers made it: "traced", "re-lit" or "re-shaded"

    @property
    def size(self) -> tuple[int, int]:
        return self.pixels.shape[1], self.pixels.shape[0]

    @property
    def scene(self) -> SceneSource:
        """Return the version of the scene rendered."""
        return self.source or SceneSource(self.path, self.text, dict(self.modules))

    @property
    def clock(self) -> str:
        """Return the local time the render finished, HH:MM:SS."""
        return time.strftime("%H:%M:%S", time.localtime(self.when))


class RenderHistory:
    """The last ``limit`` finished renders of one scene, oldest first."""

    def __init__(self, limit: int = LIMIT, max_bytes: int = MAX_BYTES) -> None:
        self.limit, self.max_bytes = limit, max_bytes
        self.entries: deque[HistoryEntry] = deque(maxlen=limit)
        self._numbers = 0
        #: The entry shown instead of the live picture (None: the live picture is on show).
        self.viewing: HistoryEntry | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, index: int) -> HistoryEntry:
        return self.entries[index]

    def add(
        self,
        pixels: np.ndarray,
        source: SceneSource,
        settings: RenderSettings,
        seconds: float = 0.0,
        when: float | None = None,
        made: str = "",
    ) -> HistoryEntry | None:
        """Record a finished render (a copy of ``pixels``); a new scene path starts afresh.

        ``made``: how the workers made it ("traced", "re-lit", "re-shaded"): the summary says.

        A render of the same version with the same settings and pixels as the newest entry
        (F5, a stop and restart, an edit undone after it failed to load) is not a new entry:
        return None.
        """
        if self.entries and self.entries[-1].path != source.path:
            self.entries.clear()
        if self.entries and _same_render(self.entries[-1], pixels, source, settings):
            return None
        frozen = np.array(pixels, dtype=np.uint8, copy=True)
        frozen.flags.writeable = False
        self._numbers += 1
        entry = HistoryEntry(
            self._numbers,
            time.time() if when is None else when,
            frozen,
            source.path,
            source.text,
            dict(source.modules),
            settings,
            seconds,
            source=source,
            made=made,
        )
        previous = self.entries[-1] if self.entries else None
        entry = _with_summary(entry, summarize(previous, entry))
        self.entries.append(entry)  # the deque drops the oldest beyond the limit
        while len(self.entries) > 1 and self.nbytes > self.max_bytes:
            self.entries.popleft()
        return entry

    @property
    def nbytes(self) -> int:
        """Return the memory the pictures take."""
        return sum(e.pixels.nbytes for e in self.entries)

    def clear(self) -> None:
        self.entries.clear()
        self.viewing = None


def _same_render(entry: HistoryEntry, pixels, source: SceneSource, settings) -> bool:
    """Tell whether a render is ``entry`` again: same version, settings and pixels."""
    same_source = entry.source is not None and entry.source.digest == source.digest
    same_settings = _loud(entry.settings) == _loud(settings)
    return same_source and same_settings and np.array_equal(entry.pixels, pixels)


def _loud(settings: RenderSettings) -> dict:
    """Return the settings that can change a picture (not the timeouts)."""
    return {f.name: getattr(settings, f.name) for f in fields(settings) if f.name not in _QUIET}


def _with_summary(entry: HistoryEntry, summary: str) -> HistoryEntry:
    values = {f.name: getattr(entry, f.name) for f in fields(entry)}
    return HistoryEntry(**{**values, "summary": summary})


def summarize(old: HistoryEntry | None, new: HistoryEntry) -> str:
    """Return one line saying what changed from ``old`` to ``new`` (source, modules, settings)."""
    if old is None:
        return "first render"
    parts = [p for p in (_text_change(old.text, new.text),) if p]
    parts += _module_changes(old.modules, new.modules)
    parts += _settings_changes(old.settings, new.settings)
    change = "; ".join(parts) if parts else "no change (rendered again)"
    return f"{change} ({new.made})" if new.made else change


def _changed_lines(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    return [op for op in matcher.get_opcodes() if op[0] != "equal"]


def _text_change(old: str, new: str) -> str:
    """Say which lines of the scene changed: 'line 27: 0.6 -> 0.7', '3 lines changed (...)'."""
    ops = _changed_lines(old, new)
    if not ops:
        return ""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    if len(ops) == 1:
        tag, i1, i2, j1, j2 = ops[0]
        if tag == "replace" and i2 - i1 == 1 and j2 - j1 == 1:
            before, after = _difference(old_lines[i1], new_lines[j1])
            return f"line {j1 + 1}: {before} -> {after}"
        if tag == "insert" and j2 - j1 == 1:
            return f"line {j1 + 1} added: {_clip(new_lines[j1].strip())}"
        if tag == "delete" and i2 - i1 == 1:
            return f"line {i1 + 1} removed: {_clip(old_lines[i1].strip())}"
    numbers: list[int] = []
    for _tag, i1, _i2, j1, j2 in ops:
        numbers += range(j1 + 1, j2 + 1) if j2 > j1 else [min(i1, len(new_lines)) + 1]
    numbers = sorted(set(numbers))
    shown = ", ".join(str(n) for n in numbers[:_SHOWN_LINES])
    more = ", ..." if len(numbers) > _SHOWN_LINES else ""
    word = "line" if len(numbers) == 1 else "lines"
    return f"{len(numbers)} {word} changed ({shown}{more})"


def _difference(before: str, after: str) -> tuple[str, str]:
    """Return the differing middle pieces of two lines, widened to whole words."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    limit = min(len(before), len(after)) - start
    while end < limit and before[-1 - end] == after[-1 - end]:
        end += 1
    start = _word_start(before, start)
    b_end, a_end = _word_end(before, len(before) - end), _word_end(after, len(after) - end)
    return _clip(before[start:b_end].strip()) or "''", _clip(after[start:a_end].strip()) or "''"


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch in "._#"


def _word_start(text: str, i: int) -> int:
    while i > 0 and _is_word(text[i - 1]):
        i -= 1
    return i


def _word_end(text: str, i: int) -> int:
    while i < len(text) and _is_word(text[i]):
        i += 1
    return i


def _clip(text: str) -> str:
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 3] + "..."


def _module_changes(old: dict, new: dict) -> list[str]:
    """Name the sibling modules that changed, appeared or went away."""
    parts = []
    for name in sorted(set(old) | set(new)):
        file = os.path.basename((new.get(name) or old[name])[0])
        if name not in old:
            parts.append(f"{file} added")
        elif name not in new:
            parts.append(f"{file} no longer imported")
        elif old[name][1] != new[name][1]:
            parts.append(f"{file} changed")
    return parts


def _settings_changes(old: RenderSettings, new: RenderSettings) -> list[str]:
    parts = []
    for f in fields(RenderSettings):
        a, b = getattr(old, f.name), getattr(new, f.name)
        if a == b or f.name in _QUIET:
            continue
        if f.name == "camera":
            parts.append("camera moved" if b is not None else "scene camera")
        elif f.name == "scene_may_set":  # a sidebar value now overrides the scene's, or not
            parts += [f"{n} {getattr(new, n)} over the scene's" for n in sorted(a - b)]
            parts += [f"{n}: the scene's" for n in sorted(b - a)]
        else:
            parts.append(f"{f.name} {_setting(a)} -> {_setting(b)}")
    return parts


def _setting(value) -> str:
    return "scene's" if value is None else str(value)


def source_diff(a: HistoryEntry, b: HistoryEntry) -> str:
    """Return a unified diff from entry ``a`` to entry ``b``: the scene and its modules."""
    texts_a = {a.path: a.text, **{p: t for p, t in a.modules.values()}}
    texts_b = {b.path: b.text, **{p: t for p, t in b.modules.values()}}
    chunks: list[str] = []
    for path in sorted(set(texts_a) | set(texts_b), key=lambda p: (p != b.path, p)):
        name = os.path.basename(path)
        chunks += difflib.unified_diff(
            texts_a.get(path, "").splitlines(keepends=True),
            texts_b.get(path, "").splitlines(keepends=True),
            f"{name} @ {a.clock} (#{a.number})",
            f"{name} @ {b.clock} (#{b.number})",
        )
    text = "".join(line if line.endswith("\n") else line + "\n" for line in chunks)
    return text or "The two versions have the same source."
