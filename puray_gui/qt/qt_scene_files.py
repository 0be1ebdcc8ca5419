"""The window's scene-file actions: new from the template, open, open recent, open in the editor."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from tracer.output.atomic import write_message

from ..document import SceneDocument
from ..editor import EDITOR_ENV, EDITOR_HINT, open_in_editor
from ..new_scene import create_scene
from ..prefs import Prefs
from .qt_file_dialogs import ask_open_path, ask_save_path, start_folder
from .qt_panel import FILE, Action, Place, Submenu
from .qt_recent_menu import QtRecentMenu


class QtSceneFiles(QObject):
    """Open scenes into the document, create them from the template, hand them to the editor."""

    said = Signal(str, int)  # a status-bar message and how long it shows (ms)

    def __init__(self, document: SceneDocument, prefs: Prefs, window: QWidget) -> None:
        super().__init__(window)
        self.document, self.prefs, self.window = document, prefs, window
        self.recent_menu = QtRecentMenu(prefs, window)
        self.recent_menu.scene_chosen.connect(self.open_scene)
        self.recent_menu.scene_missing.connect(self._on_recent_scene_missing)
        document.opened.connect(self._on_document_opened)

    def places(self) -> list[Place]:
        return []

    def menu_actions(self) -> list[Action | Submenu]:
        std = QKeySequence.StandardKey
        return [
            Action("file.new", "&New Scene...", FILE, self.ask_and_create, std.New, order=1),
            Action("file.open", "&Open...", FILE, self.ask_and_open, std.Open, order=2),
            Submenu(self.recent_menu, FILE, order=3),
            Action(
                "file.edit", "Open in &Editor", FILE, self.edit_current, "Ctrl+Shift+E", order=4
            ),
        ]

    def open_scene(self, path: str) -> None:
        self.document.open(path)

    def ask_and_open(self) -> None:
        """Ask for a scene file and open it."""
        path = ask_open_path(self.window, "Open scene", self._folder("open"), "Scenes (*.py)")
        if path:
            self.prefs.set_folder("open", path)
            self.open_scene(path)

    def ask_and_create(self) -> None:
        """Ask where to create a new scene (the dialog asks before replacing), then create it."""
        start = os.path.join(self._folder("new"), "scene.py")
        path = ask_save_path(self.window, "New scene", start, "Scenes (*.py)", ".py")
        if path:
            self.new_scene(path)

    def new_scene(self, path: str) -> None:
        """Create a scene from the template at ``path`` (already agreed to), open and edit it."""
        try:
            create_scene(path, replace=True)
        except (OSError, ValueError) as exc:
            self._warn("New scene failed", f"{write_message(exc, path)}; nothing was written")
            return
        self.prefs.set_folder("new", path)
        self.open_scene(path)
        self.open_in_editor(path, 1)

    def open_in_editor(self, path: str, line: int = 0) -> None:
        """Open ``path`` at ``line`` in the user's editor; say so when no editor could start."""
        problem = open_in_editor(path, line)
        if problem is not None:
            self.said.emit(f"{problem} Set {EDITOR_ENV} to choose an editor.", 20000)
            self._warn("No editor", f"{problem}\n\n{EDITOR_HINT}")

    def edit_current(self) -> None:
        """Open the open scene in the editor, at its first line."""
        if self.document.path:
            self.open_in_editor(self.document.path, 1)

    def _on_document_opened(self, path: str) -> None:
        self.prefs.add_recent_scene(path)
        self.recent_menu.refresh()

    def _on_recent_scene_missing(self, path: str) -> None:
        self.said.emit(f"{path}: not found (removed from Open Recent)", 10000)

    def _folder(self, kind: str) -> str:
        return start_folder(self.document.path, self.prefs.folder(kind))

    def _warn(self, title: str, text: str) -> None:
        """Show a warning without blocking the window."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
