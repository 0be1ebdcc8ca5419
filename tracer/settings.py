"""Render settings: a small frozen value that travels to every worker."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from .camera.view import check_view

MAX_SIDE = 16384
MAX_DEPTH = 10
MAX_SAMPLES = 8
MAX_FRAMES = 100_000
MAX_CACHE_MB = 1 << 20
#: Megabytes each worker keeps to re-shade a live preview (the window's, a notebook watch's)
#: after an edit of materials or lights.
PREVIEW_CACHE_MB = 256
#: The fields a scene's SETTINGS can set (tracer/scene/settings.py names its keys).
SCENE_SETTABLE = frozenset({"samples", "shadows", "max_depth"})


@dataclass(frozen=True)
class RenderSettings:
    """What to render besides the scene; every default keeps Puray's picture."""

    width: int | None = None  # None: the scene's WIDTH
    height: int | None = None  # None: the scene's HEIGHT
    max_depth: int = 5  # reflection bounces (Puray: 5)
    samples: int = 1  # anti-aliasing: samples x samples per pixel
    shadows: bool = False  # Puray has none
    seed: int = 0  # seeds random and numpy.random before the scene runs
    scale: float = 1.0  # previews: render at this fraction of the size (0 < scale <= 1)
    load_timeout: float = 10.0  # seconds a scene may take to load
    block_timeout: float = 60.0  # seconds one block of rows may take (a material's endless loop)
    frame: int = 0  # which frame of an animated scene (its FRAME, 0-based)
    #: An interactive camera instead of the scene's: ((x, y, z), (x, y, z), fov) plain floats,
    #: a LookAtCamera's position, look_at and fov (see tracer/camera/view.py). None: the scene's.
    camera: tuple | None = None
    #: The fields a scene's SETTINGS may set (those the user did not give: see
    #: tracer/scene/settings.py); empty: every value here is what the caller asked for.
    scene_may_set: frozenset[str] = frozenset()
    #: Progressive refinement: render only samples ``k0 <= k < k1`` of every pixel and answer
    #: their sums (tracer.kernel.render.sample_sums) instead of finished pixels. None: a
    #: picture of ``samples`` x ``samples``.
    sample_range: tuple[int, int] | None = None
    #: Megabytes each worker may keep of what its rows' rays hit, to re-shade the next
    #: version of the scene after an edit of only materials or lights (tracer/kernel/
    #: rerender.py); beyond it they are traced again. 0: keep nothing (one-off renders).
    #: Not part of what a render is: settings that differ only here compare equal.
    reshade_cache_mb: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        for name in ("width", "height"):
            value = getattr(self, name)
            if value is not None and not (_is_int(value) and 1 <= value <= MAX_SIDE):
                raise ValueError(
                    f"{name} must be a whole number from 1 to {MAX_SIDE}, got {value!r}"
                )
        if not (_is_int(self.max_depth) and 0 <= self.max_depth <= MAX_DEPTH):
            raise ValueError(f"depth must be from 0 to {MAX_DEPTH}, got {self.max_depth!r}")
        if not (_is_int(self.samples) and 1 <= self.samples <= MAX_SAMPLES):
            raise ValueError(f"samples must be from 1 to {MAX_SAMPLES}, got {self.samples!r}")
        if not (isinstance(self.scale, (int, float)) and 0 < self.scale <= 1):
            raise ValueError(f"scale must be above 0 and at most 1, got {self.scale!r}")
        if not _is_int(self.seed):
            raise ValueError(f"seed must be a whole number, got {self.seed!r}")
        if not (_is_int(self.frame) and 0 <= self.frame < MAX_FRAMES):
            raise ValueError(f"frame must be from 0 to {MAX_FRAMES - 1}, got {self.frame!r}")
        for name in ("load_timeout", "block_timeout"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and 0 < value < 1e6):
                label = name.replace("_", " ")
                raise ValueError(f"{label} must be from 0 to 1e6 seconds, got {value!r}")
        if self.camera is not None:
            check_view(self.camera)
        if not self.scene_may_set <= SCENE_SETTABLE:
            raise ValueError(f"a scene can set only {sorted(SCENE_SETTABLE)}")
        if not (_is_int(self.reshade_cache_mb) and 0 <= self.reshade_cache_mb <= MAX_CACHE_MB):
            raise ValueError(
                f"re-shade cache must be from 0 to {MAX_CACHE_MB} MB, got {self.reshade_cache_mb!r}"
            )
        if self.sample_range is not None:
            k0, k1 = self.sample_range
            if not (_is_int(k0) and _is_int(k1) and 0 <= k0 < k1 <= MAX_SAMPLES**2):
                raise ValueError(f"sample range must be within 0..{MAX_SAMPLES**2}, got {k0}..{k1}")

    @property
    def rays_per_pixel(self) -> int:
        """Return the samples each pixel traces in this render (a range's or samples x samples)."""
        if self.sample_range is not None:
            return self.sample_range[1] - self.sample_range[0]
        return self.samples * self.samples

    def with_(self, **changes) -> RenderSettings:
        return replace(self, **changes)

    def under_scene(self, scene: dict[str, object]) -> RenderSettings:
        """Return these settings with the scene's SETTINGS where the user gave no value."""
        if not self.scene_may_set:
            return self
        taken: dict = {k: v for k, v in scene.items() if k in self.scene_may_set}
        return replace(self, **taken, scene_may_set=frozenset())

    def describe(self) -> dict:
        """Return what shapes the picture as plain values (for PNG metadata and logs).

        ``scale`` is left out: writers record the final width and height instead; ``frame``
        only where it is not 0 (a still's metadata stays as it was before animations).
        """
        skip = {"load_timeout", "block_timeout", "scale", "scene_may_set", "reshade_cache_mb"}
        skip |= set() if self.frame else {"frame"}
        skip |= set() if self.camera is not None else {"camera"}  # the scene's: nothing to say
        skip |= set() if self.sample_range is not None else {"sample_range"}
        return {k: v for k, v in asdict(self).items() if k not in skip}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
