"""Help > Examples: copy a bundled example scene into a folder the user picks and open the copy.

The copy takes the modules and data files the example uses (examples.py); nothing is
replaced without asking, and a copy that fails leaves the folder as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QMenu, QMessageBox, QWidget

from tracer.bundled import Example, examples
from tracer.output.atomic import TargetRefused

from ..examples import copy_example, example_files, existing
from ..prefs import Prefs

FOLDER_KIND = "examples"  # the prefs' folder remembered for example copies
_SHOWN = 6  # files named in the question before "and N more"


class QtExamplesMenu(QMenu):
    """One item per bundled example; choosing one copies it and emits ``example_copied``."""

    example_copied = Signal(str)  # the path of the copied scene
    said = Signal(str, int)  # a status-bar message and how long it shows (ms)

    def __init__(self, prefs: Prefs, window: QWidget) -> None:
        super().__init__("&Examples", window)
        self.prefs, self.owner = prefs, window
        self.setObjectName("examplesMenu")
        self.setToolTipsVisible(True)
        for example in examples():
            action = self.addAction(example.name)
            action.setToolTip(example.summary)
            action.triggered.connect(lambda _=False, e=example: self.copy_and_open(e))

    def copy_and_open(self, example: Example) -> None:
        """Ask for a folder, copy ``example`` there (asking before replacing) and open the copy."""
        folder = ask_folder(self.owner, f"Copy {example.name} into", self.prefs.folder(FOLDER_KIND))
        if not folder:
            return
        files = example_files(example.path)
        clash = existing(files, Path(folder))
        if clash and not confirm_replace_all(self.owner, clash, folder):
            return
        try:
            copy = copy_example(files, Path(folder))
        except (OSError, TargetRefused) as exc:
            self._warn(f"Cannot copy {example.name} into {folder}: {exc}")
            return
        self.prefs.set_folder(FOLDER_KIND, str(copy))
        names = ", ".join(f.name for f in files)
        self.said.emit(f"Copied {names} into {folder}", 10000)
        self.example_copied.emit(str(copy))

    def _warn(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Copy failed", text, parent=self.owner)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def ask_folder(parent: QWidget, title: str, start: str) -> str:
    """Return a folder the user chose, or '' if cancelled."""
    dialog = QFileDialog(parent, title, start)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return dialog.selectedFiles()[0]


def confirm_replace_all(parent: QWidget, clash: list[Path], folder: str) -> bool:
    """Ask whether to replace the files of ``clash`` in ``folder``; the default answer is No."""
    names = ", ".join(os.path.relpath(p, folder) for p in clash[:_SHOWN])
    if len(clash) > _SHOWN:
        names += f" and {len(clash) - _SHOWN} more"
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Replace files?",
        f"{folder} already has {names}.\nDo you want to replace "
        + ("it?" if len(clash) == 1 else "them?"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setObjectName("confirmReplaceExample")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes
