"""What the app remembers between runs (QSettings): options, recent scenes, folders, docks."""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QByteArray, QSettings

from .options import RenderOptions

ORGANIZATION = "Puray"
APPLICATION = "Puray Live"
MAX_RECENT = 10
MAX_SCENE_SIZES = 200
#: The dock areas a remembered dock may be in.
DOCK_AREAS = ("left", "right", "top", "bottom")


class Prefs:
    """Typed access to a QSettings store (tests pass one backed by a temporary file)."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings(ORGANIZATION, APPLICATION)

    def _text(self, key: str) -> str:
        value = self.store.value(key, "")
        return value if isinstance(value, str) else ""

    def options(self) -> RenderOptions:
        """Return the remembered options; the resolution is per scene (``scene_size``)."""
        try:
            data = json.loads(self._text("render/options") or "{}")
        except ValueError:
            data = {}
        options = RenderOptions.from_dict(data) if isinstance(data, dict) else RenderOptions()
        return options.with_(width=None, height=None)

    def set_options(self, options: RenderOptions) -> None:
        """Remember ``options`` for every scene, except the resolution (see ``set_scene_size``)."""
        shared = options.with_(width=None, height=None)
        self.store.setValue("render/options", json.dumps(shared.to_dict()))

    def _scene_sizes(self) -> dict:
        try:
            sizes = json.loads(self._text("render/scene_sizes") or "{}")
        except ValueError:
            return {}
        return sizes if isinstance(sizes, dict) else {}

    def scene_size(self, path: str) -> tuple[int, int] | None:
        """Return the resolution override chosen for the scene at ``path`` (None: its own)."""
        size = self._scene_sizes().get(os.path.abspath(path))
        if not isinstance(size, list) or len(size) != 2:
            return None
        width, height = size
        ok = isinstance(width, int) and isinstance(height, int) and min(width, height) > 0
        return (width, height) if ok else None

    def set_scene_size(self, path: str, size: tuple[int, int] | None) -> None:
        """Remember a resolution override for one scene (None: render at the scene's own)."""
        sizes = self._scene_sizes()
        sizes.pop(os.path.abspath(path), None)
        if size is not None:
            sizes[os.path.abspath(path)] = list(size)
        while len(sizes) > MAX_SCENE_SIZES:  # forget the oldest overrides
            sizes.pop(next(iter(sizes)))
        self.store.setValue("render/scene_sizes", json.dumps(sizes))

    def scheduler(self) -> str:
        """Return the Dask scheduler exports render on ('' : the local workers)."""
        return self._text("export/scheduler").strip()

    def set_scheduler(self, spec: str) -> None:
        self.store.setValue("export/scheduler", spec.strip())

    def recent_scenes(self) -> list[str]:
        try:
            paths = json.loads(self._text("files/recent") or "[]")
        except ValueError:
            return []
        return [p for p in paths if isinstance(p, str)][:MAX_RECENT]

    def add_recent_scene(self, path: str) -> None:
        path = os.path.abspath(path)
        paths = [path, *(p for p in self.recent_scenes() if p != path)][:MAX_RECENT]
        self.store.setValue("files/recent", json.dumps(paths))
        self.store.setValue("files/last_scene", path)

    def remove_recent_scene(self, path: str) -> None:
        paths = [p for p in self.recent_scenes() if p != path]
        self.store.setValue("files/recent", json.dumps(paths))

    def clear_recent_scenes(self) -> None:
        self.store.setValue("files/recent", "[]")

    def last_scene(self) -> str | None:
        path = self._text("files/last_scene")
        return path if path and os.path.isfile(path) else None

    def folder(self, kind: str) -> str:
        """Return the last folder used to ``kind`` ('open', 'export', 'new')."""
        path = self._text(f"folders/{kind}")
        return path if path and os.path.isdir(path) else os.path.expanduser("~")

    def set_folder(self, kind: str, path: str) -> None:
        self.store.setValue(f"folders/{kind}", os.path.dirname(os.path.abspath(path)))

    def geometry(self) -> QByteArray | None:
        value = self.store.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, geometry: QByteArray) -> None:
        self.store.setValue("window/geometry", geometry)

    def dock_place(self, name: str) -> dict:
        """Return where the dock ``name`` was last: area, floating, size, floating position."""
        try:
            place = json.loads(self._text(f"docks/{name}") or "{}")
        except ValueError:
            return {}
        if not isinstance(place, dict):
            return {}
        area = place.get("area")
        sizes = [place.get(k, 0) for k in ("width", "height", "x", "y")]
        if area not in DOCK_AREAS or not all(type(v) is int for v in sizes):
            return {}
        return {**place, "floating": place.get("floating") is True}

    def set_dock_place(self, name: str, place: dict) -> None:
        """Remember where the dock ``name`` is (see :meth:`dock_place`)."""
        self.store.setValue(f"docks/{name}", json.dumps(place))

    def sync(self) -> None:
        self.store.sync()
