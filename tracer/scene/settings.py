"""A scene's SETTINGS: how the scene asks to be rendered (samples, shadows, depth).

    SETTINGS = {"samples": 2, "shadows": True, "depth": 3}

The keys are the command line's names for the render settings (``--samples``, ``--shadows``,
``--depth``). They are where a render starts from: an explicit flag (or a change in the
window's sidebar) overrides them. ``seed``, ``width`` and ``height`` are not accepted: the seed
is chosen before the scene's code runs, and a scene's size is its WIDTH and HEIGHT.
"""

from __future__ import annotations

import difflib

from ..settings import RenderSettings

#: SETTINGS key -> the RenderSettings field it sets.
SCENE_KEYS = {"samples": "samples", "shadows": "shadows", "depth": "max_depth"}
_ELSEWHERE = {
    "seed": "the seed is chosen before the scene runs (use --seed or the sidebar)",
    "width": "a scene's size is its WIDTH",
    "height": "a scene's size is its HEIGHT",
}


def check_settings(value: object) -> dict[str, object]:
    """Return a scene's SETTINGS as {RenderSettings field: value}; raise ValueError if faulty."""
    if not isinstance(value, dict):
        raise ValueError(f"SETTINGS must be a dict such as {{'samples': 2}}, got {value!r}")
    fields: dict[str, object] = {}
    for key, item in value.items():
        if key in _ELSEWHERE:
            raise ValueError(f"SETTINGS cannot set {key!r}: {_ELSEWHERE[key]}")
        if key not in SCENE_KEYS:
            raise ValueError(f"SETTINGS: unknown key {key!r}{_suggestion(key)}")
        if key == "shadows" and not isinstance(item, bool):
            raise ValueError(f"SETTINGS: 'shadows' must be True or False, got {item!r}")
        try:
            RenderSettings(**{SCENE_KEYS[key]: item})
        except (TypeError, ValueError) as exc:
            raise ValueError(f"SETTINGS: {exc}") from None
        fields[SCENE_KEYS[key]] = item
    return fields


def _suggestion(key: object) -> str:
    known = sorted(SCENE_KEYS)
    close = difflib.get_close_matches(str(key), known, n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (SETTINGS takes {', '.join(known)})"
