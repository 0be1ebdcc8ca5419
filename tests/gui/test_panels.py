"""Panels declare their widgets and menu items; the window places them without knowing them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QMenu

from puray_gui.document import SceneDocument
from puray_gui.qt.qt_main_window import QtMainWindow
from puray_gui.qt.qt_panel import FILE, VIEW, Action, Place, Submenu, dock
from puray_gui.service_link import ServiceLink
from puray_gui.session import RenderSession

from .fakes import FakeService


class Tool(QObject):
    """A panel the window has never heard of: a dock, a sidebar section, three menu items."""

    switched = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self.calls: list = []
        self.dock = dock("Tool", "toolDock", QLabel("tool"))
        self.section = QLabel("section")
        self.more = QMenu("&More")

    def places(self) -> list[Place]:
        return [Place(self.section, "sidebar"), Place(self.dock, "bottom", hidden=True)]

    def record(self, on: bool) -> None:
        self.calls.append(on)

    def menu_actions(self) -> list[Action | Submenu]:
        return [
            Action("view.late", "&Late", VIEW, self.record, "Ctrl+9", group=2, order=1),
            Action(
                "view.switch",
                "&Switch",
                VIEW,
                self.record,
                "S",
                1,
                1,
                checkable=True,
                checked_by=self.switched,
            ),
            Submenu(self.more, FILE, order=1),
        ]


@pytest.fixture
def window(qtbot, prefs):
    session = RenderSession(ServiceLink(FakeService()))
    document = SceneDocument()
    window = QtMainWindow(session, document, prefs)
    qtbot.addWidget(window)
    yield window
    document.close()


def test_a_panel_s_widgets_and_menu_items_are_placed_from_its_declarations(window):
    tool = Tool()
    window.arrange([tool])
    assert window.dockWidgetArea(tool.dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert not tool.dock.isVisible()
    assert tool.section.window() is window  # in the settings sidebar
    file, view = (a.menu() for a in window.menuBar().actions()[:2])
    assert [a.text() for a in file.actions()] == ["&More", "", "&Quit"]
    assert [a.text() or "----" for a in view.actions()] == ["&Switch", "----", "&Late"]
    switch = window.action("view.switch")
    assert [k.toString() for k in switch.shortcuts()] == ["S"]
    switch.trigger()
    assert tool.calls == [True]  # a checkable item's callback gets the check state
    tool.switched.emit(False)
    assert not switch.isChecked()
