"""What the export flows share (PNG and animation): the progress dialog, status messages,
warnings, and a base class wiring them to an exporter."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget


def open_progress(
    parent: QWidget, title: str, label: str, maximum: int, on_cancel: Callable[[], None]
) -> QProgressDialog:
    """Return a non-modal progress dialog with Cancel that stays until closed by us."""
    dialog = QProgressDialog(label, "Cancel", 0, maximum, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(on_cancel)
    return dialog


def close_progress(dialog: QProgressDialog | None, on_cancel: Callable[[], None]) -> None:
    """Close a dialog from open_progress without it reporting a cancel (None: nothing open)."""
    if dialog is not None:
        dialog.canceled.disconnect(on_cancel)
        dialog.close()
        dialog.deleteLater()


def say_in_status_bar(window: QWidget, text: str, ms: int) -> None:
    """Show ``text`` in the window's status bar for ``ms`` (if it has one)."""
    status = getattr(window, "statusBar", None)
    if status is not None:
        status().showMessage(text, ms)


class QtExportFlowBase(QObject):
    """What the PNG and animation export flows share: the progress dialog, the outcome in the
    status bar (``message``), and a warning box when an export fails (``box``)."""

    #: What the status bar says after Cancel, and how long outcomes stay there (ms).
    CANCELLED = "Export cancelled: nothing was written"
    SAY_MS = 8000

    def __init__(self, exporter, prefs, parent: QWidget) -> None:
        super().__init__(parent)
        self.exporter, self.prefs, self.window = exporter, prefs, parent
        self.dialog: QProgressDialog | None = None
        self.message = ""  # the last outcome, also shown in the status bar
        self.box: QMessageBox | None = None  # the last failure shown
        exporter.finished.connect(self._on_exporter_finished)
        exporter.failed.connect(self._on_exporter_failed)

    def _close_dialog(self) -> None:
        close_progress(self.dialog, self._on_dialog_canceled)
        self.dialog = None

    def _say(self, text: str) -> None:
        self.message = text
        say_in_status_bar(self.window, text, self.SAY_MS)

    def _on_dialog_canceled(self) -> None:
        self.exporter.cancel()
        self._close_dialog()
        self._say(self.CANCELLED)

    def _on_exporter_finished(self, path: str) -> None:
        self._close_dialog()
        self._say(f"Exported {path}")

    def _on_exporter_failed(self, message: str) -> None:
        self._close_dialog()
        self._say(f"Export failed: {message}")
        self.box = warn(self.window, "Export failed", message)


def warn(parent: QWidget, title: str, text: str) -> QMessageBox:
    """Open a warning box that does not block the window (its event loop keeps running)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
