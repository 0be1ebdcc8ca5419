"""The progress dialog and status messages the export flows share (PNG and animation)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget


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
