"""The camera the preview renders through: the scene's own, or a view moved by hand (Qt-free).

Camera mode (puray_gui/qt/qt_camera_mode.py) sets the override; the session renders through
it (it is the session's ``lens``), and so does an export of the picture on show.
"""

from __future__ import annotations

from tracer.settings import RenderSettings

from .session import RenderSession


class CameraOverride:
    """Hold camera mode's override and the scene's own camera as the preview's loads report it.

    A view is ``((x, y, z), (x, y, z), fov)``: position, point looked at, field of view
    (tracer/camera/view.py); the scene's camera is ``(class name, view)``.
    """

    def __init__(self, session: RenderSession) -> None:
        self.session = session
        self.view: tuple | None = None  # the override; None renders the scene's own camera
        self.scene: tuple | None = None  # the scene's camera, from the last load that said
        session.lens = self.apply
        session.scene_loaded.connect(self._on_scene_loaded)

    @property
    def overridden(self) -> bool:
        return self.view is not None

    def shown(self) -> tuple | None:
        """Return the camera shown: the override, else the scene's (as a view), else None."""
        if self.view is not None:
            return self.view
        return self.scene[1] if self.scene is not None else None

    def apply(self, settings: RenderSettings) -> RenderSettings:
        """Return ``settings`` looking through the override (unchanged without one)."""
        return settings if self.view is None else settings.with_(camera=self.view)

    def set(self, view: tuple | None, fast: bool = False, render: bool = True) -> None:
        """Use ``view`` (None: the scene's camera); render it (``fast``: a quick small preview)."""
        self.view = view
        if render:
            self.session.rerender(fast=fast)

    def _on_scene_loaded(self, event) -> None:
        if event.camera is not None:
            self.scene = event.camera
