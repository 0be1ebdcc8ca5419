"""Animated scenes: frame numbers, rendering every frame on the workers, movie writers.

A scene animates by defining ``FRAMES`` (and optionally ``FPS``); while it loads, its
globals hold ``FRAME`` and ``T`` (:mod:`.frames`). Nothing here is imported by a still render
except :mod:`.frames`, which the scene loader uses.
"""
