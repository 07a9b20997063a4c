"""The sync plan: server state + stored cursor -> what to fetch (table-driven)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shareinbox.sync import uidset
from shareinbox.sync.plan import (
    Capabilities,
    Cursor,
    Mode,
    Plan,
    ServerFolder,
    gone_uids,
    new_uids,
    plan_sync,
)

QRESYNC = Capabilities(condstore=True, qresync=True)
CONDSTORE = Capabilities(condstore=True)
PLAIN = Capabilities()
SYNCED = Cursor(uidvalidity=7, uidnext=101, highestmodseq=500, last_full_scan_at=0.0)


@pytest.mark.parametrize(
    ("server", "stored", "local", "caps", "mode", "rematch", "new_from", "since"),
    [
        pytest.param(
            ServerFolder(7, 101, 100, 500), Cursor(), 0, QRESYNC,
            Mode.FULL, False, 1, None, id="first-sync",
        ),
        pytest.param(
            ServerFolder(7, 101, 100, 500), SYNCED, 100, QRESYNC,
            Mode.UNCHANGED, False, 101, None, id="nothing-changed",
        ),
        pytest.param(
            ServerFolder(7, 103, 102, 502), SYNCED, 100, QRESYNC,
            Mode.QRESYNC, False, 101, 500, id="new-mail-qresync",
        ),
        pytest.param(
            ServerFolder(7, 103, 102, 502), SYNCED, 100, CONDSTORE,
            Mode.CONDSTORE, False, 101, 500, id="new-mail-condstore",
        ),
        pytest.param(
            ServerFolder(7, 101, 100, 501), SYNCED, 100, QRESYNC,
            Mode.QRESYNC, False, 101, 500, id="flag-changed",
        ),
        pytest.param(
            ServerFolder(7, 101, 99, 500), SYNCED, 100, QRESYNC,
            Mode.QRESYNC, False, 101, 500, id="count-differs-same-modseq",
        ),
        pytest.param(
            ServerFolder(9, 50, 49, 80), SYNCED, 100, QRESYNC,
            Mode.FULL, True, 1, None, id="uidvalidity-changed",
        ),
        pytest.param(
            ServerFolder(7, 101, 100, 30), SYNCED, 100, QRESYNC,
            Mode.FULL, True, 1, None, id="modseq-regression",
        ),
        pytest.param(
            ServerFolder(7, 101, 100, None), SYNCED, 100, PLAIN,
            Mode.FLAGSCAN, False, 101, None, id="no-condstore-server",
        ),
        pytest.param(
            ServerFolder(7, 101, 100, None), SYNCED, 100, CONDSTORE,
            Mode.FLAGSCAN, False, 101, None, id="nomodseq-folder",
        ),
        pytest.param(
            ServerFolder(7, 101, 100, 500), Cursor(7, 101, None, 0.0), 100, QRESYNC,
            Mode.FLAGSCAN, False, 101, None, id="cursor-without-modseq",
        ),
        pytest.param(
            ServerFolder(7, 101, 100, 30), SYNCED, 100, PLAIN,
            Mode.FLAGSCAN, False, 101, None, id="modseq-ignored-without-condstore",
        ),
        pytest.param(
            ServerFolder(7, 101, 100, 500), Cursor(7, None, None), 0, QRESYNC,
            Mode.FULL, False, 1, None, id="half-written-cursor",
        ),
    ],
)  # fmt: skip
def test_plan(
    server: ServerFolder,
    stored: Cursor,
    local: int,
    caps: Capabilities,
    mode: Mode,
    rematch: bool,
    new_from: int,
    since: int | None,
) -> None:
    plan = plan_sync(server, stored, local_count=local, caps=caps, now=10.0)
    assert (plan.mode, plan.rematch, plan.new_from, plan.changed_since) == (
        mode,
        rematch,
        new_from,
        since,
    )
    assert plan.reason


@pytest.mark.parametrize(
    ("last_scan", "mode"),
    [
        pytest.param(None, Mode.FLAGSCAN, id="never-scanned"),
        pytest.param(0.0, Mode.FLAGSCAN, id="scan-due"),
        pytest.param(90_000.0, Mode.UNCHANGED, id="scanned-recently"),
    ],
)
def test_periodic_reconciliation(last_scan: float | None, mode: Mode) -> None:
    stored = Cursor(7, 101, 500, last_scan)
    plan = plan_sync(
        ServerFolder(7, 101, 100, 500),
        stored,
        local_count=100,
        caps=QRESYNC,
        now=100_000.0,
        full_scan_every=86_400.0,
    )
    assert plan.mode is mode


@pytest.mark.parametrize(
    ("mode", "server", "local", "expected"),
    [
        pytest.param(Mode.FULL, [1, 2, 5], [1, 2], [1, 2, 5], id="full-fetches-all"),
        pytest.param(Mode.FLAGSCAN, [1, 2, 5, 200], [1, 5], [2, 200], id="scan-gaps"),
        pytest.param(Mode.QRESYNC, [1, 2, 100, 101, 150], [1], [101, 150], id="qresync-new"),
        pytest.param(Mode.CONDSTORE, [101, 102], [101], [102], id="condstore-resume"),
        pytest.param(Mode.CONDSTORE, [], [], [], id="empty"),
    ],
)  # fmt: skip
def test_new_uids(
    mode: Mode, server: list[int], local: list[int], expected: list[int]
) -> None:
    assert new_uids(Plan(mode, "test", new_from=101), server, local) == expected


def test_gone_uids_only_below_cursor() -> None:
    assert gone_uids([1, 3, 120], [1, 2, 3, 4, 150], below=101) == [2, 4]


def test_known_uids_is_a_range() -> None:
    assert Plan(Mode.QRESYNC, "t", new_from=100_001).known_uids == "1:100000"
    assert Plan(Mode.QRESYNC, "t", new_from=1).known_uids is None


@pytest.mark.parametrize(
    ("uids", "text"),
    [
        pytest.param([], "", id="empty"),
        pytest.param([3], "3", id="one"),
        pytest.param([5, 1, 2, 3, 9, 9], "1:3,5,9", id="mixed"),
        pytest.param(list(range(1, 100_001)), "1:100000", id="100k-is-short"),
    ],
)
def test_compress(uids: list[int], text: str) -> None:
    assert uidset.compress(uids) == text


@given(st.sets(st.integers(min_value=1, max_value=5000)))
def test_compress_parse_round_trip(uids: set[int]) -> None:
    assert uidset.parse(uidset.compress(uids)) == sorted(uids)


def test_parse_star_and_reversed() -> None:
    assert uidset.parse(b"9:7,1", star=None) == [1, 7, 8, 9]
    assert uidset.parse("5:*", star=6) == [5, 6]
    with pytest.raises(ValueError, match="highest UID"):
        uidset.parse("5:*")
    with pytest.raises(ValueError, match="not a UID"):
        uidset.parse("a:b")
