"""What the app remembers between runs (QSettings): options, recent scenes, folders."""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QByteArray, QSettings

from .options import RenderOptions

ORGANIZATION = "Puray"
APPLICATION = "Puray Live"
MAX_RECENT = 10


class Prefs:
    """Typed access to a QSettings store (tests pass one backed by a temporary file)."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings(ORGANIZATION, APPLICATION)

    def _text(self, key: str) -> str:
        value = self.store.value(key, "")
        return value if isinstance(value, str) else ""

    def options(self) -> RenderOptions:
        try:
            data = json.loads(self._text("render/options") or "{}")
        except ValueError:
            data = {}
        return RenderOptions.from_dict(data) if isinstance(data, dict) else RenderOptions()

    def set_options(self, options: RenderOptions) -> None:
        self.store.setValue("render/options", json.dumps(options.to_dict()))

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

    def sync(self) -> None:
        self.store.sync()
