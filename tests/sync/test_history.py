"""The first sync of an existing mailbox files old mail as history."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shareinbox.policy import TeamPolicy
from shareinbox.store import search
from shareinbox.sync.engine import SyncOptions, sync_account
from shareinbox.sync.reports import AccountReport
from tests.fixtures import dovecot
from tests.ops.conftest import ops_config
from tests.sync.conftest import NOW, Mirror, make_mirror
from tests.sync.mail import message
from tests.sync.test_recovery import hard_restart

pytestmark = pytest.mark.imap

DAY = 86400.0
RULES = '[[rule]]\nname = "返品"\nkeywords = ["返品"]\nassign = "suzuki"\n'
# Received this many days before the first sync, each from its own customer.
AGES = {"old60": 60.0, "old20": 20.0, "yesterday": 1.0, "today": 0.1}


def dated(tag: str, n: int, days_before: float) -> tuple[bytes, datetime]:
    """A returns mail with subject `tag`, received `days_before` days before NOW."""
    raw = message(n, subject=f"返品 {tag}", sender=(tag, f"{tag}@example.jp"))
    return raw, datetime.fromtimestamp(NOW - days_before * DAY, UTC)


def put(mirror: Mirror, *mails: tuple[bytes, datetime]) -> None:
    """Append mail with the given INTERNALDATEs, from another client."""
    other = mirror.other()
    try:
        for raw, when in mails:
            other.append("INBOX", raw, flags=(), when=when)
    finally:
        other.close()


def threads(mirror: Mirror) -> dict[str, tuple[str, bool, str | None]]:
    """Subject tag -> (status, has a first-response deadline, assignee)."""
    rows = mirror.rows(
        "SELECT subject, status, first_response_due_at, assignee FROM thread"
    )
    return {r[0].split()[-1]: (r[1], r[2] is not None, r[3]) for r in rows}


Sync = Callable[..., AccountReport]


@pytest.fixture
def team_sync(tmp_path: Path) -> Callable[[Mirror], Sync]:
    """A sync of `mirror` with the team's rules (one assigns returns mail)."""
    config = ops_config(tmp_path, rules=RULES)
    policy = TeamPolicy(config)

    def bind(mirror: Mirror) -> Sync:
        with mirror.store.write() as conn:
            policy.seed(conn, now=NOW)

        def run(history_days: int = 14, **options: object) -> AccountReport:
            mirror.clock.advance(60)
            return sync_account(
                mirror.store, mirror.account, mirror.server.password, policy,
                mirror.clock,
                options=SyncOptions(history_days=history_days, **options),  # type: ignore[arg-type]
            )  # fmt: skip

        return run

    return bind


def test_first_sync_files_old_mail_as_history(
    mirror: Mirror, team_sync: Callable[[Mirror], Sync]
) -> None:
    sync = team_sync(mirror)
    put(mirror, *(dated(tag, n, age) for n, (tag, age) in enumerate(AGES.items())))
    report = sync()
    assert report.ok, report.error
    assert (report.folders[0].new, report.folders[0].history) == (4, 2)
    assert threads(mirror) == {
        "old60": ("done", False, None),
        "old20": ("done", False, None),
        "yesterday": ("new", True, "suzuki"),
        "today": ("new", True, "suzuki"),
    }
    sources = mirror.rows("SELECT subject, source FROM message ORDER BY id")
    assert [r[1] for r in sources] == ["history", "history", "imap", "imap"]
    # The rules left a trail for the live mail only.
    audited = mirror.rows(
        "SELECT t.subject FROM audit a JOIN thread t ON t.id = a.thread_id"
    )
    assert {r[0] for r in audited} == {"返品 yesterday", "返品 today"}
    # History raises no toast.
    quiet = {
        r[0]: json.loads(r[1]).get("notify", True)
        for r in mirror.rows(
            "SELECT t.subject || ' ' || e.kind, e.data FROM event e"
            " JOIN thread t ON t.id = e.thread_id"
            " WHERE e.kind IN ('message.new', 'thread.new')"
        )
    }
    assert quiet == {
        "返品 old60 message.new": False,
        "返品 old60 thread.new": False,
        "返品 old20 message.new": False,
        "返品 old20 thread.new": False,
        "返品 yesterday message.new": True,
        "返品 yesterday thread.new": True,
        "返品 today message.new": True,
        "返品 today thread.new": True,
    }
    with mirror.store.read() as conn:
        assert len(search.search_threads(conn, "old60")) == 1
    folder = mirror.rows("SELECT first_sync_at, history_before FROM folder")[0]
    assert (folder[0], folder[1]) == (NOW + 60, None)  # the first sync is over

    # Old-dated mail that arrives later is new to the team: live.
    put(mirror, dated("late", 9, 60.0))
    report = sync()
    assert (report.folders[0].new, report.folders[0].history) == (1, 0)
    assert threads(mirror)["late"] == ("new", True, "suzuki")


def test_history_days_zero_keeps_everything_live(
    mirror: Mirror, team_sync: Callable[[Mirror], Sync]
) -> None:
    sync = team_sync(mirror)
    put(mirror, *(dated(tag, n, age) for n, (tag, age) in enumerate(AGES.items())))
    report = sync(history_days=0)
    assert report.ok, report.error
    assert report.folders[0].history == 0
    assert threads(mirror) == {tag: ("new", True, "suzuki") for tag in AGES}


def test_uidvalidity_resync_is_not_a_first_sync(
    mirror: Mirror, team_sync: Callable[[Mirror], Sync]
) -> None:
    sync = team_sync(mirror)
    put(mirror, dated("recent", 1, 1.0))
    assert sync().ok
    with mirror.store.write() as conn:  # as if the server renumbered the folder
        conn.execute("UPDATE folder SET uidvalidity = uidvalidity + 1")
    put(mirror, dated("old", 2, 60.0))
    report = sync()
    assert report.ok, report.error
    assert report.folders[0].mode == "full"
    assert (report.folders[0].new, report.folders[0].history) == (1, 0)
    assert threads(mirror)["old"] == ("new", True, "suzuki")


@pytest.fixture
def restartable(
    private_server: dovecot.DovecotServer, tmp_path: Path
) -> Iterator[Mirror]:
    m = make_mirror(private_server, tmp_path)
    yield m
    if private_server.process is None:
        private_server.start()
    m.store.close()


def test_first_sync_cut_short_keeps_its_cutoff(
    restartable: Mirror, team_sync: Callable[[Mirror], Sync]
) -> None:
    mirror = restartable
    sync = team_sync(mirror)
    filler = [dated(f"f{n}", n, 30.0 if n % 2 else 2.0) for n in range(6)]
    # Seen only after the restart, which comes 20 days later: by the first
    # sync's cutoff (14 days before it began) `d10` is live and `d20` history.
    put(mirror, *filler, dated("d10", 7, 10.0), dated("d20", 8, 20.0))
    commits = 0

    def restart_after_two_batches() -> None:
        nonlocal commits
        commits += 1
        if commits == 3:  # metadata + 2 batches committed
            hard_restart(mirror.server)

    report = sync(batch_size=2, on_commit=restart_after_two_batches)
    assert not report.ok
    assert mirror.count("message") == 6
    cutoff = NOW + 60 - 14 * DAY
    assert tuple(mirror.rows("SELECT history_before FROM folder")[0]) == (cutoff,)
    mirror.clock.advance(20 * DAY)
    report = sync(batch_size=2)
    assert report.ok, report.error
    assert (report.folders[0].new, report.folders[0].history) == (2, 1)
    found = threads(mirror)
    assert (found["d10"], found["d20"]) == (
        ("new", True, "suzuki"),
        ("done", False, None),
    )
    assert [found[f"f{n}"][0] for n in range(6)] == ["new", "done"] * 3
    assert tuple(mirror.rows("SELECT history_before FROM folder")[0]) == (None,)
