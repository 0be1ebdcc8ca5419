"""How a worker made a frame's rows: traced, re-lit or re-shaded (rerender.py), slowest first.

A frame made of blocks that took different ways is called by the slowest: one traced block
makes a traced frame.
"""

from __future__ import annotations

#: The ways rows are made, slowest first ("": not known yet, or nothing kept).
PATHS = ("traced", "re-lit", "re-shaded")


def slowest(a: str, b: str) -> str:
    """Return the slower of two ways rows were made (:data:`PATHS`; "" counts as none)."""
    return next((p for p in PATHS if p in (a, b)), a or b)
