"""The main window: arranges widgets, builds menus and wires signals; no logic of its own."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import QDockWidget, QMainWindow, QVBoxLayout, QWidget

from ..animation_export import AnimationExporter
from ..document import SceneDocument
from ..exporter import Exporter
from ..history import RenderHistory
from ..options import RenderOptions
from ..picker import Picker
from ..prefs import Prefs
from ..resources import ICON, resource
from ..session import RenderSession
from ..timeline import Timeline
from .qt_animation_export import QtAnimationExportFlow
from .qt_camera_mode import QtCameraMode
from .qt_camera_panel import QtCameraPanel
from .qt_cluster_panel import QtClusterPanel
from .qt_compare_view import QtCompareView
from .qt_error_panel import QtErrorPanel
from .qt_export import QtExportFlow
from .qt_geometry import fit_window, place_window
from .qt_history_flow import QtHistoryFlow
from .qt_history_panel import QtHistoryPanel
from .qt_pick_panel import QtPickPanel, pick_dock
from .qt_recent_menu import QtRecentMenu
from .qt_scene_files import QtSceneFiles, dropped_scene
from .qt_settings_panel import QtSettingsPanel
from .qt_status_bar import QtStatusBar
from .qt_timeline import QtTimeline
from .qt_viewport import QtViewport

APP_NAME = "Puray Live"


class QtMainWindow(QMainWindow):
    """Show one scene document rendered by one session."""

    def __init__(
        self,
        session: RenderSession,
        document: SceneDocument,
        exporter: Exporter,
        prefs: Prefs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.document, self.prefs = session, document, prefs
        self._size_scene: str | None = None  # the scene whose resolution the options hold
        self._fitted = False  # fitted to the screen once shown
        self.viewport = QtViewport(session)
        self.timeline = Timeline(session, parent=self)
        self.timeline_bar = QtTimeline(self.timeline, keys_on=self.viewport)
        self.error_panel = QtErrorPanel()
        self.settings_panel = QtSettingsPanel(session.options)
        self.cluster_panel = QtClusterPanel(prefs.scheduler())
        self.exporter = exporter
        exporter.route.scheduler = prefs.scheduler()
        self.status = QtStatusBar(session)
        self.export_flow = QtExportFlow(exporter, prefs, self)
        self.history_panel = QtHistoryPanel(RenderHistory())
        self.compare_view = QtCompareView()
        self.history_flow = QtHistoryFlow(
            session, self.viewport, self.history_panel, self.compare_view, self
        )
        self.camera_mode = QtCameraMode(session, self.viewport, document, self)
        self.camera_panel = QtCameraPanel(self.camera_mode)
        self.picker = Picker(session, self)
        self.pick_panel = QtPickPanel()
        self.animation_exporter = AnimationExporter(session, self, exporter.cluster)
        self.animation_exporter.route.scheduler = exporter.route.scheduler
        self.animation_flow = QtAnimationExportFlow(self.animation_exporter, prefs, self)
        self.scene_files = QtSceneFiles(document, prefs, self)
        self._arrange()
        self._build_menus()
        self._wire()
        self.setAcceptDrops(True)
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(QIcon(str(resource(ICON))))
        place_window(self, prefs.geometry())

    def _arrange(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.viewport, 1)
        layout.addWidget(self.compare_view, 1)  # in the viewport's place while comparing
        layout.addWidget(self.timeline_bar)
        layout.addWidget(self.error_panel)
        self.setCentralWidget(central)
        dock = QDockWidget("Render settings", self)
        dock.setObjectName("settingsDock")
        sidebar = QWidget()
        column = QVBoxLayout(sidebar)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.settings_panel)
        column.addWidget(self.cluster_panel)
        column.addWidget(self.camera_panel)
        column.addStretch(1)
        dock.setWidget(sidebar)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        history = QDockWidget("History", self)
        history.setObjectName("historyDock")
        history.setWidget(self.history_panel)
        history.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, history)
        self.pick_dock = pick_dock(self, self.pick_panel)
        self.setStatusBar(self.status)

    def _action(self, menu, text: str, handler, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(handler)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar, std = self.menuBar(), QKeySequence.StandardKey
        file = bar.addMenu("&File")
        self._action(file, "&New Scene...", self.scene_files.ask_and_create, std.New)
        self._action(file, "&Open...", self.scene_files.ask_and_open, std.Open)
        self.recent_menu = QtRecentMenu(self.prefs, file)
        file.addMenu(self.recent_menu)
        self._action(file, "Open in &Editor", self.scene_files.edit_current, "Ctrl+Shift+E")
        file.addSeparator()
        self.export_action = self._action(
            file, "&Export PNG...", self._on_export_triggered, "Ctrl+E"
        )
        self.export_animation_action = self._action(
            file, "Export &Animation...", self._on_export_animation_triggered, "Ctrl+Shift+A"
        )
        self.export_animation_action.setEnabled(False)  # until a scene sets FRAMES > 1
        file.addSeparator()
        self._action(file, "&Quit", self.close, std.Quit)
        view = bar.addMenu("&View")
        self._action(view, "&Fit to Window", self.viewport.fit_to_window, "Ctrl+0")
        self._action(view, "&Actual Size (1:1)", self.viewport.actual_size, "Ctrl+1")
        self._action(view, "Zoom &In", self._on_zoom_in_triggered, [std.ZoomIn, "Ctrl+="])
        self._action(view, "Zoom &Out", self._on_zoom_out_triggered, std.ZoomOut)
        view.addSeparator()
        self.camera_action = self._action(view, "&Camera Mode", self.camera_mode.set_active, "C")
        self.camera_action.setCheckable(True)
        self._action(view, "Reset Ca&mera", self.camera_mode.reset)
        self._action(view, "Copy Camera as Code", self.camera_mode.copy_code)
        self._action(view, "Back to &Live", self.history_flow.back_to_live, "Ctrl+L")
        self.pick_action = self._action(view, "&Pick Mode", self.viewport.set_pick_mode, "P")
        self.pick_action.setCheckable(True)
        self.pick_action.setToolTip("Click a pixel to see its path (Ctrl+click works anytime)")
        render = bar.addMenu("&Render")
        self._action(render, "&Re-render", self._on_rerender_triggered, ["F5", "Ctrl+R"])
        self.stop_action = self._action(render, "&Stop", self.session.stop, "Esc")

    def _wire(self) -> None:
        d, s = self.document, self.session
        d.opened.connect(self._on_document_opened)
        d.source_changed.connect(s.render)
        d.read_failed.connect(s.fail)
        s.data_files_read.connect(d.set_data_files)
        s.render_failed.connect(self.error_panel.show_error)
        s.stale_changed.connect(self._on_stale_changed)
        s.frame_resized.connect(self._on_frame_resized)
        s.render_started.connect(self._on_render_started)
        self.settings_panel.options_changed.connect(self._on_options_changed)
        self.cluster_panel.scheduler_changed.connect(self._on_scheduler_changed)
        self.cluster_panel.test_requested.connect(self.exporter.cluster.test)
        self.exporter.cluster.tested.connect(self.cluster_panel.show_test_result)
        self.error_panel.location_activated.connect(self.open_in_editor)
        self.viewport.pixel_hovered.connect(self.status.show_pixel)
        self.viewport.zoom_changed.connect(self.status.show_zoom)
        self.viewport.object_hovered.connect(self.status.show_object)
        self.viewport.pick_requested.connect(self.picker.pick)
        self.picker.pick_started.connect(self._on_pick_started)
        self.picker.pixel_picked.connect(self.pick_panel.show_pick)
        self.picker.pick_failed.connect(self.pick_panel.show_error)
        self.pick_panel.location_activated.connect(self.open_in_editor)
        self.recent_menu.scene_chosen.connect(self.open_scene)
        self.recent_menu.scene_missing.connect(self._on_recent_scene_missing)
        s.render_stopped.connect(self._on_render_stopped)
        d.opened.connect(self.history_flow.clear)
        d.opened.connect(self.camera_mode.forget)
        self.camera_mode.mode_changed.connect(self.camera_action.setChecked)
        self.camera_mode.camera_changed.connect(self.history_flow.back_to_live)
        self.camera_mode.said.connect(self.say)
        self.history_flow.said.connect(self.say)
        self.timeline.changed.connect(self._on_timeline_changed)
        self.scene_files.said.connect(self.say)

    # -- files ----------------------------------------------------------------------------

    def open_scene(self, path: str) -> None:
        self.scene_files.open_scene(path)

    def say(self, text: str, ms: int = 10000) -> None:
        """Show ``text`` in the status bar for a while."""
        self.status.showMessage(text, ms)

    def _on_recent_scene_missing(self, path: str) -> None:
        self.say(f"{path}: not found (removed from Open Recent)")

    def _on_document_opened(self, path: str) -> None:
        self.prefs.add_recent_scene(path)
        self.status.show_scene(path)
        self.recent_menu.refresh()
        self._update_title()
        self._use_scene_size(path)

    def _use_scene_size(self, path: str) -> None:
        """Apply the resolution chosen for this scene; another scene's override stays there."""
        options, size = self.session.options, self.prefs.scene_size(path)
        if size is None and self._size_scene is None and options.width and options.height:
            size = (options.width, options.height)  # the first scene keeps the given options
            self.prefs.set_scene_size(path, size)
        self._size_scene = path
        width, height = size if size is not None else (None, None)
        if (options.width, options.height) != (width, height):
            options = options.with_(width=width, height=height)
            self.settings_panel.set_options(options)
            self.session.set_options(options, rerender=False)

    def new_scene(self, path: str) -> None:
        """Create a scene from the template at ``path`` (already agreed to), open and edit it."""
        self.scene_files.new_scene(path)

    def open_in_editor(self, path: str, line: int = 0) -> None:
        """Open ``path`` at ``line`` in the user's editor."""
        self.scene_files.open_in_editor(path, line)

    def _on_export_triggered(self) -> None:
        self.export_flow.start()

    def _on_export_animation_triggered(self) -> None:
        self.animation_flow.start()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_scene(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_scene(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_scene(path)

    # -- view and settings ----------------------------------------------------------------

    def _on_zoom_in_triggered(self) -> None:
        self.viewport.zoom_by(1.25)

    def _on_zoom_out_triggered(self) -> None:
        self.viewport.zoom_by(1 / 1.25)

    def _on_rerender_triggered(self) -> None:
        # Read the file again: F5 is for filesystems that send no events, so the content
        # on disk may be newer than the last source (reload renders even when unchanged).
        self.document.reload(force=True)

    def _on_scheduler_changed(self, spec: str) -> None:
        self.prefs.set_scheduler(spec)
        self.exporter.route.scheduler = spec
        self.animation_exporter.route.scheduler = spec

    def _on_options_changed(self, options: RenderOptions) -> None:
        self.prefs.set_options(options)
        if self.document.path is not None:
            size = None if options.width is None else (options.width, options.height or 0)
            self.prefs.set_scene_size(self.document.path, size)
        self.session.set_options(options)
        self.viewport.update()

    def _on_frame_resized(self, width: int, height: int) -> None:
        self._show_scene_size()

    def _on_render_started(self, job: int) -> None:
        self._show_scene_size()

    def _on_pick_started(self, x: int, y: int) -> None:
        self.pick_panel.show_waiting(x, y)
        self.pick_dock.show()
        self.pick_dock.raise_()

    def _on_timeline_changed(self, frames: int, fps: float) -> None:
        self.export_animation_action.setEnabled(frames > 1)

    def _on_render_stopped(self) -> None:
        self.say("Render stopped: the pixels rendered so far stay; F5 renders again")

    def _show_scene_size(self) -> None:
        size = self.session.scene_size()
        if size is not None:
            self.settings_panel.set_scene_size(*size)

    def _on_stale_changed(self, stale: bool) -> None:
        if not stale:
            self.error_panel.clear()
        self._update_title()

    def _update_title(self) -> None:
        path = self.document.path
        name = os.path.basename(path) if path else "no scene"
        mark = " (error)" if self.session.stale else ""
        self.setWindowTitle(f"{name}{mark} — {APP_NAME}")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:  # now the frame (title bar, borders) is known
            self._fitted = True
            fit_window(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.prefs.set_geometry(self.saveGeometry())
        self.prefs.sync()
        super().closeEvent(event)
