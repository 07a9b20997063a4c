"""`shareinbox templates list|check|show NAME`: the reply templates.

`list`, `check` and `show` read the config and the template files directly,
without the daemon, so `templates check` can run in the CI of a team's
template repository (``--dir DIR`` checks a directory without a config).
`show NAME --thread ID` asks the daemon for a preview with the thread's data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from shareinbox.errors import ConfigError, ProtocolError
from shareinbox.text import clean, one_line


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    """The arguments of `templates`."""
    del name
    parser.add_argument("action", choices=["list", "check", "show"])
    parser.add_argument("name", nargs="?", help="the template (show)")
    parser.add_argument("--language", choices=["ja", "en"], help="default: the shop's")
    parser.add_argument(
        "--dir", help="the team's template directory (default: [templates] dir)"
    )
    parser.add_argument("--thread", type=int, help="show: preview for this thread")


def _libraries(args: argparse.Namespace) -> list[Any]:
    from shareinbox.config import language_from_env, load_config
    from shareinbox.reply import TemplateLibrary
    from shareinbox.reply.library import LANGUAGES

    if args.dir:
        team: Path | None = Path(args.dir).expanduser()
        default = language_from_env()
    else:
        config = load_config(args.config)
        team, default = config.templates_dir, config.language
    if team is not None and not team.is_dir():
        raise ConfigError(f"the template directory {team} does not exist")
    if args.action == "check" and not args.language:
        languages: tuple[str, ...] = LANGUAGES
    else:
        languages = (args.language or default,)
    return [TemplateLibrary(language, team) for language in languages]


def run_templates(args: argparse.Namespace) -> int:
    """Run `templates ACTION`."""
    if args.action == "show" and not args.name:
        raise ProtocolError("templates show needs a template NAME")
    if args.action == "show" and args.thread is not None:
        return _preview(args)
    libraries = _libraries(args)
    if args.action == "check":
        return _check(args, libraries)
    if args.action == "show":
        return _show(args, libraries[0])
    return _list(args, libraries[0])


def _list(args: argparse.Namespace, library: Any) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from shareinbox import cli_output as out

    listed = [t.summary() for t in library.templates()]
    if args.json:
        out.print_json(listed)
        return 0
    table = Table(box=None, pad_edge=False, show_edge=False)
    for column in ("NAME", "CATEGORY", "SOURCE", "TITLE", "ERROR"):
        table.add_column(column, no_wrap=column != "ERROR")
    for t in listed:
        cells = (t["name"], t["category"], t["source"], t["title"], t["error"] or "")
        table.add_row(*(Text(one_line(c)) for c in cells))
    tty = sys.stdout.isatty()
    console = Console(
        highlight=False, markup=False, emoji=False, width=None if tty else 200
    )
    console.print(table)
    return 0


def _show(args: argparse.Namespace, library: Any) -> int:
    from shareinbox import cli_output as out

    template = library.get(args.name)
    if args.json:
        out.print_json({**template.summary(), "body": template.body})
        return 0
    print(
        clean(
            f"{template.name} ({template.source}, {template.language}): {template.path}"
        )
    )
    print(clean(f"title: {template.title}\ncategory: {template.category}"))
    print(
        clean(f"subject: {template.subject}\nkeywords: {', '.join(template.keywords)}")
    )
    if template.error is not None:
        print(clean(f"error: {template.error.message}"))
    print()
    print(clean(template.body), end="")
    return 0


def _check(args: argparse.Namespace, libraries: list[Any]) -> int:
    from shareinbox import cli_output as out
    from shareinbox.service.templates_ops import check_all

    checked, problems = check_all(libraries)
    if args.json:
        out.print_json({"checked": checked, "problems": problems})
    else:
        for problem in problems:
            print(clean(f"{problem['message']}  ({problem['path']})"))
        print(f"{checked} templates checked, {len(problems)} broken")
    return 1 if problems else 0


def _preview(args: argparse.Namespace) -> int:
    from shareinbox import cli_output as out
    from shareinbox.client import SyncClient
    from shareinbox.config import load_config

    config = load_config(args.config)
    with SyncClient(config.server.socket, as_login=args.as_login) as client:
        rendered = client.call(
            "preview_template", thread_id=args.thread, name=args.name
        )
    if args.json:
        out.print_json(rendered)
        return 0
    print(clean(f"Subject: {rendered['subject']}"), end="\n\n")
    print(clean(rendered["body"]), end="")
    return 0
