"""The settings sidebar: depth, resolution, preview scale, anti-aliasing, shadows, seed, workers."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from tracer.settings import MAX_DEPTH, MAX_SAMPLES, MAX_SIDE

from ..options import (
    PREVIEW_SCALES,
    REFINE_TARGETS,
    RESHADE_CACHE_MAX_MB,
    RESOLUTION_PRESETS,
    RenderOptions,
    cpu_count,
)
from ..options_keeper import OptionsKeeper
from .qt_panel import Action, Place

TYPING_DEBOUNCE_MS = 300
#: The scene-settable rows: RenderOptions field -> the row's label.
SCENE_ROWS = {"max_depth": "Reflection depth", "samples": "Anti-aliasing", "shadows": "Shadows"}
FROM_SCENE = " (scene)"
FROM_SCENE_TIP = "From the scene's SETTINGS; change it here to override it for this scene"
RESHADE_TIP = (
    "Memory each worker keeps of what the preview's rays hit: after an edit of only materials "
    "or lights the next version is re-shaded from it, not traced (the picture is the same). "
    "A frame that needs more is traced"
)


def _spin(low: int, high: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setToolTip(tip)
    return box


def _key(size: tuple[int, int] | None) -> str | None:
    """Return a preset's item data (strings: QVariant compares Python tuples by identity)."""
    return None if size is None else f"{size[0]}x{size[1]}"


def _size(key: str) -> tuple[int, int]:
    width, height = key.split("x")
    return int(width), int(height)


class QtSettingsPanel(QWidget):
    """Edit the keeper's :class:`RenderOptions`; emit ``options_changed`` at once (typing:
    debounced) and have the keeper apply them. The sidebar's first section."""

    options_changed = Signal(object)  # RenderOptions

    def __init__(self, keeper: OptionsKeeper, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.options = keeper.options
        self.scene_size: tuple[int, int] | None = None
        self.scene_settings: dict = {}  # the open scene's SETTINGS {RenderOptions field: value}
        self._typing = QTimer(self, singleShot=True, interval=TYPING_DEBOUNCE_MS)
        self._typing.timeout.connect(self._on_typing_timeout)
        self._build()
        self._show(self.options)
        self._connect()
        self.workers.setEnabled(keeper.link.resizable)  # a shared service keeps its workers
        self.options_changed.connect(keeper.apply)
        keeper.options_set.connect(self.set_options)
        keeper.scene_size_known.connect(self.set_scene_size)
        keeper.scene_settings_known.connect(self.set_scene_settings)

    def places(self) -> list[Place]:
        return [Place(self, "sidebar", order=0)]

    def menu_actions(self) -> list[Action]:
        return []

    def _build(self) -> None:
        self.depth_box = _spin(0, MAX_DEPTH, "Reflection bounces (Puray: 5)")
        self.preset = QComboBox()
        self.preset.setToolTip("Output size; the scene's own is its WIDTH x HEIGHT")
        self.preset.addItem("Scene's own", None)
        for size in RESOLUTION_PRESETS[1:]:
            assert size is not None
            self.preset.addItem(f"{size[0]} x {size[1]}", _key(size))
        self.preset.addItem("Custom", "custom")
        self.width_box = _spin(1, MAX_SIDE, "Output width in pixels")
        self.height_box = _spin(1, MAX_SIDE, "Output height in pixels")
        size_row = QHBoxLayout()
        size_row.addWidget(self.width_box)
        size_row.addWidget(QLabel("x"))
        size_row.addWidget(self.height_box)
        self.scale = QComboBox()
        self.scale.setToolTip("The preview renders smaller; export always renders full size")
        for percent in PREVIEW_SCALES:
            self.scale.addItem(f"{percent} %", percent)
        self.samples = QComboBox()
        self.samples.setToolTip("Anti-aliasing: N x N samples per pixel")
        self.samples.addItem("Off", 1)
        for n in range(2, MAX_SAMPLES + 1):
            self.samples.addItem(f"{n} x {n} samples", n)
        self.refine = QComboBox()
        self.refine.setToolTip(
            "After the first frame the window keeps adding samples up to this many per pixel"
        )
        for n in REFINE_TARGETS:
            self.refine.addItem("Off" if n == 1 else f"{n} spp", n)
        self.shadows = QCheckBox("Cast shadows")
        self.seed = _spin(0, 2**31 - 1, "Seed for the scene's random numbers")
        self.workers = _spin(1, cpu_count(), "Render worker processes")
        self.cache = _spin(0, RESHADE_CACHE_MAX_MB, RESHADE_TIP)
        self.cache.setSingleStep(64)
        self.cache.setSuffix(" MB")
        self.cache.setSpecialValueText("Off")
        self.labels = {name: QLabel(text) for name, text in SCENE_ROWS.items()}
        form = QFormLayout(self)
        form.addRow(self.labels["max_depth"], self.depth_box)
        form.addRow("Resolution", self.preset)
        form.addRow("", size_row)
        form.addRow("Preview scale", self.scale)
        form.addRow(self.labels["samples"], self.samples)
        form.addRow("Refine to", self.refine)
        form.addRow(self.labels["shadows"], self.shadows)
        form.addRow("Seed", self.seed)
        form.addRow("Workers", self.workers)
        form.addRow("Re-shade cache", self.cache)

    def _connect(self) -> None:
        for box in (self.depth_box, self.width_box, self.height_box, self.seed):
            box.valueChanged.connect(self._on_value_typed)
        self.workers.valueChanged.connect(self._on_value_typed)
        self.cache.valueChanged.connect(self._on_value_typed)
        self.preset.currentIndexChanged.connect(self._on_preset_changed)
        self.scale.currentIndexChanged.connect(self._on_value_picked)
        self.samples.currentIndexChanged.connect(self._on_value_picked)
        self.refine.currentIndexChanged.connect(self._on_value_picked)
        self.shadows.toggled.connect(self._on_value_picked)

    def set_options(self, options: RenderOptions) -> None:
        """Show ``options`` without emitting ``options_changed``."""
        self.options = options
        self._show(options)

    def set_scene_size(self, width: int, height: int) -> None:
        """Show the scene's own size in the (then read-only) width and height boxes."""
        self.scene_size = (width, height)
        if self.preset.currentData() is None:  # only the size boxes: others may be mid-edit
            for box, value in ((self.width_box, width), (self.height_box, height)):
                box.blockSignals(True)
                box.setValue(value)
                box.blockSignals(False)

    def set_scene_settings(self, settings: dict) -> None:
        """Show the open scene's SETTINGS where the sidebar has not overridden them."""
        self.scene_settings = dict(settings)
        self._show(self.options)

    def from_scene(self, o: RenderOptions) -> dict:
        """Return the values the scene's SETTINGS decide in ``o`` (not overridden)."""
        return {k: v for k, v in self.scene_settings.items() if k not in o.overridden}

    def _mark(self, o: RenderOptions) -> None:
        """Mark the rows whose value comes from the scene's SETTINGS."""
        scene = self.from_scene(o)
        widgets = {"max_depth": self.depth_box, "samples": self.samples, "shadows": self.shadows}
        for name, label in self.labels.items():
            label.setText(SCENE_ROWS[name] + (FROM_SCENE if name in scene else ""))
            label.setToolTip(FROM_SCENE_TIP if name in scene else "")
            widgets[name].setProperty("fromScene", name in scene)

    def _show(self, o: RenderOptions) -> None:
        widgets: tuple[QWidget, ...] = (self.depth_box, self.preset, self.width_box)
        widgets += (self.height_box, self.scale, self.samples, self.refine, self.shadows)
        widgets += (self.seed, self.workers, self.cache)
        for w in widgets:
            w.blockSignals(True)
        self._mark(o)
        o = o.with_(**self.from_scene(o))  # shown: what renders
        self.depth_box.setValue(o.max_depth)
        own = o.width is None or o.height is None
        size = self.scene_size if o.width is None or o.height is None else (o.width, o.height)
        index = self.preset.findData(None if own else _key(size))
        self.preset.setCurrentIndex(index if index >= 0 else self.preset.count() - 1)
        if size is not None:
            self.width_box.setValue(size[0])
            self.height_box.setValue(size[1])
        self.width_box.setEnabled(not own)
        self.height_box.setEnabled(not own)
        self.scale.setCurrentIndex(max(0, self.scale.findData(o.preview_scale)))
        self.samples.setCurrentIndex(max(0, self.samples.findData(o.samples)))
        self.refine.setCurrentIndex(max(0, self.refine.findData(o.refine)))
        self.shadows.setChecked(o.shadows)
        self.seed.setValue(o.seed)
        self.workers.setValue(o.worker_count)
        self.cache.setValue(o.reshade_cache_mb)
        for w in widgets:
            w.blockSignals(False)

    def _read(self) -> RenderOptions:
        """Return the options the widgets show; a changed scene value becomes an override."""
        own = self.preset.currentData() is None
        options = self.options.with_(
            width=None if own else self.width_box.value(),
            height=None if own else self.height_box.value(),
            preview_scale=self.scale.currentData(),
            refine=self.refine.currentData(),
            seed=self.seed.value(),
            workers=self.workers.value(),
            reshade_cache_mb=self.cache.value(),
        )
        shown = {
            "max_depth": self.depth_box.value(),
            "samples": self.samples.currentData(),
            "shadows": self.shadows.isChecked(),
        }
        scene = self.from_scene(options)
        changed = {k for k, v in shown.items() if k in scene and v != scene[k]}
        kept = {k: v for k, v in shown.items() if k not in scene or k in changed}
        return options.with_(overridden=options.overridden | changed, **kept)

    def _emit(self) -> None:
        self._typing.stop()
        options = self._read()
        if options != self.options:
            self.options = options
            self._mark(options)
            self.options_changed.emit(options)

    def _on_value_typed(self, value: int) -> None:
        if self.sender() in (self.width_box, self.height_box):
            index = self.preset.findData(_key((self.width_box.value(), self.height_box.value())))
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(index if index >= 0 else self.preset.count() - 1)
            self.preset.blockSignals(False)
        self._typing.start()

    def _on_typing_timeout(self) -> None:
        self._emit()

    def _on_value_picked(self, *args) -> None:
        self._emit()

    def _on_preset_changed(self, index: int) -> None:
        data = self.preset.currentData()
        own = data is None
        self.width_box.setEnabled(not own)
        self.height_box.setEnabled(not own)
        if data not in (None, "custom"):
            for box, value in zip((self.width_box, self.height_box), _size(data), strict=True):
                box.blockSignals(True)
                box.setValue(value)
                box.blockSignals(False)
        self._emit()
