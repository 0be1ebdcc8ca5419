"""Keys as Help > Keyboard Shortcuts lists them: menu items, and keys that act in the picture.

The widgets that handle keys themselves (the timeline, camera mode, the compare view, the
pixel path) declare them here as data next to their handlers, so the dialog lists what the
code binds and a new key is listed without a second list to keep.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shortcut:
    """An action: where it acts ("File", "In the picture: timeline"), its title and keys."""

    menu: str
    title: str
    keys: str

    def matches(self, text: str) -> bool:
        """Tell whether ``text`` (any case) is in the title, the keys or the menu."""
        needle = text.strip().lower()
        return needle in f"{self.title}\n{self.keys}\n{self.menu}".lower()


def picture_keys() -> list[Shortcut]:
    """Return the keys the picture's own widgets handle, as the widgets declare them."""
    from .qt_camera_mode import KEYS as CAMERA  # the dialog's import, not the window's
    from .qt_compare_view import KEYS as COMPARE
    from .qt_pick_panel import KEYS as PICK
    from .qt_timeline import KEYS as TIMELINE

    return [*TIMELINE, *CAMERA, *COMPARE, *PICK]
