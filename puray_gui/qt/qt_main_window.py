"""The main window: places the panels' widgets and menu items; no feature of its own.

Every panel declares its widgets' places and its menu actions (qt_panel.py); the window lays
them out (the picture's column, the settings sidebar, docks, the status bar) and builds the
menus from them. It keeps only what belongs to the window itself: the title, Quit, dropped
scene files and its geometry.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

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
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QStatusBar, QVBoxLayout, QWidget

from ..document import SceneDocument
from ..prefs import Prefs
from ..resources import ICON, resource
from ..session import RenderSession
from .qt_geometry import fit_window, place_window
from .qt_panel import FILE, MENUS, Action, Key, Panel, Place, Submenu, dock

APP_NAME = "Puray Live"
_DOCK_AREAS = {
    "left": Qt.DockWidgetArea.LeftDockWidgetArea,
    "right": Qt.DockWidgetArea.RightDockWidgetArea,
    "bottom": Qt.DockWidgetArea.BottomDockWidgetArea,
}


class QtMainWindow(QMainWindow):
    """Show one scene document rendered by one session, with the panels :meth:`arrange` gets."""

    def __init__(
        self,
        session: RenderSession,
        document: SceneDocument,
        prefs: Prefs,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.document, self.prefs = session, document, prefs
        self._actions: dict[str, QAction] = {}
        self._fitted = False  # fitted to the screen once shown
        document.opened.connect(self._on_document_opened)
        session.stale_changed.connect(self._on_stale_changed)
        self.setAcceptDrops(True)
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(QIcon(str(resource(ICON))))

    def arrange(self, panels: Sequence[Panel]) -> None:
        """Place every panel's widgets, build the menus, then fit the window to its screen."""
        places = sorted((p for panel in panels for p in panel.places()), key=lambda p: p.order)
        self._place(places)
        quit_ = Action("file.quit", "&Quit", FILE, self.close, QKeySequence.StandardKey.Quit, 2)
        self._build_menus([*(a for panel in panels for a in panel.menu_actions()), quit_])
        place_window(self, self.prefs.geometry())

    def action(self, id: str) -> QAction:
        """Return the QAction built from the menu action ``id`` (e.g. "view.pick_mode")."""
        return self._actions[id]

    def open_scene(self, path: str) -> None:
        """Open the scene file ``path`` (it renders, and renders again on every save)."""
        self.document.open(path)

    def say(self, text: str, ms: int = 10000) -> None:
        """Show ``text`` in the status bar for a while."""
        self.statusBar().showMessage(text, ms)

    # -- arranging ------------------------------------------------------------------------

    def _place(self, places: list[Place]) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for place in (p for p in places if p.area == "central"):
            layout.addWidget(place.widget, place.stretch)
        self.setCentralWidget(central)
        self._add_sidebar([p.widget for p in places if p.area == "sidebar"])
        for place in places:
            widget = place.widget
            if place.area in _DOCK_AREAS:
                assert isinstance(widget, QDockWidget)
                self.addDockWidget(_DOCK_AREAS[place.area], widget)
                if place.hidden:
                    widget.hide()
            elif place.area == "status":
                assert isinstance(widget, QStatusBar)
                self.setStatusBar(widget)

    def _add_sidebar(self, sections: list[QWidget]) -> None:
        """Stack ``sections`` in the "Render settings" dock on the right."""
        sidebar = QWidget()
        column = QVBoxLayout(sidebar)
        column.setContentsMargins(0, 0, 0, 0)
        for section in sections:
            column.addWidget(section)
        column.addStretch(1)
        self.addDockWidget(
            Qt.DockWidgetArea.RightDockWidgetArea,
            dock("Render settings", "settingsDock", sidebar, fixed=True),
        )

    def _build_menus(self, items: list[Action | Submenu]) -> None:
        for title in MENUS:
            entries = sorted((i for i in items if i.menu == title), key=_menu_key)
            if not entries:
                continue
            menu = self.menuBar().addMenu(title)
            group: int | None = None
            for item in entries:
                if group is not None and item.group != group:
                    menu.addSeparator()
                group = item.group
                if isinstance(item, Submenu):
                    item.submenu.setParent(menu, item.submenu.windowFlags())
                    menu.addMenu(item.submenu)
                else:
                    self._add_action(menu, item)

    def _add_action(self, menu: QMenu, spec: Action) -> None:
        action = QAction(spec.title, self)
        if spec.shortcut is not None:
            action.setShortcuts(_key_sequences(spec.shortcut))
        action.triggered.connect(spec.callback)
        menu.addAction(action)
        action.setCheckable(spec.checkable)
        action.setEnabled(spec.enabled)
        if spec.tooltip:
            action.setToolTip(spec.tooltip)
        if spec.checked_by is not None:
            spec.checked_by.connect(action.setChecked)
        if spec.enabled_by is not None:
            spec.enabled_by.connect(action.setEnabled)
        self._actions[spec.id] = action

    # -- the window's own -----------------------------------------------------------------

    def _on_document_opened(self, path: str) -> None:
        self._update_title()

    def _on_stale_changed(self, stale: bool) -> None:
        self._update_title()

    def _update_title(self) -> None:
        path = self.document.path
        name = os.path.basename(path) if path else "no scene"
        mark = " (error)" if self.session.stale else ""
        self.setWindowTitle(f"{name}{mark} — {APP_NAME}")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_scene(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_scene(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_scene(path)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:  # now the frame (title bar, borders) is known
            self._fitted = True
            fit_window(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.prefs.set_geometry(self.saveGeometry())
        self.prefs.sync()
        super().closeEvent(event)


def _menu_key(item: Action | Submenu) -> tuple[int, int]:
    return item.group, item.order


def _key_sequences(shortcut: Key | Sequence[Key]) -> list[QKeySequence]:
    keys = [shortcut] if isinstance(shortcut, str | QKeySequence.StandardKey) else shortcut
    return [QKeySequence(k) for k in keys]


def dropped_scene(event) -> str | None:
    """Return the first local .py file a drag carries, or None."""
    for url in event.mimeData().urls():
        if url.isLocalFile() and url.toLocalFile().endswith(".py"):
            return url.toLocalFile()
    return None
