"""A griffe extension for the docs: Sphinx roles in docstrings read as code in Markdown.

The code's docstrings name things the reStructuredText way (``:class:`Scene```,
``:func:`~tracer.datafiles.read_scene_file```); in the Markdown reference they would show
their colons and backticks. This turns each into a code span of the name (the last part
when it starts with ``~``, as Sphinx shows it).
"""

from __future__ import annotations

import re

import griffe

ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):`(~?)([^`]+)`")


def plain(text: str) -> str:
    """Return ``text`` with every Sphinx role turned into a Markdown code span."""

    def span(match: re.Match[str]) -> str:
        short, name = match.groups()
        return f"`{name.rsplit('.', 1)[-1] if short else name}`"

    return ROLE.sub(span, text)


class SphinxRoles(griffe.Extension):
    """Rewrite the roles in every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: object) -> None:
        if obj.docstring is not None:
            obj.docstring.value = plain(obj.docstring.value)
