"""`shareinbox demo`: the whole product on sample data, no mail server needed.

Makes a temporary directory with a config (shop 〇〇ショップ; you as admin,
a supervisor, a trainee whose replies need approval), loads a week of
sample Japanese shop mail, serves it with a daemon on a socket in that
directory (no IMAP sync; outgoing mail is written to files there, nothing
is sent), and opens the TUI. ``--no-tui`` serves only and
prints the config path, so every command works against it
(``shareinbox --config PATH threads``). Ctrl-C (or SIGTERM) stops the demo
and removes the directory.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    """`demo [--no-tui]`."""
    parser.add_argument("--no-tui", action="store_true",
                        help="serve the demo without the TUI (Ctrl-C stops it)")  # fmt: skip


def _language() -> str:
    lang = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "ja" if lang.startswith("ja") else "en"


def _temp_dir() -> Path:
    """A private directory with a short path (a socket path has ~107 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="shareinbox-demo-"))
    if len(str(path)) > 60:
        shutil.rmtree(path)
        path = Path(tempfile.mkdtemp(prefix="shareinbox-demo-", dir="/tmp"))
    return path


def run_demo(args: argparse.Namespace) -> int:
    """Set up, serve (and run the TUI) until stopped, then clean up."""
    from shareinbox import paths
    from shareinbox.config import load_config
    from shareinbox.daemon.runtime import data_dir_lock
    from shareinbox.demo import setup
    from shareinbox.demo.load import load_sample
    from shareinbox.demo.sample import generate
    from shareinbox.store.db import Store

    directory = _temp_dir()
    # A dropped SSH session (SIGHUP) or a kill (SIGTERM) while the TUI runs
    # still unwinds through the clean-up below.
    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, _unwind)
    try:
        login = setup.current_login()
        config = load_config(setup.write_demo_config(directory, login, _language()))
        with data_dir_lock(config.server.data_dir):
            store = Store(paths.database_file(config.server.data_dir))
            daemon = setup.DemoDaemon(store, config)
            try:
                sample = generate(time.time(), config.shop.tz)
                threads = load_sample(store, config, sample, setup.demo_roles(login))
                daemon.start()
                _announce(config.path, config.server.socket, setup.mail_dir(config),
                          len(threads))  # fmt: skip
                if args.no_tui or not _run_tui(config.path):
                    _wait_for_signal()
            finally:
                daemon.stop()
                store.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


def _unwind(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _announce(config: Path, socket: Path, mail: Path, threads: int) -> None:
    print(f"shareinbox demo: {threads} sample threads", flush=True)
    print(f"config: {config}")
    print(f"socket: {socket}")
    print(f"mail:   {mail} (outgoing mail is written here, nothing is sent)")
    print(f"try:    shareinbox --config {config} threads")
    print(f"Ctrl-C stops the demo and removes {config.parent}", flush=True)


def _run_tui(config: Path) -> bool:
    """Run the TUI (`shareinbox tui`) on the demo; False if this build has none."""
    try:
        tui = importlib.import_module("shareinbox.cli_tui")
    except ModuleNotFoundError as e:
        if e.name != "shareinbox.cli_tui":
            raise
        print("the TUI is not part of this build; serving without it", file=sys.stderr)
        return False
    tui.run_tui(argparse.Namespace(config=str(config), as_login=None))
    return True


def _wait_for_signal() -> None:
    """Block until SIGINT or SIGTERM."""
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set())
                for s in (signal.SIGINT, signal.SIGTERM)}  # fmt: skip
    try:
        while not stop.wait(1.0):
            pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
