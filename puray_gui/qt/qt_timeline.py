"""The timeline under the viewport: play/pause, steps, a frame slider and which frames are ready.

It shows only while the open scene has FRAMES > 1. Keys while the viewport has focus: Space
plays or pauses, Left/Right and , / . step one frame, Home/End go to the first/last frame.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..timeline import Timeline
from .qt_keys import Shortcut
from .qt_panel import Action, Place

CACHED = QColor(80, 160, 255)
RENDERING = QColor(80, 160, 255, 90)
TRACK = QColor(0, 0, 0, 40)

#: The timeline's keys while the picture has the focus (animated scenes): keys, what they
#: do, the handler's name. Help > Keyboard Shortcuts lists them from here.
STEP_KEYS = (
    (("Space",), "Play or pause the animation", "_on_play_key"),
    (("Left", ","), "Previous frame", "_on_back_clicked"),
    (("Right", "."), "Next frame", "_on_next_clicked"),
    (("Home",), "First frame", "_on_first_clicked"),
    (("End",), "Last frame", "_on_last_clicked"),
)
KEYS = tuple(
    Shortcut("In the picture: animation", title, ", ".join(keys)) for keys, title, _ in STEP_KEYS
)


class QtCacheStrip(QWidget):
    """A thin bar under the slider: frames cached (solid) and rendering ahead (pale).

    Each frame's mark sits under the slider handle's centre at that frame.
    """

    def __init__(self, timeline: Timeline, slider: QSlider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline, self.slider = timeline, slider
        self.setFixedHeight(4)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        timeline.cached_changed.connect(self.update)
        timeline.frame_changed.connect(self.update)

    def _span(self) -> tuple[float, float]:
        """Return the x of frame 0's handle centre and the distance from one frame to the next."""
        option = QStyleOptionSlider()
        self.slider.initStyleOption(option)
        style, control = self.slider.style(), QStyle.ComplexControl.CC_Slider
        groove = style.subControlRect(
            control, option, QStyle.SubControl.SC_SliderGroove, self.slider
        )
        handle = style.subControlRect(
            control, option, QStyle.SubControl.SC_SliderHandle, self.slider
        )
        left = self.slider.x() - self.x() + groove.x() + handle.width() / 2
        span = max(1, groove.width() - handle.width())
        return left, span / max(1, self.timeline.frames - 1)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        count = max(1, self.timeline.frames)
        left, step = self._span()
        painter.fillRect(QRectF(left - step / 2, 0, step * count, self.height()), TRACK)
        for number in self.timeline.rendering_ahead:
            painter.fillRect(
                QRectF(left + (number - 0.5) * step, 0, step, self.height()), RENDERING
            )
        for number in self.timeline.cache.frames:
            if number < count:
                box = QRectF(left + (number - 0.5) * step, 0, step, self.height())
                painter.fillRect(box, CACHED)
        painter.end()


class QtTimeline(QWidget):
    """Show and move the play head of a :class:`Timeline`; hidden for stills."""

    def __init__(
        self, timeline: Timeline, keys_on: QWidget | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.timeline = timeline
        icon = QStyle.StandardPixmap
        self.play_button = self._button("Play (Space)", self._on_play_clicked, icon.SP_MediaPlay)
        self.first_button = self._button(
            "First frame (Home)", self._on_first_clicked, icon.SP_MediaSkipBackward
        )
        self.back_button = self._button(
            "Previous frame (Left or ,)", self._on_back_clicked, icon.SP_MediaSeekBackward
        )
        self.next_button = self._button(
            "Next frame (Right or .)", self._on_next_clicked, icon.SP_MediaSeekForward
        )
        self.last_button = self._button(
            "Last frame (End)", self._on_last_clicked, icon.SP_MediaSkipForward
        )
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.label = QLabel()
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("frame 8888 / 8888"))
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.strip = QtCacheStrip(timeline, self.slider)
        self._arrange()
        self._show_playing(False)
        timeline.changed.connect(self._on_timeline_changed)
        timeline.frame_changed.connect(self._on_frame_changed)
        timeline.playing_changed.connect(self._show_playing)
        self._shortcuts = self._add_keys(keys_on) if keys_on is not None else []
        self._on_timeline_changed(timeline.frames, timeline.fps)

    def places(self) -> list[Place]:
        return [Place(self, "central", order=2)]  # under the picture

    def menu_actions(self) -> list[Action]:
        return []

    def _button(self, tip: str, handler, icon: QStyle.StandardPixmap) -> QToolButton:
        button = QToolButton()
        button.setToolTip(tip)
        button.setIcon(self.style().standardIcon(icon))
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAutoRaise(True)
        button.clicked.connect(handler)
        return button

    def _arrange(self) -> None:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.first_button, self.back_button, self.play_button):
            row.addWidget(button)
        row.addWidget(self.next_button)
        row.addWidget(self.last_button)
        bar = QVBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(1)
        bar.addWidget(self.slider)
        bar.addWidget(self.strip)
        row.addLayout(bar, 1)
        row.addWidget(self.label)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 4, 10, 4)
        outer.addLayout(row)

    def _add_keys(self, widget: QWidget) -> list[QShortcut]:
        """Bind the step keys (STEP_KEYS) while ``widget`` (the viewport) has focus."""
        shortcuts = []
        for keys, _title, name in STEP_KEYS:
            handler = getattr(self, name)
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), widget)
                shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
                shortcut.activated.connect(handler)
                shortcuts.append(shortcut)
        return shortcuts

    def _on_play_key(self) -> None:
        self.timeline.toggle_play()

    # -- showing the timeline -------------------------------------------------------------

    def _on_timeline_changed(self, frames: int, fps: float) -> None:
        self.setVisible(frames > 1)
        for shortcut in self._shortcuts:
            shortcut.setEnabled(frames > 1)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, frames - 1))
        self.slider.setPageStep(max(1, round(fps)))
        self.slider.blockSignals(False)
        self.play_button.setToolTip(f"Play at {fps:g} fps (Space)")
        self._on_frame_changed(self.timeline.current)

    def _on_frame_changed(self, number: int) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(number)
        self.slider.blockSignals(False)
        self.label.setText(f"frame {number} / {self.timeline.frames}")

    def _show_playing(self, playing: bool) -> None:
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setToolTip(("Pause" if playing else "Play") + " (Space)")

    # -- the user's moves -----------------------------------------------------------------

    def _on_slider_value_changed(self, value: int) -> None:
        self.timeline.pause()
        self.timeline.seek(value)

    def _on_play_clicked(self) -> None:
        self.timeline.toggle_play()

    def _on_back_clicked(self) -> None:
        self.timeline.step(-1)

    def _on_next_clicked(self) -> None:
        self.timeline.step(1)

    def _on_first_clicked(self) -> None:
        self.timeline.pause()
        self.timeline.seek(0)

    def _on_last_clicked(self) -> None:
        self.timeline.pause()
        self.timeline.seek(self.timeline.frames - 1)
