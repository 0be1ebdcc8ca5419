"""The composition root with its window: build the models, the panels and the window, run Qt.

:class:`~puray_gui.composition.LiveModels` starts the render services and builds the models;
:class:`LiveApp` adds one panel per feature (each declares its widgets and menu items), has
the window arrange them and wires what runs between panels. A new panel is a new module and
a line here.
"""

from __future__ import annotations

import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ..composition import LiveModels
from ..options import RenderOptions
from ..prefs import APPLICATION, ORGANIZATION, Prefs
from ..resources import ICON, default_scene, resource
from .qt_animation_export import QtAnimationExportFlow
from .qt_camera_mode import QtCameraMode
from .qt_camera_panel import QtCameraPanel
from .qt_cluster_panel import QtClusterPanel
from .qt_error_panel import QtErrorPanel
from .qt_export import QtExportFlow
from .qt_help import QtHelp
from .qt_history_flow import QtHistoryFlow
from .qt_main_window import QtMainWindow
from .qt_panel import Panel
from .qt_pick_dock import QtPickDock
from .qt_preview import QtPreview
from .qt_scene_files import QtSceneFiles
from .qt_settings_panel import QtSettingsPanel
from .qt_timeline import QtTimeline


class LiveApp(LiveModels):
    """The models and the window showing them; ``close`` shuts them down cleanly.

    Pass ``service`` to share a running render service (tests); otherwise one is started with
    the remembered worker count and closed with the app.
    """

    def __init__(self, prefs: Prefs, service=None, options: RenderOptions | None = None) -> None:
        super().__init__(prefs, service, options)
        self.window = QtMainWindow(self.session, self.document, prefs)
        panels = self._build_panels(self.window)
        self._wire()
        self.window.arrange(panels)

    def _build_panels(self, window: QtMainWindow) -> list[Panel]:
        """Build one panel per feature (each connects itself to the models it shows)."""
        self.preview = QtPreview(self.session, self.document, window, self.refinement)
        viewport = self.preview.viewport
        self.scene_files = QtSceneFiles(self.document, self.prefs, window)
        self.settings_panel = QtSettingsPanel(self.keeper)
        self.cluster_panel = QtClusterPanel(self.cluster, self.prefs.scheduler())
        self.export_flow = QtExportFlow(self.exporter, self.prefs, window, self.history)
        self.history_flow = QtHistoryFlow(
            self.session, self.history, viewport, self.document, window
        )
        self.camera_mode = QtCameraMode(self.session, self.camera, viewport, self.document, window)
        self.camera_panel = QtCameraPanel(self.camera_mode)
        self.pick_dock = QtPickDock(self.picker, viewport, self.prefs)
        self.animation_flow = QtAnimationExportFlow(
            self.animation_exporter, self.prefs, window, self.timeline
        )
        self.timeline_bar = QtTimeline(self.timeline, keys_on=viewport)
        self.error_panel = QtErrorPanel(self.session)
        return [
            self.preview,
            self.scene_files,
            self.settings_panel,
            self.cluster_panel,
            self.export_flow,
            self.history_flow,
            self.camera_panel,
            self.pick_dock,
            self.animation_flow,
            self.timeline_bar,
            self.error_panel,
            QtHelp(self.document, self.prefs, window),
        ]

    def _wire(self) -> None:
        """Connect what runs from one panel to another."""
        editor = self.scene_files.open_in_editor
        self.error_panel.location_activated.connect(editor)
        self.pick_dock.panel.location_activated.connect(editor)
        self.settings_panel.options_changed.connect(self._on_options_changed)
        self.cluster_panel.scheduler_changed.connect(self.use_scheduler)
        self.camera_mode.camera_changed.connect(self.history_flow.back_to_live)
        for part in (self.camera_mode, self.history_flow, self.scene_files):
            part.said.connect(self.window.say)

    def open(self, path: str | None = None) -> None:
        """Open ``path``, else the last scene opened, else the bundled default scene."""
        self.window.open_scene(path or self.prefs.last_scene() or str(default_scene()))

    def _on_options_changed(self, options: RenderOptions) -> None:
        self.preview.viewport.update()  # the preview's badge tells its scale


def run(scene: str | None) -> int:
    """Run the window until it is closed; return the exit status."""
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationName(APPLICATION)
    app = QApplication(sys.argv)
    app.setWindowIcon(QIcon(str(resource(ICON))))
    live = LiveApp(Prefs())
    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl+C or kill: quit cleanly
        signal.signal(signum, lambda *_: app.quit())
    wake = QTimer(interval=200)  # let Python run its signal handlers while Qt waits
    wake.timeout.connect(lambda: None)
    wake.start()
    try:
        live.window.show()
        live.open(scene)
        return app.exec()
    finally:
        wake.stop()
        live.close()
