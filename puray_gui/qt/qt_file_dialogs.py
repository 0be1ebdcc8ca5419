"""Ask for file names: the dialog adds the suffix, and nothing is replaced without asking.

Qt's own overwrite check runs before a typed ``balls`` becomes ``balls.py``, so it is
switched off and the final name (suffix included) is checked here, once, for every dialog.
A file made read-only is replaced only after a question that says so (default: No).
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from tracer.output.atomic import is_read_only


def ask_save_path(
    parent: QWidget,
    title: str,
    start: str,
    name_filter: str,
    suffix: str,
    others: tuple[str, ...] = (),
) -> str:
    """Return the file to write (ending in ``suffix`` or one of ``others``), or '' if cancelled."""
    dialog = QFileDialog(parent, title, os.path.dirname(start), name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix(suffix.lstrip("."))
    dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)  # asked below, after the suffix
    dialog.selectFile(os.path.basename(start))
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    path = dialog.selectedFiles()[0]
    if not path.lower().endswith(tuple(s.lower() for s in (suffix, *others))):
        path += suffix
    if os.path.exists(path) and not confirm_replace(parent, path):
        return ""
    return path


def ask_open_path(parent: QWidget, title: str, folder: str, name_filter: str) -> str:
    """Return an existing file to open, or '' if the user cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, title, folder, name_filter)
    return path


def confirm_replace(parent: QWidget, path: str) -> bool:
    """Ask whether to replace ``path`` (saying if it is read-only); the default answer is No."""
    locked = read_only(path)
    state = " and is read-only" if locked else ""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Replace read-only file?" if locked else "Replace file?",
        f"{os.path.basename(path)} already exists in {os.path.dirname(path)}{state}.\n"
        f"Do you want to replace it{' anyway' if locked else ''}?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setObjectName("confirmReplace")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def read_only(path: str) -> bool:
    """Tell whether ``path`` is an existing file made read-only."""
    try:
        return os.path.isfile(path) and is_read_only(path)
    except OSError:
        return False


def replace_agreed(parent: QWidget, path: str) -> bool | None:
    """Return whether to force the write of ``path``: False when it is not read-only, True when
    the user agreed to replace it anyway, None when they said No (write nothing)."""
    if not read_only(path):
        return False
    return True if confirm_replace(parent, path) else None


def start_folder(scene_path: str | None, fallback: str) -> str:
    """Return the folder a dialog starts in: the open scene's, else ``fallback``."""
    if scene_path and os.path.isdir(os.path.dirname(scene_path)):
        return os.path.dirname(scene_path)
    return fallback
