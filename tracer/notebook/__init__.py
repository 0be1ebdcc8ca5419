"""Render scenes from Python: in a Jupyter notebook, inline, or in a script.

    import tracer
    picture = tracer.render("scene.py", 480, 270, samples=2)   # shows inline in Jupyter
    picture.array                                              # (270, 480, 3) uint8
    picture.save("scene.png")                                  # PNG, with the CLI's metadata
    tracer.watch("scene.py")                                   # a live view: re-renders on save

Scene code runs in worker processes started for the purpose (as in the window and the command
line), never in the notebook's own process: an endless loop or a crash in a scene costs a
message, not the kernel. ``watch`` needs ipywidgets (``pip install 'puray-live[notebook]'``).
"""

from .picture import Picture
from .render import render
from .watch import Watch, watch

__all__ = ["Picture", "Watch", "render", "watch"]
