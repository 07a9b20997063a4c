"""Spam, block list and order look-ups as team operations on a real store."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from shareinbox.errors import Conflict, NotFound, PermissionDenied, ProtocolError
from shareinbox.order_lookup import order_url, parse_output
from shareinbox.service import core
from shareinbox.service import operations as _operations
from shareinbox.store import queries
from tests.ops.conftest import MONDAY_10, Inbox, mail

assert _operations.MODULES
Factory = Callable[..., Inbox]
RAKUTEN = "123456-20260301-0000000001"


def ctx(inbox: Inbox, login: str) -> core.Context:
    staff = inbox.config.staff_by_login(login)
    assert staff is not None
    from shareinbox.clock import ManualClock

    clock = ManualClock(MONDAY_10 + 60)
    return core.Context(inbox.store, inbox.config, core.Actor.from_staff(staff), clock)


def call(inbox: Inbox, login: str, op: str, **args: object) -> dict[str, object]:
    result: dict[str, object] = core.call(ctx(inbox, login), op, args)
    return result


def view_ids(inbox: Inbox, view: str) -> list[int]:
    scope = queries.ViewScope("suzuki", MONDAY_10 + 60, inbox.config.shop.tz)
    where, params = queries.view_clause(view, scope)
    with inbox.store.read() as conn:
        return [r["id"] for r in queries.list_threads(conn, where, params, limit=100)]


def test_mark_spam_blocks_sender_and_restore(inbox_factory: Factory) -> None:
    inbox = inbox_factory()
    thread = inbox.put(mail(sender="pest@junk.example")).thread_id
    result = call(inbox, "suzuki", "mark_spam", thread_id=thread, block_sender=True)
    assert result["status"] == "spam"
    assert thread not in view_ids(inbox, "all") + view_ids(inbox, "new")
    assert view_ids(inbox, "spam") == [thread]
    blocked = call(inbox, "suzuki", "list_blocklist")["blocked"]
    assert isinstance(blocked, list)
    assert [(b["pattern"], b["note"]) for b in blocked] == [
        ("pest@junk.example", f"thread:{thread}")
    ]
    # The next mail from the sender goes straight to spam.
    again = inbox.put(
        mail(sender="pest@junk.example", subject="再送", message_id="<m9@x>")
    )
    assert (
        inbox.thread(again.thread_id)["spam_reason"]
        == "sender blocked (pest@junk.example)"
    )
    restored = call(inbox, "suzuki", "restore_spam", thread_id=thread, unblock=True)
    assert restored["status"] == "new"
    assert call(inbox, "suzuki", "list_blocklist")["blocked"] == []
    actions = [
        r[0] for r in inbox.rows("SELECT action FROM audit WHERE actor = 'suzuki'")
    ]
    assert actions == ["spam", "unspam"]
    with pytest.raises(Conflict, match="not spam"):
        call(inbox, "suzuki", "restore_spam", thread_id=thread)


def test_spam_respects_someone_else_s_lock(inbox_factory: Factory) -> None:
    inbox = inbox_factory()
    thread = inbox.put(mail()).thread_id
    call(inbox, "tanaka", "claim", thread_id=thread)
    with pytest.raises(Conflict, match="locked"):
        call(inbox, "suzuki", "mark_spam", thread_id=thread)
    call(inbox, "tanaka", "mark_spam", thread_id=thread)
    assert inbox.thread(thread)["locked_by"] is None


def test_block_and_unblock_need_a_supervisor(inbox_factory: Factory) -> None:
    inbox = inbox_factory(spam='block = ["@config.example"]')
    with pytest.raises(PermissionDenied):
        call(inbox, "suzuki", "block", pattern="@spam.example")
    added = call(inbox, "tanaka", "block", pattern=" @SPAM.example ", note="広告")
    assert added["added"] is True
    assert call(inbox, "tanaka", "block", pattern="@spam.example")["added"] is False
    with pytest.raises(ProtocolError, match="not an address"):
        call(inbox, "tanaka", "block", pattern="spam")
    with pytest.raises(Conflict, match=r"\[spam\] block"):
        call(inbox, "tanaka", "unblock", pattern="@config.example")
    assert call(inbox, "tanaka", "unblock", pattern="@spam.example") == {
        "removed": "@spam.example"
    }
    with pytest.raises(NotFound):
        call(inbox, "tanaka", "unblock", pattern="@spam.example")
    listed = call(inbox, "suzuki", "list_blocklist")["blocked"]
    assert isinstance(listed, list)
    assert [b["from_config"] for b in listed] == [True]


def test_config_block_list_follows_the_file(tmp_path: Path) -> None:
    from tests.ops.conftest import make_inbox

    first = make_inbox(tmp_path, spam='block = ["@a.example", "@b.example"]')
    with first.store.write() as conn:
        from shareinbox.store import sorting

        sorting.add_block(conn, "x@c.example", by="tanaka", now=MONDAY_10)
    first.store.close()
    second = make_inbox(tmp_path, spam='block = ["@b.example"]')
    rows = second.rows("SELECT pattern FROM blocklist ORDER BY pattern")
    assert [r[0] for r in rows] == ["@b.example", "x@c.example"]
    second.store.close()


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return f"{sys.executable} {path}"


GOOD = """import json, sys
print(json.dumps({"status": "発送済み", "items": [{"name": "湯呑み", "quantity": 2}],
                  "shipping": {"carrier": "ヤマト運輸"}, "order": sys.argv[-1]},
                 ensure_ascii=False))
"""


@pytest.mark.parametrize(
    ("body", "ok", "error"),
    [
        (GOOD, True, None),
        ("print('not json')", False, "did not print JSON"),
        ("print('[1, 2]')", False, "not an object"),
        ("print('{\"status\": 3}')", False, "status is not a string"),
        ("import sys; sys.stderr.write('no such order\\n'); sys.exit(4)", False,
         "failed (exit 4): no such order"),
        ("import time; time.sleep(30)", False, "longer than 1 s"),
    ],
)  # fmt: skip
def test_order_info(
    inbox_factory: Factory, tmp_path: Path, body: str, ok: bool, error: str | None
) -> None:
    command = script(tmp_path, "order.py", body)
    orders = (
        f'command = "{command}"\ntimeout = 1\n'
        'url = "https://oms.example/search?q={order_id}&x=1"'
    )
    inbox = inbox_factory(orders=orders)
    thread = inbox.put(mail(body=f"注文番号{RAKUTEN}の件です")).thread_id
    result = call(inbox, "suzuki", "order_info", thread_id=thread, order_id=RAKUTEN)
    assert result["ok"] is ok
    assert result["url"] == f"https://oms.example/search?q={RAKUTEN}&x=1"
    if error is None:
        assert result["error"] is None
        assert result["status"] == "発送済み"
        assert result["items"] == [{"name": "湯呑み", "quantity": 2}]
        assert result["shipping"] == {"carrier": "ヤマト運輸"}
    else:
        assert error in str(result["error"])
        assert result["status"] == ""


def test_order_info_only_for_the_thread_s_orders(inbox_factory: Factory) -> None:
    inbox = inbox_factory(orders='command = "/bin/false"')
    thread = inbox.put(mail(body=f"注文 {RAKUTEN}")).thread_id
    with pytest.raises(NotFound):
        call(
            inbox,
            "suzuki",
            "order_info",
            thread_id=thread,
            order_id="999-1234567-1234567",
        )
    missing = call(inbox, "suzuki", "order_info", thread_id=thread, order_id=RAKUTEN)
    assert missing["ok"] is False


def test_missing_command_is_an_error_message(inbox_factory: Factory) -> None:
    inbox = inbox_factory(orders='command = "/nonexistent/oms-lookup --json"')
    thread = inbox.put(mail(body=f"注文 {RAKUTEN}")).thread_id
    result = call(inbox, "suzuki", "order_info", thread_id=thread, order_id=RAKUTEN)
    assert "could not run" in str(result["error"])


def test_thread_orders_with_links(inbox_factory: Factory) -> None:
    inbox = inbox_factory(orders='url = "https://oms.example/o/{order_id}"')
    thread = inbox.put(mail(body=f"{RAKUTEN} と 249-1234567-7654321")).thread_id
    result = call(inbox, "suzuki", "thread_orders", thread_id=thread)
    assert result == {
        "orders": [
            {"order_id": RAKUTEN, "url": f"https://oms.example/o/{RAKUTEN}"},
            {"order_id": "249-1234567-7654321",
             "url": "https://oms.example/o/249-1234567-7654321"},
        ],
        "lookup": False,
    }  # fmt: skip


def test_order_url_quotes_the_id() -> None:
    assert (
        order_url("https://x/?q={order_id}", "A&B/1 #")
        == "https://x/?q=A%26B%2F1%20%23"
    )
    assert order_url("", "1") is None


def test_parse_output_limits() -> None:
    assert not parse_output("1", b"{" + b" " * 300_000 + b"}").ok
    assert not parse_output("1", b"\xff").ok
    assert not parse_output("1", json.dumps({"shipping": 3}).encode()).ok
    assert parse_output("1", json.dumps({"shipping": "佐川"}).encode()).ok


def test_team_settings(inbox_factory: Factory) -> None:
    inbox = inbox_factory(
        sla='holidays = ["2026-05-04"]\nreminder_before = "15m"',
        orders='url = "https://oms.example/o/{order_id}"',
        rules='[[rule]]\nname = "返品"\nsubject = ["返品"]\n',
    )
    assert call(inbox, "suzuki", "team_settings") == {
        "timezone": "Asia/Tokyo",
        "waiting_reasons": ["customer", "supplier", "返金待ち"],
        "sla": {"first_response": 10800, "reminder_before": 900,
                "days": ["mon", "tue", "wed", "thu", "fri"],
                "start": "09:00", "end": "18:00", "holidays": ["2026-05-04"]},
        "orders": {"url": True, "lookup": False},
        "rules": ["返品"],
    }  # fmt: skip


def _gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in status  # a zombie left for init to reap


def test_timeout_kills_the_command_s_children(tmp_path: Path) -> None:
    import time

    from shareinbox.order_lookup import run_lookup
    from tests.daemon.harness import wait_for

    pid_file = tmp_path / "child.pid"
    command = script(
        tmp_path,
        "slow.py",
        "import subprocess, sys, time\n"
        "child = subprocess.Popen(['sleep', '60'])\n"  # holds stdout and stderr
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n",
    )
    started = time.monotonic()
    result = run_lookup(command, RAKUTEN, 1.0)
    assert "longer than 1 s" in result.error
    assert time.monotonic() - started < 10
    wait_for(lambda: _gone(int(pid_file.read_text())), 5)


def test_lookups_are_limited_and_ids_checked(tmp_path: Path) -> None:
    from shareinbox import order_lookup

    command = script(tmp_path, "good.py", GOOD)
    assert order_lookup.run_lookup(command, RAKUTEN, 5).ok
    assert "not an order number" in order_lookup.run_lookup(command, "-rf", 5).error
    assert "cannot be split" in order_lookup.run_lookup('"open', RAKUTEN, 5).error
    with order_lookup._RUNNING, order_lookup._RUNNING:
        busy = order_lookup.run_lookup(command, RAKUTEN, 5)
    assert "try again" in busy.error
    assert order_lookup.run_lookup(command, RAKUTEN, 5).ok
