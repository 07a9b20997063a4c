"""`shareinbox daemon --once`: sync every account and folder once, then exit."""

from __future__ import annotations

import argparse

from shareinbox import paths, secrets
from shareinbox.clock import SystemClock
from shareinbox.config import load_config
from shareinbox.errors import ShareinboxError
from shareinbox.store import mirror
from shareinbox.store.db import Store
from shareinbox.store.ingest import PlainPolicy
from shareinbox.sync.engine import SyncOptions, record_account_state, sync_account
from shareinbox.sync.reports import AccountReport


def run_daemon(args: argparse.Namespace) -> int:
    """Sync every configured account once; exit 1 if any account failed.

    Prints one line per account: new messages, flag changes, expunges, and
    the error if there was one.
    """
    config = load_config(args.config)
    data_dir = config.server.data_dir
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    store = Store(paths.database_file(data_dir))
    clock = SystemClock()
    policy = PlainPolicy.from_config(config)
    options = SyncOptions(
        batch_size=args.batch_size or SyncOptions.batch_size,
        order_patterns=config.orders.patterns,
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
