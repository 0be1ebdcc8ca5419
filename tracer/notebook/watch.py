"""``tracer.watch``: a live view of a scene file in Jupyter, re-rendered when it is saved.

The view is an ipywidgets Image over a status line (the ``notebook`` extra). A thread looks at
the scene's files (the scene, the modules it imports from its folder, the data files it read)
every ``interval`` seconds; when one changed and the scene's text or data differ from the last
render's, the scene renders again on the watch's own worker processes. An error shows under
the last good picture, which stays.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import os
import threading
import time
from typing import Any

from ..errors import SceneError
from ..scene.source import SceneSource
from ..settings import PREVIEW_CACHE_MB
from .picture import Picture
from .render import render_on, scene_source, settings_for, shown_error, start_service

#: What a file looked like: (mtime in ns, size, inode, ctime in ns), or None when it is missing.
Stamp = tuple[int, int, int, int] | None


def watch(
    path: str | os.PathLike,
    width: int | None = None,
    height: int | None = None,
    *,
    interval: float | None = 0.5,
    processes: int | None = None,
    **settings,
) -> Watch:
    """Show a live view of the scene file ``path`` in Jupyter; it re-renders on every save.

    Make the returned :class:`Watch` a cell's last expression (or ``display`` it) to show it.
    ``width``, ``height`` and ``settings`` are :func:`tracer.render`'s. The view checks the
    scene's files every ``interval`` seconds (None: only when :meth:`Watch.check` is called).
    As in the window, its workers keep what their rays hit (``reshade_cache_mb``, 256 MB each
    unless given; 0 keeps nothing), so a save that changes only materials or lights is
    re-shaded, not traced: the same pixels, sooner (the status line says which).
    Its worker processes run until :meth:`Watch.stop` (or the kernel ends). Needs ipywidgets.
    """
    return Watch(path, width, height, interval=interval, processes=processes, **settings)


class Watch:
    """A live view of a scene file, made by :func:`watch`; Jupyter shows its ``widget``.

    ``picture`` is the last good render (a :class:`Picture`), ``error`` the last failure
    (None once a save renders again), ``renders`` how many renders it started; ``image`` and
    ``status`` are the widget's parts (the PNG shown, the line under it). Its worker
    processes live until :meth:`stop`.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        width: int | None = None,
        height: int | None = None,
        *,
        interval: float | None = 0.5,
        processes: int | None = None,
        **settings,
    ) -> None:
        widgets = _ipywidgets()
        given = {"reshade_cache_mb": PREVIEW_CACHE_MB, **settings}
        self.settings = settings_for(width, height, given)
        source, self._shown = scene_source(path)  # a missing file raises here
        self.path = source.path
        self.picture: Picture | None = None
        self.error: Exception | None = None
        self.renders = 0  # how many times the scene rendered (failures too)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.status = widgets.HTML()
        self.widget = widgets.VBox([self.image, self.status])
        self._lock = threading.Lock()
        self._stamps: dict[str, Stamp] = {}
        self._data: tuple[str, ...] = ()
        self._digest: str | None = None
        self._stopped = threading.Event()
        self._service = start_service(processes)
        self._thread: threading.Thread | None = None
        self.check()
        if interval:
            self._thread = threading.Thread(
                target=self._poll, args=(interval,), name="puray-watch", daemon=True
            )
            self._thread.start()

    def check(self) -> bool:
        """Render again if a file of the scene changed since the last look; tell if it did.

        A save that changes no byte of the scene renders nothing. The watch's thread calls
        this every ``interval`` seconds; call it to update at once.
        """
        with self._lock:
            if self._stopped.is_set():
                return False
            stamps = {path: _stamp(path) for path in self._stamps or [self.path]}
            if stamps == self._stamps:
                return False
            self._stamps = stamps
            try:
                source = SceneSource.from_path(self.path, data_files=self._data)
            except SceneError as exc:  # deleted, unreadable
                self._digest = None
                self._failed(shown_error(exc, self._shown))
                return True
            if source.digest == self._digest:
                return False
            self._digest = source.digest
            self._render(source)
            return True

    def stop(self) -> None:
        """Stop watching and end the watch's worker processes (the view keeps its picture)."""
        self._stopped.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        with self._lock:
            self._service.close()
        self.status.value = self.status.value + " <i>(stopped watching)</i>"

    def _render(self, source: SceneSource) -> None:
        self.status.value = f"{html.escape(self._name)}: rendering…"
        self.renders += 1
        for path in source.files:  # the modules a save added: watched from now on
            self._stamps.setdefault(path, _stamp(path))
        try:
            picture = render_on(self._service, source, self.settings, self._shown, self._stopped)
        except InterruptedError:
            return
        except Exception as exc:  # a scene's error, a dead worker: the view shows it
            self._failed(exc)
            return
        modules = {path for path, _ in source.modules.values()}
        self._data = tuple(f for f in picture.files if f != source.path and f not in modules)
        for path in picture.files:  # the data files it read: watched from now on
            self._stamps.setdefault(path, _stamp(path))
        # this version is the scene's text as rendered with the data files as they are now
        self._digest = dataclasses.replace(source, data=_read(self._data)).digest
        self.picture, self.error = picture, None
        self.image.value = picture.png()
        seconds = picture.metadata.get("Render seconds", "?")
        made = "" if picture.made == "traced" else f" ({picture.made})"
        when = time.strftime("%H:%M:%S")
        done = f"{picture.width}x{picture.height} in {seconds} s{made} at {when}"
        self.status.value = f"{html.escape(self._name)}: {done}"

    def _failed(self, error: Exception) -> None:
        self.error = error
        text = error.details() if isinstance(error, SceneError) else str(error)
        kept = " (the picture above is the last good one)" if self.picture is not None else ""
        self.status.value = (
            f'<pre style="color:#b00020;white-space:pre-wrap">{html.escape(text)}</pre>{kept}'
        )

    def _poll(self, interval: float) -> None:
        while not self._stopped.wait(interval):
            try:
                self.check()
            except Exception as exc:  # keep watching: the next save may fix it
                self._failed(exc)

    @property
    def _name(self) -> str:
        return os.path.basename(self.path)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """Show the live view in Jupyter (and this object's repr where widgets cannot show)."""
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        return {**bundle, "text/plain": repr(self)}

    def __repr__(self) -> str:
        state = "stopped" if self._stopped.is_set() else "watching"
        return f"<Watch of {self._name}: {state}, {self.renders} renders>"


def _stamp(path: str) -> Stamp:
    """Return what a file looks like now (None when it is missing)."""
    with contextlib.suppress(OSError):
        st = os.stat(path)
        return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)
    return None


def _read(paths: tuple[str, ...]) -> dict[str, bytes]:
    """Return the bytes of the files that can be read (as SceneSource.from_path reads them)."""
    data = {}
    for path in paths:
        with contextlib.suppress(OSError), open(path, "rb") as f:
            data[path] = f.read()
    return data


def _ipywidgets() -> Any:
    try:
        import ipywidgets
    except ImportError:
        raise ImportError(
            "tracer.watch needs ipywidgets: pip install 'puray-live[notebook]'"
        ) from None
    return ipywidgets
