"""Export PNG from the window: ask where, show progress with Cancel, report the outcome."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from ..exporter import Exporter
from ..prefs import Prefs
from .qt_file_dialogs import ask_save_path, start_folder
from .qt_progress import close_progress, open_progress, say_in_status_bar


class QtExportFlow(QObject):
    """Drive an :class:`Exporter` with dialogs; the window stays usable throughout."""

    def __init__(self, exporter: Exporter, prefs: Prefs, parent: QWidget) -> None:
        super().__init__(parent)
        self.exporter = exporter
        self.prefs = prefs
        self.window = parent
        self.dialog: QProgressDialog | None = None
        self.message = ""  # the last outcome, also shown in the status bar
        exporter.progressed.connect(self._on_exporter_progressed)
        exporter.finished.connect(self._on_exporter_finished)
        exporter.failed.connect(self._on_exporter_failed)
        exporter.noticed.connect(self._on_exporter_noticed)
        exporter.fell_back.connect(self._on_exporter_fell_back)
        self.fallback_box: QMessageBox | None = None

    def ask_path(self) -> str:
        """Ask where to save, starting in the scene's folder; replacing a file is confirmed."""
        source = self.exporter.session.source
        stem = os.path.splitext(os.path.basename(source.path))[0] if source else "render"
        folder = start_folder(source.path if source else None, self.prefs.folder("export"))
        start = os.path.join(folder, stem + ".png")
        return ask_save_path(self.window, "Export PNG", start, "PNG (*.png)", ".png")

    def describe(self, path: str) -> str:
        """Return what the export renders, e.g. 'Rendering balls.png at 1920x1080'."""
        width, height = self.exporter.session.display_size
        return f"Rendering {os.path.basename(path)} at {width}x{height}"

    def start(self, path: str | None = None) -> None:
        """Export to ``path`` (asking for one when None)."""
        if self.exporter.busy:
            return
        path = path or self.ask_path()
        if not path:
            return
        self.prefs.set_folder("export", path)
        self.dialog = open_progress(
            self.window, "Export PNG", self.describe(path), 1000, self._on_dialog_canceled
        )
        self.exporter.export(path)

    def _close_dialog(self) -> None:
        close_progress(self.dialog, self._on_dialog_canceled)
        self.dialog = None

    def _say(self, text: str) -> None:
        self.message = text
        say_in_status_bar(self.window, text, 8000)

    def _on_dialog_canceled(self) -> None:
        self.exporter.cancel()
        self._close_dialog()
        self._say("Export cancelled: nothing was written")

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
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Scheduler unreachable", text, parent=self.window
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.fallback_box = box

    def _on_exporter_finished(self, path: str) -> None:
        self._close_dialog()
        self._say(f"Exported {path}")

    def _on_exporter_failed(self, message: str) -> None:
        self._close_dialog()
        self._say(f"Export failed: {message}")
        box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", message, parent=self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # window-modal but not blocking: the event loop keeps running
