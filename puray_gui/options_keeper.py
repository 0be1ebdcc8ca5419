"""The render options the user sets: applied to the preview and remembered, sizes per scene."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from .document import SceneDocument
from .options import RenderOptions
from .prefs import Prefs
from .service_link import ServiceLink
from .session import RenderSession


class OptionsKeeper(QObject):
    """Apply new options to the session (and the worker count to the link) and remember them.

    A resolution chosen for a scene stays with that scene: another scene opens at its own size
    unless one was chosen for it too. The first scene opened keeps the options it was given.
    """

    options_set = Signal(object)  # RenderOptions changed here (another scene's size)
    scene_size_known = Signal(int, int)  # the open scene's own WIDTH x HEIGHT
    scene_settings_known = Signal(dict)  # the open scene's SETTINGS {RenderSettings field: value}

    def __init__(
        self,
        prefs: Prefs,
        session: RenderSession,
        link: ServiceLink,
        document: SceneDocument,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.prefs, self.session, self.link, self.document = prefs, session, link, document
        self._size_scene: str | None = None  # the scene whose resolution the options hold
        document.opened.connect(self._on_document_opened)
        session.frame_resized.connect(self._on_frame_resized)
        session.render_started.connect(self._on_render_started)
        session.scene_loaded.connect(self._on_scene_loaded)

    @property
    def options(self) -> RenderOptions:
        return self.session.options

    def apply(self, options: RenderOptions) -> None:
        """Render with ``options`` from now on and remember them (the size for this scene)."""
        self.prefs.set_options(options)
        if self.document.path is not None:
            size = None if options.width is None else (options.width, options.height or 0)
            self.prefs.set_scene_size(self.document.path, size)
        self.link.use_processes(options.worker_count)
        self.session.set_options(options)

    def _on_document_opened(self, path: str) -> None:
        """Apply the resolution chosen for this scene; another scene's override stays there.

        The sidebar's overrides of the last scene's SETTINGS end: the new scene's apply.
        """
        options, size = self.session.options, self.prefs.scene_size(path)
        if options.overridden:
            options = options.with_(overridden=frozenset())
            self.options_set.emit(options)
            self.session.set_options(options, rerender=False)
        if size is None and self._size_scene is None and options.width and options.height:
            size = (options.width, options.height)  # the first scene keeps the given options
            self.prefs.set_scene_size(path, size)
        self._size_scene = path
        width, height = size if size is not None else (None, None)
        if (options.width, options.height) != (width, height):
            options = options.with_(width=width, height=height)
            self.options_set.emit(options)
            self.session.set_options(options, rerender=False)

    def _on_scene_loaded(self, event) -> None:
        self.scene_settings_known.emit(dict(event.settings))

    def _on_frame_resized(self, width: int, height: int) -> None:
        self._show_scene_size()

    def _on_render_started(self, job: int) -> None:
        self._show_scene_size()

    def _show_scene_size(self) -> None:
        size = self.session.scene_size()
        if size is not None:
            self.scene_size_known.emit(*size)
