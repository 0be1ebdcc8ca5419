"""Export PNG from the window: ask where, show progress with Cancel, report the outcome."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from ..exporter import Exporter
from ..prefs import Prefs


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

    def ask_path(self) -> str:
        """Ask where to save, starting in the last export folder."""
        source = self.exporter.session.source
        stem = os.path.splitext(os.path.basename(source.path))[0] if source else "render"
        start = os.path.join(self.prefs.folder("export"), stem + ".png")
        path, _ = QFileDialog.getSaveFileName(self.window, "Export PNG", start, "PNG (*.png)")
        if path and not path.lower().endswith(".png"):
            path += ".png"
        return path

    def start(self, path: str | None = None) -> None:
        """Export to ``path`` (asking for one when None)."""
        if self.exporter.busy:
            return
        path = path or self.ask_path()
        if not path:
            return
        self.prefs.set_folder("export", path)
        self.dialog = QProgressDialog(
            "Rendering at full resolution...", "Cancel", 0, 1000, self.window
        )
        self.dialog.setWindowTitle("Export PNG")
        self.dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self._on_dialog_canceled)
        self.exporter.export(path)

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self._on_dialog_canceled)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _say(self, text: str) -> None:
        self.message = text
        status = getattr(self.window, "statusBar", None)
        if status is not None:
            status().showMessage(text, 8000)

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
            self.dialog.setLabelText(text)

    def _on_exporter_finished(self, path: str) -> None:
        self._close_dialog()
        self._say(f"Exported {path}")

    def _on_exporter_failed(self, message: str) -> None:
        self._close_dialog()
        self._say(f"Export failed: {message}")
        box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", message, parent=self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # window-modal but not blocking: the event loop keeps running
