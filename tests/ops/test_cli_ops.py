"""`rules test` without a daemon; `spam` and `orders` against a real daemon."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from shareinbox.cli import main
from shareinbox.cli_ops import hyperlink
from tests.daemon.harness import InProcessDaemon, remove_tree, short_dir
from tests.ops.conftest import SHOP, mail, ops_config
from tests.ops.test_policy import RULES

RAKUTEN = "123456-20260301-0000000001"


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    ops_config(tmp_path, rules=RULES, spam='block = ["@spam.example"]')
    return tmp_path / "config.toml"


def eml(tmp_path: Path, raw: bytes) -> str:
    path = tmp_path / "test.eml"
    path.write_bytes(raw)
    return str(path)


def test_rules_test_prints_each_rule(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = mail(subject="ご注文ありがとうございます", body=f"返品 {RAKUTEN}")
    assert (
        main(["--config", str(config_path), "rules", "test", eml(tmp_path, raw)]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "from yamada@example.jp  subject ご注文ありがとうございます"
    assert out[2:] == [
        "1. 返品: match yes",
        "   why: yes: keywords (any of 2) found: '返品'",
        "   does: assign suzuki; tags 返品, 要確認; category returns",
        "2. 楽天: match no",
        "   why: no: sender yamada@example.jp matches none of @rakuten.co.jp",
        "3. 受注確認: match yes",
        "   why: yes: subject contains 'ご注文ありがとうございます'",
        "   does: status done; no notification; stop",
        "4. 迷惑: match skipped",
        "   why: not tried: an earlier rule stopped the list",
        "spam: no",
        f"orders: {RAKUTEN}",
    ]


def test_rules_test_json_and_spam(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = mail(sender="x@spam.example", headers="X-Spam-Status: Yes, score=7")
    argv = ["--config", str(config_path), "rules", "test", eml(tmp_path, raw), "--json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["spam"] == "X-Spam-Status: Yes"
    assert [r["match"] for r in report["rules"]] == [False, False, False, False]


def test_rules_test_errors(
    tmp_path: Path, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--config", str(config_path), "rules", "test"]
    assert main([*base, str(tmp_path / "missing.eml")]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert main([*base, eml(tmp_path, mail()), "--account", "nope"]) == 1
    assert "no account named 'nope'" in capsys.readouterr().err


def test_hyperlink() -> None:
    url = "https://oms.example/o/1"
    assert hyperlink("1", url, tty=True) == f"\x1b]8;;{url}\x1b\\1\x1b]8;;\x1b\\"
    assert hyperlink("1", url, tty=False) == f"1  {url}"
    assert hyperlink("1", "https://x/\x1b]52;\x07", tty=False) == "1  https://x/]52;"
    assert hyperlink("1", None, tty=True) == "1"


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[InProcessDaemon]:
    sockets = short_dir()
    script = tmp_path / "oms.py"
    script.write_text(
        "import json, sys\nprint(json.dumps({'status': '発送済み', 'items': ['湯呑み x2'],"
        " 'shipping': {'carrier': 'ヤマト'}}, ensure_ascii=False))\n",
        encoding="utf-8",
    )
    config = ops_config(
        tmp_path,
        server=f'socket = "{sockets / "s.sock"}"',
        orders=f'url = "https://oms.example/o/{{order_id}}"\ncommand = "{sys.executable} {script}"',
    )
    running = InProcessDaemon(config).start()
    yield running
    running.stop()
    remove_tree(sockets)


def _cli(daemon: InProcessDaemon, login: str, *argv: str) -> list[str]:
    return ["--config", str(daemon.config.path), "--as", login, *argv]


def test_spam_commands(
    daemon: InProcessDaemon, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_cli(daemon, "suzuki", "spam", "block", "@spam.example")) == 1
    assert "supervisor" in capsys.readouterr().err
    assert (
        main(_cli(daemon, "tanaka", "spam", "block", "@spam.example", "--note", "広告"))
        == 0
    )
    assert capsys.readouterr().out == "@spam.example blocked\n"
    assert main(_cli(daemon, "suzuki", "spam", "list")) == 0
    assert capsys.readouterr().out == "@spam.example  (tanaka)  広告\n"
    assert main(_cli(daemon, "tanaka", "spam", "unblock", "@spam.example")) == 0
    assert main(_cli(daemon, "tanaka", "spam", "unblock", "@spam.example")) == 1
    assert main(_cli(daemon, "tanaka", "spam", "block")) == 1


def _store_order_mail(daemon: InProcessDaemon) -> str:
    from shareinbox.policy import TeamPolicy
    from shareinbox.store import mirror
    from shareinbox.store.ingest import Incoming, Mailbox, ingest
    from shareinbox.sync.parse import parse_message

    raw = mail(body=f"注文番号 {RAKUTEN}")
    with daemon.store.write() as conn:
        account = mirror.ensure_account(conn, "support", SHOP)
        found = ingest(conn, Mailbox(account, frozenset({SHOP})),
                       Incoming(raw, parse_message(raw), 1_772_413_200.0),
                       policy=TeamPolicy(daemon.config), now=1_772_413_200.0)  # fmt: skip
    return str(found.thread_id)


def test_orders_command(
    daemon: InProcessDaemon, capsys: pytest.CaptureFixture[str]
) -> None:
    thread = _store_order_mail(daemon)
    assert main(_cli(daemon, "suzuki", "orders", thread, "--lookup")) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{RAKUTEN}  https://oms.example/o/{RAKUTEN}",
        f"{RAKUTEN}: 発送済み",
        "   湯呑み x2",
        "   shipping: carrier ヤマト",
    ]
    assert main(_cli(daemon, "suzuki", "orders", thread, "--json")) == 0
    assert json.loads(capsys.readouterr().out)["orders"][0]["order_id"] == RAKUTEN


def test_show_links_the_orders(
    daemon: InProcessDaemon, capsys: pytest.CaptureFixture[str]
) -> None:
    thread = _store_order_mail(daemon)
    assert main(_cli(daemon, "suzuki", "show", thread)) == 0
    out = capsys.readouterr().out
    assert f"  orders {RAKUTEN}  https://oms.example/o/{RAKUTEN}\n" in out
