"""The SMTP server goes away again and again while a queue of replies is sent."""

from __future__ import annotations

import email
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from shareinbox.daemon.delivery import RetryPolicy
from shareinbox.daemon.sender import OutboxSender
from tests.daemon.harness import wait_for
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.smtp_server import SmtpServer
from tests.outbox.conftest import Shop, start_shop

pytestmark = [pytest.mark.slow, pytest.mark.imap]
REPLIES = 30
DROPS = 4
PATIENT = RetryPolicy(first=0.05, factor=2.0, cap=0.3, attempts=1000)


@pytest.fixture
def patient_shop(
    tmp_path: Path,
    socket_dir: Path,
    imap: DovecotServer,
    smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Shop]:
    """The outbox shop, its sender retrying for as long as the test needs."""
    shop = start_shop(tmp_path, socket_dir, imap, smtp, monkeypatch)
    shop.sender.stop()
    shop.sender = OutboxSender(
        shop.store, shop.config, on_commit=shop.daemon.server.notify, poll=0.05,
        retry=PATIENT,
    )  # fmt: skip
    shop.sender.start()
    yield shop
    shop.sender.stop()
    shop.daemon.stop()


def _queue(shop: Shop, count: int) -> dict[int, int]:
    """`count` replies submitted on as many threads: outbox id -> thread id."""
    queued = {}
    with shop.client("suzuki") as client:
        for n in range(count):
            thread_id = shop.thread(
                subject=f"ご注文 {n}", customer_addr=f"c{n}@example.jp"
            )
            client.call("claim", thread_id=thread_id)
            client.call("save_draft", thread_id=thread_id, body=f"{n} 番のお返事です。")
            result = client.call("submit", thread_id=thread_id, then_status="done")
            queued[int(result["id"])] = thread_id
    return queued


def _attempts(shop: Shop, queued: dict[int, int]) -> int:
    return sum(int(shop.row(i)["attempts"]) for i in queued)


def test_every_reply_is_sent_once_the_server_is_back(patient_shop: Shop) -> None:
    shop = patient_shop
    queued = _queue(shop, REPLIES)
    step = REPLIES // (DROPS + 1)
    for drop in range(1, DROPS + 1):
        # Cut the server off while the sender is part-way through the queue,
        # until the sender has tried it at least once while it was down.
        count = drop * step
        wait_for(lambda: len(shop.smtp.received()) >= count, timeout=60)  # noqa: B023
        shop.smtp.stop()
        before = _attempts(shop, queued)
        wait_for(lambda: _attempts(shop, queued) > before, timeout=30)  # noqa: B023
        shop.smtp.start()
    for outbox_id in queued:
        shop.wait_state(outbox_id, "sent", timeout=120)
    rows = {i: shop.row(i) for i in queued}
    received = Counter(
        email.message_from_bytes(m.data)["Message-ID"] for m in shop.smtp.received()
    )
    wanted = {row["message_id"] for row in rows.values()}
    assert set(received) == wanted  # every reply arrived, nothing else did
    # SMTP cannot rule out a copy sent twice when the line drops after the
    # server took the mail; at most one per drop.
    assert sum(received.values()) - len(wanted) <= DROPS
    with shop.store.read() as conn:
        out = conn.execute(
            "SELECT COUNT(*) FROM message WHERE direction = 'out'"
        ).fetchone()[0]
        statuses = {r[0] for r in conn.execute("SELECT status FROM thread").fetchall()}
    assert out == REPLIES  # each stored once in its thread
    assert statuses == {"done"}
