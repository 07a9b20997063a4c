"""The real daemon on real Dovecot mail: spam headers, rules, holds ending,
a customer's reply ending a hold early."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shareinbox import secrets
from shareinbox.client import SyncClient
from shareinbox.sync.imap import ImapSession
from tests.daemon.harness import DaemonProcess, remove_tree, short_dir, wait_for
from tests.fixtures.configs import account_block
from tests.fixtures.dovecot import DovecotServer
from tests.ops.conftest import mail, ops_config
from tests.ops.test_policy import RULES
from tests.sync.conftest import account_config

pytestmark = pytest.mark.imap


@pytest.fixture
def running(
    imap: DovecotServer, imap_user: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[DaemonProcess, DovecotServer, str]]:
    sockets = short_dir()
    monkeypatch.setenv(secrets.env_var_name("support"), imap.password)
    config = ops_config(
        tmp_path,
        rules=RULES,
        server=f'socket = "{sockets / "s.sock"}"',
        accounts=account_block("support", imap_user, imap),
    )
    daemon = DaemonProcess(config)
    try:
        yield daemon.wait_ready(), imap, imap_user
    finally:
        daemon.terminate()
        daemon.kill()
        remove_tree(sockets)


def deliver(server: DovecotServer, user: str, *messages: bytes) -> None:
    session = ImapSession.connect(account_config(server, user).imap, server.password)
    try:
        for raw in messages:
            session.append("INBOX", raw)
    finally:
        session.close()


def threads(client: SyncClient, view: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = client.call("list_threads", view=view)["threads"]
    return result


def test_spam_header_and_rules_on_arriving_mail(
    running: tuple[DaemonProcess, DovecotServer, str],
) -> None:
    daemon, server, user = running
    spam = mail(subject="当選しました", headers="X-Spam-Flag: YES", message_id="<s1@x>")
    returns = mail(subject="返品の相談", body="返品したいです", message_id="<r1@x>")
    deliver(server, user, spam, returns)
    with SyncClient(daemon.config.server.socket, as_login="tanaka") as client:
        wait_for(
            lambda: len(threads(client, "all")) + len(threads(client, "spam")) == 2, 30
        )
        [junk] = threads(client, "spam")
        [work] = threads(client, "all")
        assert junk["subject"] == "当選しました"
        assert (work["assignee"], work["tags"]) == ("suzuki", ["要確認", "返品"])
        shown = client.call("show_thread", thread_id=junk["id"])
        new_mail = [e for e in shown["events"] if e["kind"] == "message.new"]
        assert new_mail[0]["data"]["notify"] is False
        shown = client.call("show_thread", thread_id=work["id"])
        texts = [e["data"].get("text") for e in shown["events"]]
        assert "rule 返品: assigned to suzuki" in texts
        restored = client.call("restore_spam", thread_id=junk["id"])
        assert restored["status"] == "new"
        assert {t["id"] for t in threads(client, "all")} == {junk["id"], work["id"]}


def test_hold_ends_and_customer_reply_ends_it_early(
    running: tuple[DaemonProcess, DovecotServer, str],
) -> None:
    daemon, server, user = running
    deliver(server, user, mail(subject="在庫", message_id="<a1@x>"),
            mail(subject="配送", sender="sato@example.jp", message_id="<b1@x>"))  # fmt: skip
    with SyncClient(daemon.config.server.socket, as_login="tanaka") as client:
        wait_for(lambda: len(threads(client, "new")) == 2, 30)
        by_subject = {t["subject"]: t["id"] for t in threads(client, "new")}
        soon, later = by_subject["在庫"], by_subject["配送"]
        for thread_id, until in ((soon, time.time() + 1), (later, time.time() + 86400)):
            client.call("assign", thread_id=thread_id, login="suzuki")
            client.call("set_status", thread_id=thread_id, status="waiting",
                        reason="supplier", until=until)  # fmt: skip
        assert [t["id"] for t in threads(client, "due_today")] == [soon]

        def status(thread_id: int) -> str:
            shown = client.call("show_thread", thread_id=thread_id)
            return str(shown["thread"]["status"])

        wait_for(lambda: status(soon) == "new", 15)
        assert status(later) == "waiting"
        deliver(server, user, mail(subject="Re: 配送", sender="sato@example.jp",
                                   message_id="<b2@x>", in_reply_to="<b1@x>"))  # fmt: skip
        wait_for(lambda: status(later) == "new", 30)
        events = client.call("show_thread", thread_id=later)["events"]
        back = [e["data"] for e in events if e["kind"] == "thread.status"][-1]
        assert (back["reason"], back["toast"]) == ("customer replied", "suzuki")
