"""File > Export Animation: ask where, show frame progress with Cancel, report the outcome."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from ..animation_export import FORMATS, AnimationExporter
from ..prefs import Prefs
from .qt_file_dialogs import ask_save_path, start_folder
from .qt_progress import close_progress, open_progress, say_in_status_bar

TITLE = "Export Animation"


class QtAnimationExportFlow(QObject):
    """Drive an :class:`AnimationExporter` with dialogs; the window stays usable throughout."""

    def __init__(self, exporter: AnimationExporter, prefs: Prefs, parent: QWidget) -> None:
        super().__init__(parent)
        self.exporter, self.prefs, self.window = exporter, prefs, parent
        self.dialog: QProgressDialog | None = None
        self.message = ""  # the last outcome, also shown in the status bar
        self.box: QMessageBox | None = None  # the last warning shown
        exporter.progressed.connect(self._on_exporter_progressed)
        exporter.writing.connect(self._on_exporter_writing)
        exporter.finished.connect(self._on_exporter_finished)
        exporter.failed.connect(self._on_exporter_failed)
        exporter.noticed.connect(self._on_exporter_noticed)
        self.notice = ""  # where the frames render, shown under the progress
        self._frame = 0  # the frame being rendered

    def ask_path(self) -> str:
        """Ask where to save (GIF by default), in the scene's folder; replacing is confirmed."""
        source = self.exporter.session.source
        stem = os.path.splitext(os.path.basename(source.path))[0] if source else "animation"
        folder = start_folder(source.path if source else None, self.prefs.folder("export"))
        filters = ";;".join(name for name, _suffix in FORMATS)
        others = (*(suffix for _name, suffix in FORMATS[1:]), ".apng")
        start = os.path.join(folder, stem + ".gif")
        return ask_save_path(self.window, TITLE, start, filters, ".gif", others)

    def describe(self, frame: int) -> str:
        """Return the progress text, e.g. 'Rendering virus.gif: frame 12 of 48'."""
        name = os.path.basename(self.exporter.path)
        text = f"Rendering {name}: frame {frame} of {self.exporter.total}"
        return f"{text}\n{self.notice}" if self.notice else text

    def start(self, path: str | None = None) -> None:
        """Export to ``path`` (asking for one when None)."""
        if self.exporter.busy:
            self._say("An animation export is already running")
            return
        path = path or self.ask_path()
        if not path:
            return
        self.prefs.set_folder("export", path)
        self.notice, self._frame = "", 0
        self.exporter.export(path)
        if not self.exporter.busy:
            return  # refused before rendering: the failure is shown
        total = self.exporter.total
        self.dialog = open_progress(
            self.window, TITLE, self.describe(0), 100 * total, self._on_dialog_canceled
        )
        self.dialog.setMinimumWidth(380)  # the label changes every frame: keep the box still

    def _close_dialog(self) -> None:
        close_progress(self.dialog, self._on_dialog_canceled)
        self.dialog = None

    def _say(self, text: str) -> None:
        self.message = text
        say_in_status_bar(self.window, text, 10000)

    def _on_dialog_canceled(self) -> None:
        self.exporter.cancel()
        self._close_dialog()
        self._say("Animation export cancelled: nothing was written")

    def _on_exporter_progressed(self, done: float, frame: int) -> None:
        if self.dialog is not None:
            self._frame = frame
            self.dialog.setValue(round(100 * done))
            self.dialog.setLabelText(self.describe(frame))

    def _on_exporter_noticed(self, text: str) -> None:
        self.notice = text
        self._say(text)
        if self.dialog is not None:
            self.dialog.setLabelText(self.describe(self._frame))

    def _on_exporter_writing(self) -> None:
        if self.dialog is not None:
            self.dialog.setValue(self.dialog.maximum())
            self.dialog.setLabelText(f"Writing {os.path.basename(self.exporter.path)}...")
            self.dialog.setCancelButton(None)  # encoding cannot stop half-way

    def _on_exporter_finished(self, path: str) -> None:
        self._close_dialog()
        self._say(f"Exported {path}")

    def _on_exporter_failed(self, message: str) -> None:
        self._close_dialog()
        self._say(f"Export failed: {message}")
        box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", message, parent=self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # window-modal but not blocking
        self.box = box
