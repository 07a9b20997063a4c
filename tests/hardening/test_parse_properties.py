"""The MIME parser and ingest on arbitrary and mutated mail: nothing is lost."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shareinbox.store import details, mirror, queries
from shareinbox.store.db import Store
from shareinbox.store.ingest import Incoming, Mailbox, PlainPolicy, ingest
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
