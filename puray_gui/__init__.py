"""Puray Live's desktop window: watch a scene file and ray-trace it live.

Non-Qt parts (frame buffer, options, file watcher, PNG writing) sit in this package beside
the Qt-facing models (``session``, ``document``, ``exporter``); every widget lives in ``qt/``.
No module here runs scene code: that happens only in the render service's worker processes.
"""

__all__: list[str] = []
