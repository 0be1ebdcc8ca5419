"""Export PNG from the window: ask where, show progress with Cancel, report the outcome."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QMessageBox, QWidget

from ..exporter import Exporter
from ..history import RenderHistory
from ..prefs import Prefs
from .qt_file_dialogs import ask_save_path, replace_agreed, start_folder
from .qt_panel import FILE, Action, Place
from .qt_progress import QtExportFlowBase, open_progress, warn


class QtExportFlow(QtExportFlowBase):
    """Drive an :class:`Exporter` with dialogs; the window stays usable throughout."""

    def __init__(
        self,
        exporter: Exporter,
        prefs: Prefs,
        parent: QWidget,
        history: RenderHistory | None = None,
    ) -> None:
        super().__init__(exporter, prefs, parent)
        self.history = history  # its entry on show is exported as shown
        exporter.progressed.connect(self._on_exporter_progressed)
        exporter.noticed.connect(self._on_exporter_noticed)
        exporter.fell_back.connect(self._on_exporter_fell_back)
        self.fallback_box: QMessageBox | None = None

    def places(self) -> list[Place]:
        return []

    def menu_actions(self) -> list[Action]:
        return [
            Action(
                "file.export", "&Export PNG...", FILE, self._on_export_triggered, "Ctrl+E", group=1
            )
        ]

    def ask_path(self) -> str:
        """Ask where to save, starting in the scene's folder; replacing a file is confirmed."""
        source = self.exporter.session.source
        stem = os.path.splitext(os.path.basename(source.path))[0] if source else "render"
        folder = start_folder(source.path if source else None, self.prefs.folder("export"))
        start = os.path.join(folder, stem + ".png")
        return ask_save_path(self.window, "Export PNG", start, "PNG (*.png)", ".png")

    def describe(self, path: str) -> str:
        """Return what the export renders, e.g. 'Rendering balls.png at 1920x1080'."""
        entry = self.history.viewing if self.history is not None else None
        if entry is not None:
            width, height = entry.size
            shown = f"history entry #{entry.number} ({entry.clock}) as shown"
            return f"Writing {shown} to {os.path.basename(path)} at {width}x{height}"
        width, height = self.exporter.session.display_size
        return f"Rendering {os.path.basename(path)} at {width}x{height}"

    def start(self, path: str | None = None) -> None:
        """Export to ``path`` (asking for one when None; a read-only one only if agreed)."""
        if self.exporter.busy:
            return
        force = replace_agreed(self.window, path) if path else True  # the dialog asked
        path = path or self.ask_path()
        if not path or force is None:
            return
        self.prefs.set_folder("export", path)
        self.dialog = open_progress(
            self.window, "Export PNG", self.describe(path), 1000, self._on_dialog_canceled
        )
        entry = self.history.viewing if self.history is not None else None
        if entry is None:
            self.exporter.export(path, force)
        else:  # what is on show: the entry's pixels, with its own scene and settings
            self.exporter.export_picture(
                path, entry.pixels, entry.scene, entry.settings, seconds=entry.seconds, force=force
            )

    def _on_export_triggered(self) -> None:
        self.start()

    def _on_exporter_progressed(self, fraction: float) -> None:
        if self.dialog is not None:
            self.dialog.setValue(round(1000 * fraction))

    def _on_exporter_noticed(self, text: str) -> None:
        self._say(text)
        if self.dialog is not None:
            self.dialog.setLabelText(f"{self.describe(self.exporter.path)}\n{text}")

    def _on_exporter_fell_back(self, spec: str, why: str) -> None:
        """Say in a message (not only the status bar) that the cluster was not used."""
        if self.dialog is not None:
            self.dialog.setLabelText(f"{self.describe(self.exporter.path)} with the local workers")
        text = (
            f"The Dask scheduler {spec} is unreachable:\n{why}\n\n"
            f"{os.path.basename(self.exporter.path)} is rendered with the local workers instead."
        )
        self.fallback_box = warn(self.window, "Scheduler unreachable", text)
