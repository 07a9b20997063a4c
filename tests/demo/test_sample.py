"""The demo's sample mail: real, varied, deterministic bytes."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from shareinbox.demo.sample import SHOP_ADDRESS, Sample, generate
from shareinbox.orders import AMAZON, RAKUTEN
from shareinbox.sync.parse import parse_message

NOW = datetime(2026, 3, 4, 15, 30, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp()


@pytest.fixture(scope="module")
def sample() -> Sample:
    return generate(NOW)


def test_same_now_same_bytes(sample: Sample) -> None:
    again = generate(NOW)
    assert [m.raw for m in again.mails] == [m.raw for m in sample.mails]
    assert again.actions == sample.actions
    later = generate(NOW + 86400)
    assert [m.raw for m in later.mails] != [m.raw for m in sample.mails]


def test_every_mail_parses(sample: Sample) -> None:
    for mail in sample.mails:
        parsed = parse_message(mail.raw)
        assert parsed.parse_error is None
        assert parsed.defects == ()
        assert parsed.message_id
        assert parsed.text.strip()
        assert (
            parsed.from_ is not None and parsed.from_.addr == SHOP_ADDRESS
        ) is mail.outgoing
        assert mail.at < NOW


def test_charsets_orders_and_addresses(sample: Sample) -> None:
    raws = b"\n".join(m.raw for m in sample.mails)
    assert b'charset="iso-2022-jp"' in raws
    assert b'charset="utf-8"' in raws
    assert b"\x1b$B" in raws  # JIS escape: real ISO-2022-JP text
    texts = "\n".join(parse_message(m.raw).text for m in sample.mails)
    assert re.search(rf"(?<![\d-]){RAKUTEN}(?![\d-])", texts)
    assert re.search(rf"(?<![\d-]){AMAZON}(?![\d-])", texts)
    senders = {parse_message(m.raw).from_.addr for m in sample.mails if not m.outgoing}  # type: ignore[union-attr]
    assert any(a.endswith("@pc.fw.rakuten.ne.jp") for a in senders)
    assert "john.smith@example.com" in senders


def test_customers_threads_and_team(sample: Sample) -> None:
    threads_of: defaultdict[str, set[str]] = defaultdict(set)
    for mail in sample.mails:
        if not mail.outgoing:
            sender = parse_message(mail.raw).from_
            assert sender is not None
            threads_of[sender.addr].add(mail.thread)
    several = [a for a, threads in threads_of.items() if len(threads) >= 2]
    assert len(several) >= 4
    assert {m.sent_by for m in sample.mails if m.outgoing} == {
        "admin", "supervisor", "trainee",
    }  # fmt: skip
    kinds = {a.kind for a in sample.actions}
    assert kinds == {"status", "assign", "note", "memo", "tags", "category", "draft"}
    waiting = [a for a in sample.actions if a.args.get("status") == "waiting"]
    assert all(a.args["reason"] for a in waiting)
    assert len(waiting) == 2
    spam = [m for m in sample.mails if b"X-Spam-Flag: YES" in m.raw]
    assert len(spam) == 1
    photo = [parse_message(m.raw).attachments for m in sample.mails]
    assert [a.filename for files in photo for a in files] == ["傷の写真.jpg"]
