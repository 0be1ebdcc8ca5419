"""The open scene file: watch it, re-read it on saves and say when its content changed.

An event that completes a save (the file written and closed, or renamed over the scene by an
atomic save) is read at once when the file then parses: it renders without waiting. Any
other event (a write still going on, a file renamed away or created empty) waits for a
quiet :data:`DEBOUNCE_MS`, as does a file that does not parse yet and a save that follows
another within :data:`STORM_MS`: an autosave storm restarts the wait, so only its final
content renders (and its first).
"""

from __future__ import annotations

import ast
import os
import time

from PySide6.QtCore import QObject, QTimer, Signal

from tracer.errors import SceneError
from tracer.scene.source import SceneSource, decode_source

from .watcher import FileWatcher

#: Quiet time after the last file event before the scene is re-read (an autosave storm
#: restarts it, so only the final content renders); a completed save is read at once.
DEBOUNCE_MS = 60
#: A save this soon (ms) after the one before belongs to a storm: it waits for the pause.
STORM_MS = 250
#: While the scene file is missing, look for it this often: when its folder is renamed away
#: and back no event reaches the old watch, so only looking finds it.
MISSING_POLL_MS = 500


class SceneMissing(SceneError):
    """The scene file is gone (deleted or renamed away); it is watched for its return."""


class SceneDocument(QObject):
    """Own one scene path: watch it and its sibling modules, emit each new content once.

    Reading a scene (``SceneSource.from_path``) only reads text; no scene code runs here.
    """

    opened = Signal(str)  # path of a newly opened scene
    source_changed = Signal(object)  # SceneSource whose content differs from the last one
    read_failed = Signal(object)  # SceneError (SceneMissing when the file is gone)

    _path_touched = Signal(str, bool)  # from watchdog's thread, delivered on the GUI thread

    def __init__(self, parent: QObject | None = None, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self.path: str | None = None
        self.source: SceneSource | None = None
        self.data_files: tuple[str, ...] = ()  # read by the scene's last load: part of it
        self._timer = QTimer(self, singleShot=True, interval=debounce_ms)
        self._timer.timeout.connect(self._on_debounce_timeout)
        self._missing_poll = QTimer(self, interval=MISSING_POLL_MS)
        self._missing_poll.timeout.connect(self._on_missing_poll_timeout)
        self._path_touched.connect(self._on_path_touched)
        self._saved_at = -1e9  # when the last save ended (time.monotonic())
        self._watcher = FileWatcher(self._path_touched.emit)

    def open(self, path: str | os.PathLike) -> None:
        """Open a scene: watch its folder and read it now."""
        self.path = os.path.abspath(os.fspath(path))
        self.source = None
        self.data_files = ()
        self._watcher.watch([self.path])
        self.opened.emit(self.path)
        self.reload(force=True)

    def reload(self, force: bool = False) -> None:
        """Re-read the scene; emit ``source_changed`` if its content changed (or ``force``)."""
        self._timer.stop()
        if self.path is None:
            return
        try:
            source = SceneSource.from_path(self.path, self.data_files)
        except SceneError as exc:
            error = exc
            if not os.path.exists(self.path):
                error = SceneMissing("waiting for the scene file to come back", self.path)
                self._missing_poll.start()
            self.source = None
            self.read_failed.emit(error)
            return
        returned = self._missing_poll.isActive()
        self._missing_poll.stop()
        self._watcher.watch(source.files, fresh=returned)
        if not force and self.source is not None and source.digest == self.source.digest:
            return  # a touch or a save without changes
        self.source = source
        self.source_changed.emit(source)

    def set_data_files(self, files: tuple[str, ...]) -> None:
        """Count the data files the scene read (OBJ models, images) as part of it: watch them."""
        if tuple(files) == self.data_files:
            return
        self.data_files = tuple(files)
        if self.source is not None:
            self._watcher.watch([*self.source.files, *self.data_files])

    def close(self) -> None:
        """Stop watching (joins watchdog's thread)."""
        self._timer.stop()
        self._missing_poll.stop()
        self._watcher.stop()

    def _on_path_touched(self, path: str, complete: bool) -> None:
        now = time.monotonic()
        if complete:  # a save ended: read it now, unless saves come in a storm
            quiet = now - self._saved_at > STORM_MS / 1000
            self._saved_at = now
            if quiet and self._parses(path):
                self.reload()  # a whole file that parses: render now
                return
        self._timer.start()  # restart: debounce until the saves settle

    def _parses(self, path: str) -> bool:
        """Tell whether a file just saved reads and parses as Python (no code runs)."""
        try:
            with open(path, "rb") as f:
                data = f.read()
            ast.parse(decode_source(data, path))
        except (OSError, SceneError, SyntaxError, ValueError):
            return False
        return True

    def _on_debounce_timeout(self) -> None:
        self.reload()

    def _on_missing_poll_timeout(self) -> None:
        if self.path is not None and os.path.exists(self.path):
            self.reload()
