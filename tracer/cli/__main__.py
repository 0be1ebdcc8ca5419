"""``python -m tracer.cli``: the ``puray`` command."""

from .main import run

run()
