"""Build the live window from its parts (the composition root) and run the Qt application."""

from __future__ import annotations

import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from tracer.workers.service import RenderService

from ..document import SceneDocument
from ..exporter import Exporter
from ..prefs import APPLICATION, ORGANIZATION, Prefs
from ..resources import ICON, default_scene, resource
from ..session import RenderSession
from .qt_main_window import QtMainWindow


def start_service(processes: int) -> RenderService:
    """Start a worker pool of ``processes`` spawn workers."""
    return RenderService(processes=processes)


class LiveApp:
    """Own the session, document, exporter and window; ``close`` shuts them down cleanly.

    Pass ``service`` to share a running render service (tests); otherwise one is started with
    the remembered worker count and closed with the app.
    """

    def __init__(self, prefs: Prefs, service=None, options=None) -> None:
        self.prefs = prefs
        options = options or prefs.options()
        owns = service is None
        if service is None:
            service = start_service(options.worker_count)
        self.session = RenderSession(
            service,
            options,
            service_factory=start_service if owns else None,
            owns_service=owns,
        )
        self.document = SceneDocument()
        self.exporter = Exporter(self.session)
        self.window = QtMainWindow(self.session, self.document, self.exporter, prefs)
        self.window.settings_panel.workers.setEnabled(owns)

    def open(self, path: str | None = None) -> None:
        """Open ``path``, else the last scene opened, else the bundled default scene."""
        self.window.open_scene(path or self.prefs.last_scene() or str(default_scene()))

    def close(self) -> None:
        self.exporter.close()
        self.window.animation_exporter.close()
        self.document.close()
        self.session.close()
        self.prefs.sync()


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
