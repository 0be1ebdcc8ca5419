"""The composition root's models: start the render services, build every model on them, close.

This is the one place that owns the local render service and the Dask link: it starts them,
hands each model what it needs and closes everything in order. No widgets here:
:class:`puray_gui.qt.qt_app.LiveApp` adds the window and its panels on top.
"""

from __future__ import annotations

from tracer.workers.service import RenderService

from .animation_export import AnimationExporter
from .camera_override import CameraOverride
from .cluster_link import ClusterLink
from .document import SceneDocument
from .exporter import Exporter
from .history import RenderHistory
from .options import RenderOptions
from .options_keeper import OptionsKeeper
from .picker import Picker
from .prefs import Prefs
from .refinement import Refinement
from .service_link import ServiceLink
from .session import RenderSession
from .timeline import Timeline


def start_service(processes: int) -> RenderService:
    """Start a worker pool of ``processes`` spawn workers."""
    return RenderService(processes=processes)


class LiveModels:
    """Own the render services and the models of one live window, without the window.

    Pass ``service`` to share a running render service (tests); otherwise one is started with
    the remembered worker count, replaced when the count changes and closed with the models.
    """

    def __init__(self, prefs: Prefs, service=None, options: RenderOptions | None = None) -> None:
        self.prefs = prefs
        options = options or prefs.options()
        owns = service is None
        if service is None:
            service = start_service(options.worker_count)
        start = start_service if owns else None
        self.link = ServiceLink(service, start=start, owns_service=owns)
        self.session = RenderSession(self.link, options)
        self.camera = CameraOverride(self.session)
        self.refinement = Refinement(self.session)
        self.document = SceneDocument()
        self.keeper = OptionsKeeper(prefs, self.session, self.link, self.document)
        self.cluster = ClusterLink()
        self.exporter = Exporter(self.session, cluster=self.cluster, refinement=self.refinement)
        self.animation_exporter = AnimationExporter(self.session, cluster=self.cluster)
        self.use_scheduler(prefs.scheduler(), remember=False)
        self.timeline = Timeline(self.session)
        self.picker = Picker(self.session, self.link)
        self.history = RenderHistory()
        self.document.source_changed.connect(self.session.render)
        self.document.read_failed.connect(self.session.fail)
        self.document.opened.connect(self.picker.forget)
        self.session.scene_loaded.connect(self._on_scene_loaded)

    def use_scheduler(self, spec: str, remember: bool = True) -> None:
        """Render exports on the Dask scheduler ``spec`` ("": on the local workers)."""
        if remember:
            self.prefs.set_scheduler(spec)
        self.exporter.route.scheduler = spec
        self.animation_exporter.route.scheduler = spec

    def close(self) -> None:
        """Stop every job, close the services this app started, save the preferences."""
        self.refinement.cancel()
        self.exporter.close()
        self.animation_exporter.close()
        self.document.close()
        self.session.close()
        self.link.close()
        self.cluster.close()
        self.prefs.sync()

    def _on_scene_loaded(self, event) -> None:
        if event.files:  # data files (OBJ models, images) the scene read: part of it
            self.document.set_data_files(tuple(event.files))
