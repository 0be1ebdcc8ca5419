"""The live picture as a panel: the viewport, the status bar, zoom in View and Render's items."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence

from ..document import SceneDocument
from ..refinement import Refinement
from ..session import RenderSession
from .qt_panel import RENDER, VIEW, Action, Place
from .qt_status_bar import QtStatusBar
from .qt_viewport import QtViewport

ZOOM_STEP = 1.25


class QtPreview(QObject):
    """Show the session's frame in a viewport and say in the status bar what it is doing."""

    def __init__(
        self,
        session: RenderSession,
        document: SceneDocument,
        parent: QObject | None = None,
        refinement: Refinement | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.document, self.refinement = session, document, refinement
        self.viewport = QtViewport(session)
        self.status = QtStatusBar(session, refinement=refinement)
        self.viewport.pixel_hovered.connect(self.status.show_pixel)
        self.viewport.zoom_changed.connect(self.status.show_zoom)
        self.viewport.object_hovered.connect(self.status.show_object)
        document.opened.connect(self.status.show_scene)
        document.opened.connect(self._on_document_opened)
        session.render_stopped.connect(self._on_render_stopped)

    def places(self) -> list[Place]:
        return [Place(self.viewport, "central", order=0, stretch=1), Place(self.status, "status")]

    def menu_actions(self) -> list[Action]:
        std, viewport = QKeySequence.StandardKey, self.viewport
        return [
            Action("view.fit", "&Fit to Window", VIEW, viewport.fit_to_window, "Ctrl+0", order=1),
            Action(
                "view.actual_size",
                "&Actual Size (1:1)",
                VIEW,
                viewport.actual_size,
                "Ctrl+1",
                order=2,
            ),
            Action(
                "view.zoom_in",
                "Zoom &In",
                VIEW,
                self._on_zoom_in_triggered,
                [std.ZoomIn, "Ctrl+="],
                order=3,
            ),
            Action(
                "view.zoom_out",
                "Zoom &Out",
                VIEW,
                self._on_zoom_out_triggered,
                std.ZoomOut,
                order=4,
            ),
            Action(
                "render.rerender",
                "&Re-render",
                RENDER,
                self._on_rerender_triggered,
                ["F5", "Ctrl+R"],
                order=1,
            ),
            Action("render.stop", "&Stop", RENDER, self._on_stop_triggered, "Esc", order=2),
        ]

    def _on_zoom_in_triggered(self) -> None:
        self.viewport.zoom_by(ZOOM_STEP)

    def _on_zoom_out_triggered(self) -> None:
        self.viewport.zoom_by(1 / ZOOM_STEP)

    def _on_rerender_triggered(self) -> None:
        # Read the file again: F5 is for filesystems that send no events, so the content
        # on disk may be newer than the last source (reload renders even when unchanged).
        self.document.reload(force=True)

    def _on_document_opened(self, path: str) -> None:
        self.viewport.forget_objects()  # no outline of the last scene's objects

    def _on_stop_triggered(self) -> None:
        if self.refinement is not None and self.refinement.running:
            self.refinement.stop()
            self.status.showMessage("Refinement stopped: F5 renders and refines again", 10000)
        self.session.stop()

    def _on_render_stopped(self) -> None:
        self.status.showMessage(
            "Render stopped: the pixels rendered so far stay; F5 renders again", 10000
        )
