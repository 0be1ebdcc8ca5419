"""File > Open Recent: the remembered scenes, checked before opening, and Clear Recent."""

from __future__ import annotations

import os

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QWidget

from ..prefs import Prefs


class QtRecentMenu(QMenu):
    """List ``prefs.recent_scenes()``; a file that is gone is dropped instead of opened."""

    scene_chosen = Signal(str)  # an existing scene to open
    scene_missing = Signal(str)  # a remembered scene that is gone (already dropped)

    def __init__(self, prefs: Prefs, parent: QWidget | None = None) -> None:
        super().__init__("Open &Recent", parent)
        self.prefs = prefs
        self.refresh()

    def scene_actions(self) -> list:
        """Return the actions that open scenes (not the separator or Clear Recent)."""
        return [a for a in self.actions() if a.data()]

    def refresh(self) -> None:
        """Rebuild the menu from the remembered scenes."""
        self.clear()
        paths = self.prefs.recent_scenes()
        for path in paths:
            action = self.addAction(path)
            action.setData(path)
            action.triggered.connect(lambda _=False, p=path: self._on_path_triggered(p))
        self.addSeparator()
        clear = self.addAction("&Clear Recent")
        clear.triggered.connect(self._on_clear_triggered)
        self.setEnabled(bool(paths))

    def _on_path_triggered(self, path: str) -> None:
        if os.path.isfile(path):
            self.scene_chosen.emit(path)
            return
        self.prefs.remove_recent_scene(path)
        self.refresh()
        self.scene_missing.emit(path)

    def _on_clear_triggered(self) -> None:
        self.prefs.clear_recent_scenes()
        self.refresh()
