"""The sample loaded into a fresh store: threads, statuses, team work."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shareinbox import paths
from shareinbox.clock import ManualClock
from shareinbox.config import Config, load_config
from shareinbox.demo.load import load_sample
from shareinbox.demo.sample import generate
from shareinbox.demo.setup import demo_roles, write_demo_config
from shareinbox.service import core
from shareinbox.store.db import Store

# A Wednesday afternoon: the sample's overdue mail is late in business time too.
NOW = datetime(2026, 3, 4, 15, 30, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp()


@pytest.fixture
def loaded(tmp_path: Path) -> Iterator[tuple[Store, Config, dict[str, int]]]:
    config = load_config(write_demo_config(tmp_path, "alice", "ja"))
    store = Store(paths.database_file(config.server.data_dir))
    threads = load_sample(store, config, generate(NOW), demo_roles("alice"))
    yield store, config, threads
    store.close()


def _call(store: Store, config: Config, op: str, **args: Any) -> Any:
    staff = config.staff_by_login("alice")
    assert staff is not None
    ctx = core.Context(store, config, core.Actor.from_staff(staff),
                       clock=ManualClock(NOW))  # fmt: skip
    return core.call(ctx, op, args)


def test_config_names_the_runner_admin(tmp_path: Path) -> None:
    config = load_config(write_demo_config(tmp_path, "manager", "ja"))
    assert [(s.login, s.role, s.needs_approval) for s in config.staff] == [
        ("manager", "admin", False), ("manager2", "supervisor", False),
        ("trainee", "agent", True),
    ]  # fmt: skip
    assert config.shop.name == "〇〇ショップ"
    assert config.language == "ja"
    assert config.server.socket.parent == tmp_path


def test_statuses_and_views(loaded: tuple[Store, Config, dict[str, int]]) -> None:
    store, config, threads = loaded
    counts = _call(store, config, "view_counts")
    assert counts["overdue"] == 1
    assert counts["spam"] == 1
    assert counts["waiting"] == 2
    overdue = _call(store, config, "list_threads", view="overdue")["threads"]
    assert [t["id"] for t in overdue] == [threads["suzuki-refund"]]
    shown = _call(store, config, "show_thread", thread_id=threads["yamada-exchange"])
    thread = shown["thread"]
    assert (thread["status"], thread["waiting_reason"]) == ("waiting", "warehouse")
    assert thread["assignee"] == "trainee"
    assert [n["author"] for n in shown["notes"]] == ["trainee"]
    assert thread["tags"] == ["返品・交換"]
    gift = _call(store, config, "show_thread", thread_id=threads["sato-gift"])
    assert gift["memos"][0]["phone"] == "090-1234-5678"
    assert gift["orders"][0].startswith("398112-")
    senders = {m["sent_by"] for m in shown["messages"] if m["direction"] == "out"}
    assert senders == {"trainee"}
    (pending,) = _call(store, config, "list_outbox", state="awaiting_approval")[
        "outbox"
    ]
    assert (pending["author"], pending["thread_id"]) == (
        "trainee",
        threads["sato-gift"],
    )


def test_customers_search_and_report(
    loaded: tuple[Store, Config, dict[str, int]],
) -> None:
    store, config, threads = loaded
    history = _call(store, config, "customer_history", address="yamada.taro@example.jp")
    assert len(history["threads"]) == 3
    found = _call(store, config, "search", query="返金")["threads"]
    assert {t["id"] for t in found} >= {
        threads["suzuki-refund"],
        threads["suzuki-damaged"],
    }
    report = _call(store, config, "report")
    assert report["first_response"]["answered"] > 0
    assert sum(d["received"] for d in report["days"]) > 5
    assert {s["login"] for s in report["staff"] if s["replies"]} == {
        "alice", "manager", "trainee",
    }  # fmt: skip
