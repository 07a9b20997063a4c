"""The `shareinbox` command: one entry point, one sub-command per task.

Each sub-command is a function ``run(args) -> int`` in a `cli_*` module,
imported only when that command runs, so `shareinbox daemon` never loads
Textual and `shareinbox threads` never loads imapclient.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from shareinbox import __version__
from shareinbox.errors import ShareinboxError

# command -> (module, help). The parser arguments live in `_arguments`.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("shareinbox.cli_admin", "write a config skeleton and create the database"),
    "doctor": (
        "shareinbox.cli_admin",
        "check config, permissions, mail logins and socket",
    ),
    "password": ("shareinbox.cli_admin", "store an account password in the keyring"),
    "threads": ("shareinbox.cli_team", "list threads"),
    "show": ("shareinbox.cli_team", "a thread with its messages, notes and events"),
    "search": ("shareinbox.cli_team", "full-text search"),
    "history": ("shareinbox.cli_team", "a customer's timeline across threads"),
    "claim": ("shareinbox.cli_team", "take the reply lock of a thread"),
    "release": ("shareinbox.cli_team", "give back the reply lock"),
    "assign": ("shareinbox.cli_team", "assign a thread to LOGIN, me or none"),
    "status": ("shareinbox.cli_team", "change a thread's status"),
    "note": ("shareinbox.cli_team", "add an internal note to a thread"),
    "memo": ("shareinbox.cli_team", "record a phone call"),
    "audit": ("shareinbox.cli_team", "who did what; --verify checks the hash chain"),
    "report": ("shareinbox.cli_report", "team metrics for a date range"),
    "import": ("shareinbox.cli_import", "import an mbox or Maildir into history"),
    "demo": ("shareinbox.cli_demo", "try everything on sample shop mail (no server)"),
    "templates": (
        "shareinbox.cli_templates",
        "reply templates: list, check (no daemon needed), show NAME",
    ),
    "tui": ("shareinbox.cli_tui", "the terminal UI (the default command)"),
    "daemon": (
        "shareinbox.cli_daemon",
        "sync, send and serve the team (--once: sync once)",
    ),
    "reply": ("shareinbox.cli_replies", "draft a reply; --send submits it"),
    "outbox": ("shareinbox.cli_replies", "the outgoing queue, or one reply in full"),
    "approve": ("shareinbox.cli_replies", "approve a reply (it is sent)"),
    "reject": ("shareinbox.cli_replies", "send a reply back to its author"),
    "retry": ("shareinbox.cli_replies", "send a failed reply again (--edit: redraft)"),
    "withdraw": ("shareinbox.cli_replies", "take back a reply not yet being sent"),
    "rules": ("shareinbox.cli_ops", "rules test FILE.eml: which rules match, and why"),
    "spam": ("shareinbox.cli_ops", "the spam block list: list, block, unblock"),
    "orders": ("shareinbox.cli_ops", "a thread's order numbers, links and look-ups"),
}

_COMMON_DEFAULTS = {"config": None, "as_login": None, "json": False, "verbose": False}


def _arguments(name: str, parser: argparse.ArgumentParser) -> None:
    if name == "init":
        parser.add_argument("--data-dir", help="where the database lives")
        parser.add_argument(
            "--force", action="store_true", help="overwrite an existing config"
        )
    elif name == "password":
        parser.add_argument("action", choices=["set"])
        parser.add_argument("account")
    elif name == "daemon":
        parser.add_argument(
            "--once",
            action="store_true",
            help="sync every account and folder once, then exit",
        )
        # Messages per fetch/transaction: tests and benchmarks make it small.
        parser.add_argument("--batch-size", type=int, help=argparse.SUPPRESS)
    else:
        # A command module may declare its arguments: add_arguments(name, parser).
        module = importlib.import_module(COMMANDS[name][0])
        add_arguments = getattr(module, "add_arguments", None)
        if add_arguments is not None:
            add_arguments(name, parser)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    # SUPPRESS: an option given before the command is not reset by the
    # sub-parser's default; `main` fills in the defaults afterwards.
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--config", help="the config file (default: see README)")
    common.add_argument("--as", dest="as_login", help="act as LOGIN (root only)")
    common.add_argument(
        "--json", action="store_true", help="print JSON instead of a table"
    )
    common.add_argument("-v", "--verbose", action="store_true", help="log more")
    parser = argparse.ArgumentParser(
        prog="shareinbox",
        description="A shared inbox for support teams.",
        parents=[common],
    )
    parser.add_argument(
        "--version", action="version", version=f"shareinbox {__version__}"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        _arguments(name, sub.add_parser(name, help=help_text, parents=[common]))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    for key, default in _COMMON_DEFAULTS.items():
        if not hasattr(args, key):
            setattr(args, key, default)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    command = args.command or ("tui" if "tui" in COMMANDS else None)
    if command is None:
        parser.print_help()
        return 1
    module = importlib.import_module(COMMANDS[command][0])
    try:
        code: int = getattr(module, "run_" + command.replace("-", "_"))(args)
    except ShareinboxError as e:
        from shareinbox.text import clean

        print(f"shareinbox: {clean(e.message)}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    return code
