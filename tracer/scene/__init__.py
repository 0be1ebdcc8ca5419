"""Scene files: loading one (in a worker), what it must define, its text as it travels.

``source`` (the files as they travel), ``load`` (running the code under a deadline, seeded,
with Puray's module names), ``build`` (checking what it defines), ``frames`` (FRAME and T),
``deadline``, ``seeding``, ``puray_modules``.
"""

from .load import Scene, SceneSource, load_scene

__all__ = ["Scene", "SceneSource", "load_scene"]
