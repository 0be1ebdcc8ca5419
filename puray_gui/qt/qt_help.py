"""The Help menu: the scene API reference, the keyboard shortcuts, the examples, About.

Help > Scene API opens the built documentation site's reference page in the browser when a
site is found (reference.py says where it looks; the user's cache is one place:
``mkdocs build -d <cache>/site``), else the reference read from tracer's docstrings, in the
window. Nothing here runs scene code: tracer is imported, its scenes are not.
"""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

import numpy
import PySide6
from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl, Signal, qVersion
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMessageBox

from tracer._version import __version__

from ..document import SceneDocument
from ..prefs import Prefs
from ..reference import built_site
from .qt_examples_menu import QtExamplesMenu
from .qt_main_window import QtMainWindow
from .qt_panel import HELP, Action, Place, Submenu
from .qt_reference_dialog import QtReferenceDialog
from .qt_shortcuts_dialog import QtShortcutsDialog

DISTRIBUTION = "puray-live"
#: The license of pyproject.toml, for a checkout that is not installed (a test keeps them alike).
LICENSE = "MIT"


def open_url(url: QUrl) -> bool:
    """Open ``url`` with the desktop's browser; False when nothing could open it."""
    return QDesktopServices.openUrl(url)


def cache_site() -> Path:
    """Return where a documentation site built into the user's cache is looked for."""
    cache = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(cache) / "site"


class QtHelp(QObject):
    """The Help menu's items; each dialog is made once and shown again when asked for."""

    said = Signal(str, int)  # a status-bar message and how long it shows (ms)

    def __init__(self, document: SceneDocument, prefs: Prefs, window: QtMainWindow) -> None:
        super().__init__(window)
        self.document, self.window = document, window
        self.said.connect(window.say)
        self.examples_menu = QtExamplesMenu(prefs, window)
        self.examples_menu.example_copied.connect(window.open_scene)
        self.examples_menu.said.connect(self.said)
        self.reference: QtReferenceDialog | None = None
        self.shortcuts: QtShortcutsDialog | None = None
        self.about: QMessageBox | None = None

    def places(self) -> list[Place]:
        return []

    def menu_actions(self) -> list[Action | Submenu]:
        api = QKeySequence.StandardKey.HelpContents
        return [
            Action("help.scene_api", "Scene &API", HELP, self.show_scene_api, api, order=1),
            Action(
                "help.scene_api_window",
                "Scene API in the &Window",
                HELP,
                self.show_reference,
                "Shift+F1",
                order=2,
            ),
            Action("help.shortcuts", "&Keyboard Shortcuts", HELP, self.show_shortcuts, order=3),
            Submenu(self.examples_menu, HELP, order=4),
            Action("help.about", "&About Puray Live", HELP, self.show_about, group=1),
        ]

    def show_scene_api(self) -> None:
        """Open the built site's reference in the browser, else show it in the window."""
        page = built_site([cache_site()])
        if page is not None and open_url(QUrl.fromLocalFile(str(page))):
            self.said.emit(f"Opening {page} in the browser (Shift+F1: in the window)", 15000)
        else:
            self.show_reference()

    def show_reference(self) -> None:
        """Show the reference read from tracer's docstrings in a window of its own."""
        if self.reference is None:
            self.reference = QtReferenceDialog(self.window)
        _raise(self.reference)

    def show_shortcuts(self) -> None:
        """Show every menu item with its keys (read from the menus as they are now)."""
        if self.shortcuts is None:
            self.shortcuts = QtShortcutsDialog(self.window.menuBar(), self.window)
        else:
            self.shortcuts.refresh()
        self.shortcuts.filter.clear()
        _raise(self.shortcuts)
        self.shortcuts.filter.setFocus()

    def show_about(self) -> None:
        """Show the version, the versions of what it runs on, the license and the docs."""
        if self.about is None:
            self.about = QMessageBox(
                QMessageBox.Icon.NoIcon, "About Puray Live", "", parent=self.window
            )
            self.about.setObjectName("aboutBox")
            self.about.setTextFormat(Qt.TextFormat.RichText)
            self.about.setIconPixmap(self.window.windowIcon().pixmap(64, 64))
        self.about.setText(about_html())
        self.about.open()


def _raise(dialog) -> None:
    """Show ``dialog``, or bring it to the front if it is open already."""
    if dialog.isVisible():
        dialog.raise_()
    dialog.show()
    dialog.activateWindow()


def about_html() -> str:
    """Return About's text: versions, license and where the documentation is."""
    site = built_site([cache_site()])
    docs = (
        f'<a href="{QUrl.fromLocalFile(str(site.parent / "index.html")).toString()}">'
        "the documentation site</a> (on this computer)"
        if site is not None
        else "Help &gt; Scene API, and the documentation site (<code>mkdocs build</code>)"
    )
    links = "".join(f'<br><a href="{url}">{name}</a>' for name, url in _project_urls())
    return (
        f"<h3>Puray Live {__version__}</h3>"
        "<p>Write 3D scenes as Python code and watch them ray-trace live.</p>"
        f"<p>Python {platform.python_version()}<br>Qt {qVersion()} "
        f"(PySide6 {PySide6.__version__})<br>numpy {numpy.__version__}</p>"
        f"<p>License: {_license()}</p>"
        f"<p>Documentation: {docs}{links}</p>"
    )


def _license() -> str:
    try:
        meta = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return LICENSE
    found = [*(meta.get_all("License-Expression") or ()), *(meta.get_all("License") or ())]
    return found[0] if found else LICENSE


def _project_urls() -> list[tuple[str, str]]:
    """Return the (name, URL) pairs the installed package declares (none in a bare checkout)."""
    try:
        entries = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return []
    return [tuple(part.strip() for part in e.split(",", 1)) for e in entries if "," in e]  # type: ignore[misc]
