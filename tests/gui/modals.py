"""Answer the modal dialogs a window opens (file dialogs, confirmations) as a user would."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox, QWidget


class Modals:
    """Answer each next modal dialog with the next step; record what each dialog showed."""

    def __init__(self, *steps: Callable[[QWidget], None]) -> None:
        self.steps = list(steps)
        self.seen: list[dict] = []  # per dialog: its class, text or folder
        self._answered: list[QWidget] = []
        self._timer = QTimer(interval=30)
        self._timer.timeout.connect(self._on_timeout)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _on_timeout(self) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or any(widget is w for w in self._answered):
            return
        if not self.steps:
            self.seen.append({"unexpected": type(widget).__name__})
            widget.close()
            return
        self._answered.append(widget)
        self.seen.append(_describe(widget))
        self.steps.pop(0)(widget)


def _describe(widget: QWidget) -> dict:
    if isinstance(widget, QFileDialog):
        return {"kind": "file", "folder": widget.directory().absolutePath()}
    if isinstance(widget, QMessageBox):
        return {"kind": "message", "text": widget.text()}
    return {"kind": type(widget).__name__}


def type_file_name(name: str) -> Callable[[QWidget], None]:
    """Type ``name`` into a file dialog and press Save."""

    def step(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog)
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        edit.setText(name)
        dialog.accept()

    return step


def press(button: QMessageBox.StandardButton) -> Callable[[QWidget], None]:
    """Press ``button`` in a message box."""

    def step(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        box.button(button).click()

    return step
