"""`shareinbox import PATH --account A`: a mail client's export into history.

Writes the database directly under the data dir's lock, so the daemon must
be stopped first (run it as the daemon's user, who owns the database).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    """`import PATH --account A`."""
    parser.add_argument("path", help="an mbox file, a Maildir, or a folder of them")
    parser.add_argument("--account", required=True, help="the account it belongs to")


def run_import(args: argparse.Namespace) -> int:
    """Import; print progress to stderr and a summary; 1 if a message failed."""
    from shareinbox import paths
    from shareinbox.clock import SystemClock
    from shareinbox.config import load_config
    from shareinbox.daemon.runtime import data_dir_lock
    from shareinbox.importer import ImportReport, import_path
    from shareinbox.store.db import Store

    config = load_config(args.config)
    config.account(args.account)  # an unknown account fails before the lock

    def progress(report: ImportReport) -> None:
        print(f"  {report.seen} messages read, {report.added} added",
              file=sys.stderr, flush=True)  # fmt: skip

    with data_dir_lock(config.server.data_dir):
        store = Store(paths.database_file(config.server.data_dir))
        try:
            report = import_path(store, config, args.account, Path(args.path),
                                 clock=SystemClock(), actor=_login(),
                                 progress=progress)  # fmt: skip
        finally:
            store.close()
    print(report.summary())
    return 1 if report.failed else 0


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "system"
