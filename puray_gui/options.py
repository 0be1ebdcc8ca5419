"""What the settings panel edits: render settings plus the preview's own knobs (Qt-free)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from tracer.settings import (
    MAX_DEPTH,
    MAX_SAMPLES,
    PREVIEW_CACHE_MB,
    SCENE_SETTABLE,
    RenderSettings,
)
from tracer.workers.service import cpu_count

#: Resolution presets offered in the panel; None is the scene's own WIDTH x HEIGHT.
RESOLUTION_PRESETS: tuple[tuple[int, int] | None, ...] = (
    None,
    (320, 180),
    (640, 360),
    (960, 540),
    (1920, 1080),
    (3840, 2160),
)
PREVIEW_SCALES = (25, 50, 100)
#: Samples per pixel the window refines a finished preview to (1: no refinement); squares, so
#: that each equals ``puray render --samples`` of its square root.
REFINE_TARGETS = (1, 4, 16, 64)
#: Megabytes each worker keeps to re-shade the preview after an edit of materials or lights.
RESHADE_CACHE_MB = PREVIEW_CACHE_MB
RESHADE_CACHE_MAX_MB = 16384
_DEFAULTS = RenderSettings()


@dataclass(frozen=True)
class RenderOptions:
    """Everything the user can set; ``width``/``height`` None render at the scene's own size.

    ``max_depth``, ``samples`` and ``shadows`` give way to the open scene's SETTINGS unless
    named in ``overridden`` (changed in the sidebar since the scene opened; not remembered).
    """

    width: int | None = None
    height: int | None = None
    max_depth: int = _DEFAULTS.max_depth
    samples: int = _DEFAULTS.samples
    shadows: bool = _DEFAULTS.shadows
    seed: int = _DEFAULTS.seed
    preview_scale: int = 100  # percent; export always renders at 100
    workers: int = 0  # 0: one per core
    load_timeout: float = _DEFAULTS.load_timeout
    overridden: frozenset[str] = frozenset()
    refine: int = 64  # samples per pixel the window keeps adding up to (REFINE_TARGETS)
    reshade_cache_mb: int = RESHADE_CACHE_MB  # per worker, for the preview (0: trace always)

    def with_(self, **changes) -> RenderOptions:
        return replace(self, **changes)

    @property
    def worker_count(self) -> int:
        return min(cpu_count(), self.workers) if self.workers > 0 else cpu_count()

    def full_settings(self) -> RenderSettings:
        """Return the settings an export (and ``puray render``) uses: full size."""
        return RenderSettings(
            width=self.width,
            height=self.height,
            max_depth=self.max_depth,
            samples=self.samples,
            shadows=self.shadows,
            seed=self.seed,
            load_timeout=self.load_timeout,
            scene_may_set=SCENE_SETTABLE - self.overridden,
        )

    def preview_settings(self) -> RenderSettings:
        """Return the settings the live preview renders with (scaled down when asked).

        Its workers keep what their rays hit (up to ``reshade_cache_mb``), so that the next
        version after an edit of materials or lights is re-shaded, not traced.
        """
        full = self.full_settings().with_(reshade_cache_mb=self.reshade_cache_mb)
        return full if self.preview_scale >= 100 else full.with_(scale=self.preview_scale / 100)

    def to_dict(self) -> dict:
        stored = asdict(self)
        del stored["overridden"]  # per scene opened: not remembered
        return stored

    @classmethod
    def from_dict(cls, data: dict) -> RenderOptions:
        """Build options from stored values, ignoring unknown keys and invalid values."""
        known = {f.name: f for f in fields(cls)}
        values = {}
        for name, value in data.items():
            if name in known and name != "overridden" and value is not None:
                values[name] = value
        try:
            options = cls(**values)
            options.preview_settings()  # validates ranges
        except (TypeError, ValueError):
            return cls()
        bad_scale = options.preview_scale not in PREVIEW_SCALES
        bad_workers = not isinstance(options.workers, int) or options.workers < 0
        bad_workers |= options.refine not in REFINE_TARGETS
        bad_workers |= not 0 <= options.reshade_cache_mb <= RESHADE_CACHE_MAX_MB
        if options.max_depth > MAX_DEPTH or options.samples > MAX_SAMPLES or bad_scale:
            return cls()
        if bad_workers or not isinstance(options.shadows, bool):
            return cls()
        return options
