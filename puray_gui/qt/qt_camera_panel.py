"""The sidebar's camera box (whose camera is shown, camera mode, Reset, copy and write-back)
and the View menu's camera items."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from tracer.camera.code import number_text

from .qt_camera_mode import QtCameraMode
from .qt_panel import EDIT, VIEW, Action, Place


def _xyz(values) -> str:
    return "(" + ", ".join(number_text(v) for v in values) + ")"


class QtCameraPanel(QGroupBox):
    """Show the camera's origin (the scene's or an interactive override) and its actions."""

    def __init__(self, camera_mode: QtCameraMode, parent: QWidget | None = None) -> None:
        super().__init__("Camera", parent)
        self.camera_mode = camera_mode
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.mode_box = QCheckBox("Camera mode (C)")
        self.mode_box.setToolTip("Orbit, pan and dolly the camera in the viewport")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Back to the scene's own camera")
        self.copy_button = QPushButton("Copy as Code")
        self.copy_button.setToolTip("Copy a CAMERA = LookAtCamera(...) line")
        self.write_button = QPushButton("Write to Scene")
        self.write_button.setToolTip(
            "Set the position, look_at and fov of the scene file's CAMERA to this camera's "
            "(its other arguments stay; Edit > Undo puts the file back)"
        )
        grid = QGridLayout(self)
        grid.addWidget(self.state, 0, 0, 1, 2)
        grid.addWidget(self.mode_box, 1, 0, 1, 2)
        grid.addWidget(self.reset_button, 2, 0)
        grid.addWidget(self.copy_button, 2, 1)
        grid.addWidget(self.write_button, 3, 0, 1, 2)
        self.mode_box.toggled.connect(camera_mode.set_active)
        camera_mode.mode_changed.connect(self.mode_box.setChecked)
        camera_mode.camera_changed.connect(self.refresh)
        camera_mode.session.frame_resized.connect(self.refresh)
        camera_mode.session.render_finished.connect(self.refresh)
        self.reset_button.clicked.connect(camera_mode.reset)
        self.copy_button.clicked.connect(camera_mode.copy_code)
        self.write_button.clicked.connect(self._on_write_clicked)
        self.refresh()

    def places(self) -> list[Place]:
        return [Place(self, "sidebar", order=2)]

    def menu_actions(self) -> list[Action]:
        mode = self.camera_mode
        return [
            Action(
                "view.camera_mode",
                "&Camera Mode",
                VIEW,
                mode.set_active,
                "C",
                group=1,
                order=1,
                checkable=True,
                checked_by=mode.mode_changed,
            ),
            Action("view.reset_camera", "Reset Ca&mera", VIEW, mode.reset, group=1, order=2),
            Action(
                "view.copy_camera", "Copy Camera as Code", VIEW, mode.copy_code, group=1, order=3
            ),
            Action(
                "edit.undo_write",
                "&Undo Write to Scene",
                EDIT,
                self._on_undo_triggered,
                QKeySequence.StandardKey.Undo,
                enabled=False,  # until a Write to Scene, while the file is as it left it
                enabled_by=mode.undo_changed,
                tooltip="Put the scene file's bytes from before Write to Scene back",
            ),
        ]

    def refresh(self, *_args) -> None:
        """Say whose camera renders and where it is."""
        mode = self.camera_mode
        view, scene = mode.view(), mode.camera.scene
        if mode.overridden and view is not None:
            text = "Interactive camera (override)"
        elif scene is not None:
            text = f"Scene's camera ({scene[0]})"
        else:
            text = "Scene's camera"
        if view is not None:
            position, look_at, fov = view
            text += f"\nat {_xyz(position)}\nlooking at {_xyz(look_at)}, fov {number_text(fov)}°"
        self.state.setText(text)
        self.reset_button.setEnabled(mode.overridden)
        self.write_button.setEnabled(mode.overridden)
        self.copy_button.setEnabled(view is not None)

    def _on_write_clicked(self) -> None:
        ok, message = self.camera_mode.write_to_scene()
        self.camera_mode.said.emit(message.replace("\n\n", " "))
        if not ok:
            self._warn("Write camera to scene", message)
        self.refresh()

    def _on_undo_triggered(self) -> None:
        ok, message = self.camera_mode.undo_write()
        if not ok:
            self._warn("Undo Write to Scene", message)

    def _warn(self, title: str, message: str) -> None:
        """Show a warning without blocking the window."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
