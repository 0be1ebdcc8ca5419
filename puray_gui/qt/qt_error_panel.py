"""The error panel: what went wrong, at which file:line, and the scene's own traceback."""

from __future__ import annotations

import html
import os
import re
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from tracer.errors import SceneError

from ..document import SceneMissing
from ..session import RenderSession
from .qt_panel import Action, Place

_STYLE = """
QFrame#errorPanel {{ background: {bg}; border-top: 3px solid {accent}; }}
QFrame#errorPanel QLabel {{ color: #f4f4f4; font-size: 10pt; }}
QFrame#errorPanel QListWidget {{
    background: #1e1f24; color: #e8e8e8; border: 1px solid #55565c;
    font-family: monospace; font-size: 9pt;
}}
QFrame#errorPanel QListWidget::item {{ padding: 2px 4px; }}
QFrame#errorPanel QListWidget::item:hover {{ background: #34363e; }}
"""
_ERROR_STYLE = _STYLE.format(bg="#4a2323", accent="#e0524d")
_WAIT_STYLE = _STYLE.format(bg="#453d1c", accent="#e0b040")
_LINK_COLOUR = "#ffc2c2"
_FILE_ROLE = Qt.ItemDataRole.UserRole
_LINE_ROLE = Qt.ItemDataRole.UserRole + 1
_LONG_WORD = re.compile(r"\S{30,}")
_BREAK_EVERY = 20
_ZWSP = "\u200b"  # a zero-width space: a place where Qt may wrap a line


def breakable(text: str) -> str:
    """Return ``text`` with wrap points inside long unbroken words (paths, hashes, junk)."""

    def split(match: re.Match) -> str:
        word = match.group(0)
        return _ZWSP.join(word[i : i + _BREAK_EVERY] for i in range(0, len(word), _BREAK_EVERY))

    return _LONG_WORD.sub(split, text)


#: Longest message and traceback line shown; the rest is in the tooltip (and ``text``).
MESSAGE_CHARS, FRAME_CHARS = 600, 200


def shorten(text: str, limit: int) -> str:
    """Return ``text`` cut to ``limit`` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def _escape(text: str) -> str:
    return html.escape(breakable(text))


class QtErrorPanel(QFrame):
    """Show why the session's render failed until it renders again; clicking the error's
    location or a frame asks to open the editor there."""

    location_activated = Signal(str, int)  # file, line (0: unknown)

    def __init__(self, session: RenderSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorPanel")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Maximum)
        self.error: Exception | None = None
        self._plain = ""
        self._last_request: tuple[str, int, float] = ("", 0, 0.0)
        self.title = QLabel()
        self.title.setWordWrap(True)
        # The panel takes the width the window gives it: a long message wraps, never widens.
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title.setMinimumWidth(1)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.title.linkActivated.connect(self._on_title_link_activated)
        self.frames = QListWidget()
        self.frames.setCursor(Qt.CursorShape.PointingHandCursor)
        self.frames.setToolTip("Click a line to open it in the editor")
        self.frames.setTextElideMode(Qt.TextElideMode.ElideRight)
        # no horizontal scroll bar: it would cover the last line (the list fits its lines)
        self.frames.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frames.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        # A double-click is a click and an activation (a single click may be both): each opens
        # the editor once; repeats of the same request within a double-click are dropped.
        self.frames.itemActivated.connect(self._on_frame_activated)
        self.frames.itemClicked.connect(self._on_frame_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.frames)
        self.hide()
        session.render_failed.connect(self.show_error)
        session.stale_changed.connect(self._on_stale_changed)

    def places(self) -> list[Place]:
        return [Place(self, "central", order=3)]  # under the picture and the timeline

    def menu_actions(self) -> list[Action]:
        return []

    @property
    def text(self) -> str:
        """Return the plain text shown (title and frames), for tests and accessibility."""
        lines = [self._plain]
        lines += [self.frames.item(i).text() for i in range(self.frames.count())]
        return "\n".join(lines)

    def show_error(self, error: Exception) -> None:
        """Show ``error``: a SceneError with its location and frames, or any other message."""
        self.error = error
        self._plain = str(error)
        self.frames.clear()
        if isinstance(error, SceneMissing):
            self.setStyleSheet(_WAIT_STYLE)
            name = _escape(os.path.basename(error.filename or ""))
            self._plain = f"Waiting for {error.filename}"
            self.title.setText(
                f"<b>Waiting for {name}</b>: the scene file was deleted or renamed. "
                "It renders again as soon as it is back."
            )
        elif isinstance(error, SceneError):
            self.setStyleSheet(_ERROR_STYLE)
            self.title.setText(self._scene_error_html(error))
            for frame in error.frames:
                self._add_frame(frame.filename, frame.lineno, frame.name, frame.line)
        else:
            self.setStyleSheet(_ERROR_STYLE)
            message = _escape(shorten(str(error), MESSAGE_CHARS))
            self.title.setText(f"<b>Render failed</b>: {message}")
        long = len(self._plain) > MESSAGE_CHARS
        self.title.setToolTip(breakable(shorten(self._plain, 4000)) if long else "")
        self._fit_frames()
        self.show()

    def _fit_frames(self) -> None:
        """Make the traceback list just tall enough for its lines (up to six)."""
        count = self.frames.count()
        self.frames.setVisible(count > 0)
        if count:
            rows = sum(self.frames.sizeHintForRow(i) for i in range(min(count, 6)))
            self.frames.setFixedHeight(rows + 2 * self.frames.frameWidth() + 4)

    def clear(self) -> None:
        self.error = None
        self.hide()

    def _on_stale_changed(self, stale: bool) -> None:
        if not stale:  # rendered again: the error is over
            self.clear()

    def _scene_error_html(self, error: SceneError) -> str:
        message = _escape(shorten(error.message, MESSAGE_CHARS))
        if not error.filename:
            return f"<b>Scene error</b>: {message}"
        where = os.path.basename(error.filename)
        if error.lineno:
            where += f":{error.lineno}"
        href = f"{error.filename}#{error.lineno or 0}"
        style = f"color:{_LINK_COLOUR}"
        link = f'<a href="{html.escape(href)}" style="{style}">{_escape(where)}</a>'
        return f"<b>{link}</b>: {message}"

    def _add_frame(self, filename: str, lineno: int, name: str, line: str) -> None:
        text = f"{os.path.basename(filename)}:{lineno}  in {name}"
        if line:
            text += f":   {line}"
        item = QListWidgetItem(shorten(text, FRAME_CHARS))
        tip = shorten(line, 2 * FRAME_CHARS) + "\n" if len(text) > FRAME_CHARS else ""
        item.setToolTip(f"{tip}{filename}:{lineno}: click to open in the editor")
        item.setData(_FILE_ROLE, filename)
        item.setData(_LINE_ROLE, lineno)
        self.frames.addItem(item)

    def _on_title_link_activated(self, href: str) -> None:
        filename, _, line = href.rpartition("#")
        self.location_activated.emit(filename, int(line or 0))

    def _on_frame_activated(self, item: QListWidgetItem) -> None:
        """Ask for the editor once per user request (not per signal of one double-click)."""
        filename, line = item.data(_FILE_ROLE), int(item.data(_LINE_ROLE) or 0)
        now = time.monotonic()
        window = 2 * QApplication.doubleClickInterval() / 1000
        last_file, last_line, last_time = self._last_request
        if (filename, line) == (last_file, last_line) and now - last_time < window:
            return
        self._last_request = (filename, line, now)
        self.location_activated.emit(filename, line)
