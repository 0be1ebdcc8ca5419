"""What a panel hands the main window: where its widgets go and its menu actions, as data.

Each panel module builds its own widgets and declares them (as CQ-editor components register
themselves, and napari declares actions as data: id, title, menu, shortcut, callback). The
window places every declared widget and turns every declared action into a QAction, so a new
panel is a new module and a line in the composition root, never a line in the main window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

FILE, EDIT, VIEW, RENDER, HELP = "&File", "&Edit", "&View", "&Render", "&Help"
#: The menu bar's menus, left to right (a menu no panel puts an item in is left out).
MENUS = (FILE, EDIT, VIEW, RENDER, HELP)

Key = str | QKeySequence.StandardKey
#: Where a widget goes: the column under the menu bar (the picture and what sits under it),
#: the settings sidebar on the right, a dock of its own on the left, the right or at the
#: bottom, or the status bar.
Area = Literal["central", "sidebar", "left", "right", "bottom", "status"]


@dataclass(frozen=True)
class Place:
    """Put ``widget`` in ``area``; ``order`` sorts the widgets of one area (top to bottom).

    A "right" or "bottom" widget is a QDockWidget (see :func:`dock`); ``hidden`` ones wait to
    be shown. ``stretch`` shares the central column's height.
    """

    widget: QWidget
    area: Area
    order: int = 0
    stretch: int = 0
    hidden: bool = False


@dataclass(frozen=True)
class Action:
    """A menu item: ``callback`` runs when it is triggered (with the check state if checkable).

    Items of one menu sort by ``group`` then ``order``; a separator falls between groups.
    ``checked_by`` / ``enabled_by``: signals of a bool that set the check or enabled state.
    """

    id: str
    title: str
    menu: str
    callback: Callable[..., object]
    shortcut: Key | Sequence[Key] | None = None
    group: int = 0
    order: int = 0
    checkable: bool = False
    enabled: bool = True
    tooltip: str = ""
    checked_by: SignalInstance | None = None
    enabled_by: SignalInstance | None = None


@dataclass(frozen=True)
class Submenu:
    """A submenu (e.g. File > Open Recent), sorted among a menu's actions like one."""

    submenu: QMenu
    menu: str
    group: int = 0
    order: int = 0


class Panel(Protocol):
    """A part of the window: it declares its widgets' places and its menu items."""

    def places(self) -> Sequence[Place]: ...

    def menu_actions(self) -> Sequence[Action | Submenu]: ...


def dock(title: str, name: str, widget: QWidget, fixed: bool = False) -> QDockWidget:
    """Return a dock showing ``widget``; a ``fixed`` one can be moved but not closed or floated.

    It joins the window (and its focus chain) when the window places it.
    """
    box = QDockWidget(title)
    box.setObjectName(name)
    box.setWidget(widget)
    if fixed:
        box.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
    return box
