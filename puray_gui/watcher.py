"""Watch scene files with watchdog and report changes (Qt-free).

Editors save in many ways: write in place, write a temp file and rename it over the scene,
rename the scene away and write a new one (vim), ``sed -i``, delete and recreate. Each way
ends in a ``modified``, ``closed``, ``created``, ``moved`` or ``deleted`` event on the scene's
path (as source or destination), so the watcher reports any of those and leaves debouncing,
re-reading and skipping unchanged content to its owner, telling it which events complete a
save: ``closed`` (written and closed) and ``moved`` onto the path (an atomic save's rename).
``attrib`` (chmod, chown) counts too:
a file that becomes unreadable, or readable again, must be re-read. ``opened`` and
``closed_no_write`` are reads and are ignored.

A watched file that is a symlink is watched at both ends: its own folder (the link may be
replaced) and the folder of the file it points to (where an editor saves the content).

The callback runs on watchdog's thread: it must only hand the path over (a queued Qt signal).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

#: Event types that may change a file's content or existence.
CHANGE_EVENTS = frozenset({"modified", "closed", "created", "moved", "deleted", "attrib"})
#: Events of a watched folder itself (seen from its parent) that may take the scene away.
_FOLDER_EVENTS = frozenset({"created", "moved", "deleted"})


class FileWatcher(FileSystemEventHandler):
    """Call ``on_change(path, complete)`` when a watched file, or any .py beside it, may have
    changed; ``complete``: the event ends a save (the file is whole now).

    Every ``.py`` file in a watched folder counts, so a sibling module that the scene starts
    importing is noticed too; the owner skips renders whose content did not change. The
    folders' parents are watched as well, so a folder renamed away (or back) is noticed.
    """

    def __init__(self, on_change: Callable[[str, bool], None]) -> None:
        super().__init__()
        self._on_change = on_change
        self._lock = threading.Lock()
        self._files: frozenset[str] = frozenset()
        self._folders: frozenset[str] = frozenset()  # the files' folders
        self._watches: dict[str, ObservedWatch] = {}  # folders and their parents
        self._observer = Observer()
        self._observer.daemon = True
        self._observer.start()

    @property
    def files(self) -> frozenset[str]:
        return self._files

    def watch(self, files: Iterable[str], fresh: bool = False) -> None:
        """Watch exactly these files (and their folders); unwatch the rest.

        ``fresh`` drops and re-creates every folder watch (a folder that was renamed away
        and back, or deleted and re-created, is a new folder to the OS).
        """
        files = [os.path.abspath(f) for f in files]
        paths = frozenset(files) | frozenset(os.path.realpath(f) for f in files)
        folders = frozenset(os.path.dirname(p) for p in paths)
        wanted = folders | {os.path.dirname(f) for f in folders}
        with self._lock:
            self._files, self._folders = paths, folders
            stale = set(self._watches) if fresh else set(self._watches) - wanted
            for folder in stale:
                self._unschedule(self._watches.pop(folder))
            for folder in wanted - set(self._watches):
                if os.path.isdir(folder):
                    self._watches[folder] = self._observer.schedule(self, folder)

    def _unschedule(self, watch: ObservedWatch) -> None:
        with contextlib.suppress(KeyError, OSError):  # dropped already: its folder went away
            self._observer.unschedule(watch)

    def stop(self) -> None:
        """Stop watching and join watchdog's thread."""
        with self._lock:
            self._files, self._folders = frozenset(), frozenset()
            self._watches.clear()
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join(timeout=2)

    # -- watchdog's thread ----------------------------------------------------------------

    def dispatch(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGE_EVENTS:
            return
        kind = event.event_type
        for end, path in enumerate((event.src_path, getattr(event, "dest_path", ""))):
            path = os.path.abspath(os.fsdecode(path)) if path else ""
            if path and self._relevant(path, event.is_directory, kind):
                self._on_change(path, kind == "closed" or (kind == "moved" and end == 1))
                return

    def _relevant(self, path: str, is_directory: bool, kind: str) -> bool:
        if is_directory:  # a watched folder itself was renamed, deleted or created
            return kind in _FOLDER_EVENTS and path in self._folders
        if path in self._files:
            return True
        return path.endswith(".py") and os.path.dirname(path) in self._folders
