"""The MIME parser and ingest on arbitrary and mutated mail: nothing is lost."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shareinbox.store import details, mirror, queries
from shareinbox.store.db import Store
from shareinbox.store.ingest import Incoming, Mailbox, PlainPolicy, ingest
from shareinbox.store.ingest_safe import ingest_or_raw
from shareinbox.sync.parse import ParsedMessage, parse_message

CORPUS = sorted((Path(__file__).parents[1] / "data/corpus/messages").iterdir())
SMALL = [p.read_bytes() for p in CORPUS if p.stat().st_size < 40_000]
FAST = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE = [
    b"\x00",
    b"\r",
    b"\n\n",
    b"\x1b[2J",
    b"=?",
    b"?=",
    b"=?utf-8?b?",
    b"=?iso-2022-jp?q?=1B$B",
    b"\x1b$B",
    b"--",
    b"boundary=",
    b'charset="x-unknown"',
    b"Content-Transfer-Encoding: base64\n",
    b"Content-Type: multipart/mixed; boundary=b\n",
    b"\n--b\n",
    b"\xff\xfe",
    b"\x82\xa0",
    b"\xe3\x81",
    b"filename*0*=utf-8''%E2%80%AE",
    b"Subject: ",
    b";;;",
    b"\x9b",
]


@st.composite
def mutated_mail(draw: st.DrawFn) -> bytes:
    """A corpus message with a few bytes cut, replaced or inserted."""
    raw = bytearray(draw(st.sampled_from(SMALL)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["cut", "insert", "flip", "truncate"]))
        if action == "cut":
            del raw[at : at + draw(st.integers(1, 200))]
        elif action == "insert":
            raw[at:at] = draw(st.sampled_from(HOSTILE) | st.binary(max_size=8))
        elif action == "flip" and at < len(raw):
            raw[at] = draw(st.integers(0, 255))
        else:
            del raw[at:]
    return bytes(raw)


any_mail = mutated_mail() | st.binary(max_size=400) | st.sampled_from(SMALL)


def check_parsed(parsed: ParsedMessage) -> None:
    """What every parse must give, whatever the input."""
    assert isinstance(parsed.subject, str)
    assert "\n" not in parsed.subject
    assert "\r" not in parsed.subject
    assert isinstance(parsed.text, str)
    for attachment in parsed.attachments:
        assert attachment.filename
        assert "/" not in attachment.filename
        assert "\\" not in attachment.filename
        assert not attachment.filename.startswith(".")


@FAST
@given(any_mail)
def test_parser_never_raises_and_gives_subject_and_text(raw: bytes) -> None:
    check_parsed(parse_message(raw))


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_every_corpus_mail_cut_anywhere_parses(path: Path) -> None:
    raw = path.read_bytes()
    for at in range(0, len(raw), max(len(raw) // 16, 1)):
        check_parsed(parse_message(raw[:at]))


@pytest.fixture(scope="module")
def shared_store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "s.db")
        yield store
        store.close()


ACCOUNTS = itertools.count()


@FAST
@given(raw=any_mail)
def test_ingest_stores_every_message_raw_and_lists_it(
    shared_store: Store, raw: bytes
) -> None:
    # A new account per example: each message is new to its account.
    with shared_store.write() as conn:
        account = mirror.ensure_account(conn, f"a{next(ACCOUNTS)}", "shop@example.test")
        stored = ingest(
            conn,
            Mailbox(account, frozenset({"shop@example.test"})),
            Incoming(raw, parse_message(raw), 1_750_000_000.0),
            policy=PlainPolicy(),
            now=1_750_000_000.0,
        )
    assert stored.created
    with shared_store.read() as conn:
        assert details.raw_message(conn, stored.message_id) == raw
        listed = queries.list_threads(conn, "t.account_id = ?", [account], limit=5)
        assert [row["id"] for row in listed] == [stored.thread_id]
        assert stored.thread_id is not None
        shown = details.messages(conn, stored.thread_id)
        assert [row["id"] for row in shown] == [stored.message_id]
        assert isinstance(shown[0]["body_text"], str)


def test_raw_bytes_in_message_ids_are_stored_and_kept_apart(tmp_path: Path) -> None:
    """Found by the property above: an 8-bit Message-ID made ingest raise."""
    store = Store(tmp_path / "s.db")
    stored = []
    for byte in (b"\x80", b"\xff"):
        raw = (
            b"Message-ID: <" + byte + b"id@example.jp>\r\nIn-Reply-To: <\xfe@x>\r\n"
            b"Subject: 8bit\r\nFrom: a@example.jp\r\n\r\nbody\r\n"
        )
        with store.write() as conn:
            account = mirror.ensure_account(conn, "support", "shop@example.test")
            stored.append(
                ingest(
                    conn,
                    Mailbox(account, frozenset({"shop@example.test"})),
                    Incoming(raw, parse_message(raw), 1_750_000_000.0),
                    policy=PlainPolicy(),
                    now=1_750_000_000.0,
                )
            )
    assert [s.created for s in stored] == [True, True]
    with store.read() as conn:
        ids = [r[0] for r in conn.execute("SELECT message_id FROM message ORDER BY id")]
    store.close()
    assert ids == ["<\\x80id@example.jp>", "<\\xffid@example.jp>"]


def test_a_message_ingest_cannot_store_is_kept_as_raw_text(tmp_path: Path) -> None:
    """The safety net under the sync: whatever makes `ingest` fail (here a
    lone surrogate no parser gives today) stores the mail as raw text, so
    the batch commits and the folder does not stall."""
    raw = b"Subject: ok\r\nFrom: a@example.jp\r\nIn-Reply-To: <x@y>\r\n\r\n\xe8\xbf\x94\r\n"
    broken = replace(parse_message(raw), in_reply_to="\udc80@example.jp")
    store = Store(tmp_path / "s.db")
    with store.write() as conn:
        account = mirror.ensure_account(conn, "support", "shop@example.test")
    mailbox = Mailbox(account, frozenset({"shop@example.test"}))
    with pytest.raises(UnicodeEncodeError), store.write() as conn:
        ingest(
            conn,
            mailbox,
            Incoming(raw, broken, 1_750_000_000.0),
            policy=PlainPolicy(),
            now=1_750_000_000.0,
        )
    with store.write():  # the caller's batch transaction
        stored = ingest_or_raw(
            store,
            mailbox,
            Incoming(raw, broken, 1_750_000_000.0),
            policy=PlainPolicy(),
            now=1_750_000_000.0,
        )
        after = ingest_or_raw(
            store,
            mailbox,
            Incoming(
                b"Subject: next\r\n\r\nnext\r\n",
                parse_message(b"Subject: next\r\n\r\nnext\r\n"),
                1_750_000_001.0,
            ),
            policy=PlainPolicy(),
            now=1_750_000_001.0,
        )
    with store.read() as conn:
        assert details.raw_message(conn, stored.message_id) == raw
        row = conn.execute(
            "SELECT m.subject, m.parse_error, b.text FROM message m"
            " JOIN message_body b ON b.message_id = m.id WHERE m.id = ?",
            (stored.message_id,),
        ).fetchone()
        assert after.created
        assert conn.execute("SELECT count(*) FROM message").fetchone()[0] == 2
    store.close()
    assert row["subject"] == "ok"
    assert "UnicodeEncodeError" in row["parse_error"]
    assert "返" in row["text"]
