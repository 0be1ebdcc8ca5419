"""MkDocs hooks: pages written at every build from what they describe, so they cannot go stale.

``docs/cli.md`` holds a marker line; :func:`on_page_markdown` replaces it with
:func:`cli_markdown`, the reference of ``puray``, its subcommands and ``puray-gui`` read from
the parsers the commands themselves use. ``docs/window.md`` takes the README's sections about
the window (``<!-- readme: TITLE -->``, see :func:`readme_section`): one text, two places.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
from pathlib import Path

#: The line of docs/cli.md that the generated reference replaces.
CLI_MARKER = "<!-- cli-reference -->"
#: A line of a page that the README's section TITLE replaces.
README_MARKER = re.compile(r"^<!-- readme: (.+?) -->$", re.M)
README = Path(__file__).resolve().parents[1] / "README.md"
#: Width of the usage lines (fixed, so the page does not depend on the terminal).
USAGE_WIDTH = 76


def parsers() -> list[argparse.ArgumentParser]:
    """Return the parsers of ``puray``, each ``puray`` subcommand and ``puray-gui``, in order."""
    from puray_gui.app import _parser as gui_parser
    from tracer.cli.main import _parser as puray_parser

    puray = puray_parser()
    return [puray, *_subcommands(puray).values(), gui_parser()]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _subcommand_help(parser: argparse.ArgumentParser) -> dict[str, str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {a.dest: a.help or "" for a in action._choices_actions}
    return {}


def _formatter(parser: argparse.ArgumentParser) -> argparse.HelpFormatter:
    return argparse.HelpFormatter(parser.prog, width=USAGE_WIDTH)


def usage(parser: argparse.ArgumentParser) -> str:
    """Return the parser's usage lines as ``--help`` prints them (at a fixed width)."""
    formatter = _formatter(parser)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return formatter.format_help().strip()


def _cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def _argument(action: argparse.Action) -> str:
    if not action.option_strings:
        return f"`{action.metavar or action.dest}`"
    if action.nargs == 0:
        return ", ".join(f"`{o}`" for o in action.option_strings)
    metavar = action.metavar or action.dest.upper()
    return ", ".join(f"`{o} {metavar}`" for o in action.option_strings)


def _group_table(parser: argparse.ArgumentParser, group) -> list[str]:
    actions = [
        a
        for a in group._group_actions
        if a.help is not argparse.SUPPRESS and not isinstance(a, argparse._SubParsersAction)
    ]
    if not actions:
        return []
    formatter = _formatter(parser)
    lines = [f"**{group.title.capitalize()}**", ""]
    if group.description:
        lines += [_cell(group.description), ""]
    lines += ["| Argument | Meaning |", "|---|---|"]
    for action in actions:
        meaning = formatter._expand_help(action) if action.help else ""
        lines.append(f"| {_argument(action)} | {_cell(meaning)} |")
    return [*lines, ""]


def command_markdown(parser: argparse.ArgumentParser) -> str:
    """Return one command's section: its description, usage, subcommands and arguments."""
    lines = [f"## `{parser.prog}`", ""]
    if parser.description:
        lines += [_cell(parser.description), ""]
    lines += ["```text", usage(parser), "```", ""]
    commands = _subcommand_help(parser)
    if commands:
        lines += ["**Commands**", "", "| Command | What it does |", "|---|---|"]
        lines += [f"| `{parser.prog} {name}` | {_cell(text)} |" for name, text in commands.items()]
        lines.append("")
    for group in parser._action_groups:
        lines += _group_table(parser, group)
    return "\n".join(lines)


def cli_markdown() -> str:
    """Return the command-line reference: every command's section, in order."""
    return "\n".join(command_markdown(p) for p in parsers())


def readme_section(title: str, readme: str | None = None) -> str:
    """Return the body of the README's section ``title`` (to its next heading of the same or a
    higher level), its links made relative to docs/ (``docs/x.png`` -> ``x.png``).

    Raises KeyError when the README has no such section (a renamed heading fails the build).
    """
    text = README.read_text(encoding="utf-8") if readme is None else readme
    heading = re.search(rf"^(#+) {re.escape(title)}\n", text, re.M)
    if heading is None:
        raise KeyError(f"README.md has no section {title!r} (docs/window.md asks for it)")
    level = len(heading.group(1))
    end = re.compile(rf"^#{{1,{level}}} ", re.M).search(text, heading.end())
    body = text[heading.end() : end.start() if end else len(text)].strip("\n")
    return body.replace("](docs/", "](")


def on_config(config):
    """Document the checkout the site is built from (not an installed copy of the package)."""
    root = os.path.dirname(os.path.abspath(config.config_file_path))
    if root not in sys.path:
        sys.path.insert(0, root)
    return config


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Put the generated reference and the README's sections where a page has their markers."""
    if CLI_MARKER in markdown:
        markdown = markdown.replace(CLI_MARKER, cli_markdown())
    return README_MARKER.sub(lambda m: readme_section(m.group(1)), markdown)
