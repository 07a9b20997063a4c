"""`shareinbox daemon`: the long-running daemon, or one sync pass with --once."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from shareinbox import paths, secrets
from shareinbox.clock import SystemClock
from shareinbox.config import Config, load_config
from shareinbox.daemon.reminders import Reminders
from shareinbox.daemon.runtime import Worker, data_dir_lock
from shareinbox.daemon.runtime import run_daemon as serve
from shareinbox.daemon.sender import OutboxSender
from shareinbox.daemon.syncworker import SyncWorker
from shareinbox.errors import ShareinboxError
from shareinbox.policy import TeamPolicy
from shareinbox.store import mirror
from shareinbox.store.db import Store
from shareinbox.sync.engine import SyncOptions, record_account_state, sync_account
from shareinbox.sync.reports import AccountReport


def run_daemon(args: argparse.Namespace) -> int:
    """Serve until SIGTERM, or with --once sync every account once."""
    config = load_config(args.config)
    if args.once:
        with data_dir_lock(config.server.data_dir):
            return sync_once(config, args.batch_size)
    return serve(config, workers=worker_factory(config))


def worker_factory(
    config: Config, *, mail_dir: Path | None = None
) -> Callable[[Store, Callable[[], None]], Sequence[Worker]]:
    """Build the workers once the daemon's store is open: one sync worker per
    account, the outbox sender and the timer worker (holds that end, SLA
    reminders).

    Args:
        mail_dir: send nothing: write each outgoing mail as an ``.eml`` file
            into this directory and file no Sent copies (the demo mode).
    """

    def build(store: Store, notify: Callable[[], None]) -> Sequence[Worker]:
        policy = team_policy(config, store)
        options = SyncOptions(
            order_patterns=config.orders.patterns,
            history_days=config.server.history_days,
        )
        workers: list[Worker] = [
            SyncWorker(
                store, account, config.server, policy, on_commit=notify, options=options
            )
            for account in config.accounts
        ]
        workers.append(Reminders(store, config, on_commit=notify))
        workers.append(outbox_sender(store, config, notify, mail_dir=mail_dir))
        return workers

    return build


def team_policy(config: Config, store: Store) -> TeamPolicy:
    """The team's rules for new mail, the block list seeded from the config."""
    policy = TeamPolicy(config)
    with store.write() as conn:
        policy.seed(conn, now=SystemClock().now())
    return policy


def outbox_sender(
    store: Store,
    config: Config,
    notify: Callable[[], None],
    *,
    mail_dir: Path | None = None,
) -> OutboxSender:
    """The outbox sender: SMTP and IMAP Sent folders, or files in `mail_dir`."""
    if mail_dir is None:
        return OutboxSender(store, config, on_commit=notify)
    from shareinbox.sync.smtp import FileTransport

    files = FileTransport(mail_dir)
    return OutboxSender(
        store,
        config,
        on_commit=notify,
        transports=lambda account, route: files,
        sent_folders=lambda account: None,
    )


def sync_once(config: Config, batch_size: int | None = None) -> int:
    """Sync every configured account once; return 1 if any account failed.

    Prints one line per account: new messages, flag changes, expunges, and
    the error if there was one.
    """
    store = Store(paths.database_file(config.server.data_dir))
    clock = SystemClock()
    policy = team_policy(config, store)
    options = SyncOptions(
        batch_size=batch_size or SyncOptions.batch_size,
        order_patterns=config.orders.patterns,
        history_days=config.server.history_days,
    )
    failed = 0
    try:
        for account in config.accounts:
            try:
                password = secrets.get_password(account.name, account.password_command)
            except ShareinboxError as e:
                with store.write() as conn:
                    account_id = mirror.ensure_account(
                        conn, account.name, account.address
                    )
                record_account_state(store, account_id, e.message, clock)
                report = AccountReport(account.name, error=e.message)
            else:
                report = sync_account(
                    store, account, password, policy, clock, options=options
                )
            print(report.summary(), flush=True)
            failed += not report.ok
    finally:
        store.close()
    return 1 if failed else 0
