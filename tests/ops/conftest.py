"""Fixtures of the team-rules tests: configs with rules, a store, ingest."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shareinbox.config import Config, load_config
from shareinbox.policy import TeamPolicy
from shareinbox.store import mirror
from shareinbox.store.db import Store
from shareinbox.store.ingest import Incoming, Ingested, Mailbox, ingest
from shareinbox.sync.parse import parse_message
from tests.fixtures.configs import STAFF

SHOP = "shop@example.test"
# Monday 2026-03-02 10:00 in Tokyo.
MONDAY_10 = 1_772_413_200.0


def ops_config_text(
    data_dir: Path,
    *,
    rules: str = "",
    sla: str = "",
    spam: str = "",
    orders: str = "",
    accounts: str = "",
    server: str = "",
) -> str:
    """A whole config file with the given extra tables."""
    account = (
        accounts
        or f"""
[[account]]
name = "support"
address = "{SHOP}"
imap = {{ host = "127.0.0.1", port = 143, security = "none", username = "u" }}
smtp = {{ host = "127.0.0.1", port = 2525, security = "none" }}
"""
    )
    return f"""[shop]
name = "テスト商店"
timezone = "Asia/Tokyo"
language = "en"

[sla]
first_response = "3h"
business_hours = {{ days = "mon-fri", start = "09:00", end = "18:00" }}
{sla}

[server]
data_dir = "{data_dir}"
{server}

[spam]
{spam}

[orders]
{orders}

[waiting]
reasons = ["customer", "supplier", "返金待ち"]
{account}
{STAFF}
{rules}
"""


def ops_config(directory: Path, **tables: str) -> Config:
    """Write and load an ops config in `directory`."""
    path = directory / "config.toml"
    path.write_text(ops_config_text(directory / "data", **tables), encoding="utf-8")
    return load_config(path)


@dataclass
class Inbox:
    """A store with one account and a policy, filled by `put`."""

    store: Store
    config: Config
    policy: TeamPolicy

    def put(self, raw: bytes, *, at: float = MONDAY_10) -> Ingested:
        """Ingest one message as a live arrival at `at`."""
        incoming = Incoming(raw, parse_message(raw), at)
        with self.store.write() as conn:
            return ingest(
                conn,
                Mailbox(1, frozenset({SHOP})),
                incoming,
                policy=self.policy,
                now=at,
            )

    def rows(self, sql: str, *args: object) -> list[sqlite3.Row]:
        """Read rows."""
        with self.store.read() as conn:
            return conn.execute(sql, args).fetchall()

    def thread(self, thread_id: int | None) -> sqlite3.Row:
        """One thread row."""
        return self.rows("SELECT * FROM thread WHERE id = ?", thread_id)[0]


def make_inbox(tmp_path: Path, **tables: str) -> Inbox:
    """A fresh store, the config with `tables`, its block list seeded."""
    config = ops_config(tmp_path, **tables)
    store = Store(tmp_path / "ops.db")
    policy = TeamPolicy(config)
    with store.write() as conn:
        mirror.ensure_account(conn, "support", SHOP)
        policy.seed(conn, now=MONDAY_10)
    return Inbox(store, config, policy)


@pytest.fixture
def inbox_factory(tmp_path: Path) -> Iterator[Callable[..., Inbox]]:
    """Builds inboxes; closes their stores afterwards."""
    made: list[Inbox] = []

    def build(**tables: str) -> Inbox:
        inbox = make_inbox(tmp_path, **tables)
        made.append(inbox)
        return inbox

    yield build
    for inbox in made:
        inbox.store.close()


def mail(
    *,
    subject: str = "お問い合わせ",
    body: str = "こんにちは",
    sender: str = "yamada@example.jp",
    to: str = SHOP,
    headers: str = "",
    message_id: str = "<m1@example.jp>",
    in_reply_to: str = "",
) -> bytes:
    """A UTF-8 text/plain mail (8-bit)."""
    from email.header import Header

    head = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {Header(subject, 'utf-8').encode()}",
        "Date: Mon, 02 Mar 2026 10:00:00 +0900",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    if in_reply_to:
        head += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    if headers:
        head += headers.strip().splitlines()
    return ("\r\n".join(head) + "\r\n\r\n" + body + "\r\n").encode("utf-8")
