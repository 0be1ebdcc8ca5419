"""File > Export Animation: ask where, show frame progress with Cancel, report the outcome."""

from __future__ import annotations

import os

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ..animation_export import FORMATS, AnimationExporter
from ..prefs import Prefs
from ..timeline import Timeline
from .qt_file_dialogs import ask_save_path, replace_agreed, start_folder
from .qt_panel import FILE, Action, Place
from .qt_progress import QtExportFlowBase, open_progress

TITLE = "Export Animation"


class QtAnimationExportFlow(QtExportFlowBase):
    """Drive an :class:`AnimationExporter` with dialogs; the window stays usable throughout."""

    CANCELLED = "Animation export cancelled: nothing was written"
    SAY_MS = 10000

    animated_changed = Signal(bool)  # the open scene has FRAMES > 1: there is something to export

    def __init__(
        self, exporter: AnimationExporter, prefs: Prefs, parent: QWidget, timeline: Timeline
    ) -> None:
        super().__init__(exporter, prefs, parent)
        exporter.progressed.connect(self._on_exporter_progressed)
        exporter.writing.connect(self._on_exporter_writing)
        exporter.noticed.connect(self._on_exporter_noticed)
        timeline.changed.connect(self._on_timeline_changed)
        self.notice = ""  # where the frames render, shown under the progress
        self._frame = 0  # the frame being rendered

    def places(self) -> list[Place]:
        return []

    def menu_actions(self) -> list[Action]:
        return [
            Action(
                "file.export_animation",
                "Export &Animation...",
                FILE,
                self._on_export_triggered,
                "Ctrl+Shift+A",
                group=1,
                order=1,
                enabled=False,  # until a scene sets FRAMES > 1
                enabled_by=self.animated_changed,
            )
        ]

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
        """Export to ``path`` (asking for one when None; a read-only one only if agreed)."""
        if self.exporter.busy:
            self._say("An animation export is already running")
            return
        force = replace_agreed(self.window, path) if path else True  # the dialog asked
        path = path or self.ask_path()
        if not path or force is None:
            return
        self.prefs.set_folder("export", path)
        self.notice, self._frame = "", 0
        self.exporter.export(path, force)
        if not self.exporter.busy:
            return  # refused before rendering: the failure is shown
        total = self.exporter.total
        self.dialog = open_progress(
            self.window, TITLE, self.describe(0), 100 * total, self._on_dialog_canceled
        )
        self.dialog.setMinimumWidth(380)  # the label changes every frame: keep the box still

    def _on_export_triggered(self) -> None:
        self.start()

    def _on_timeline_changed(self, frames: int, fps: float) -> None:
        self.animated_changed.emit(frames > 1)

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
