"""The team CLI against a running daemon: tables, JSON, exit codes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from shareinbox import paths
from shareinbox.cli import main
from tests.daemon.harness import REPO, InProcessDaemon
from tests.fixtures.seed import seed_thread

HOSTILE = "件名\x1b]52;c;ZXZpbA==\x07です\x1b[2J\u202e"


def _cli(
    daemon: InProcessDaemon, *argv: str, login: str | None = "suzuki"
) -> list[str]:
    base = ["--config", str(daemon.config.path)]
    return base + (["--as", login] if login else []) + list(argv)


def test_threads_json_and_table(
    daemon: InProcessDaemon, capsys: pytest.CaptureFixture[str]
) -> None:
    first = seed_thread(daemon.store, subject="返品のお願い", customer_name="山田 ①")
    seed_thread(
        daemon.store, subject=HOSTILE, customer_name="悪意", received_at=1_767_300_000
    )
    assert main(_cli(daemon, "threads", "--json")) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [t["id"] for t in listed][1] == first
    assert {"id", "account", "subject", "status", "assignee", "locked_by", "customer",
            "message_count", "last_message_at", "first_response_due"} <= set(listed[0])  # fmt: skip
    assert main(_cli(daemon, "threads")) == 0
    table = capsys.readouterr().out
    assert "\x1b" not in table
    assert "\u202e" not in table
    assert "件名]52;c;ZXZpbA==です" not in table  # OSC removed whole, not shown
    assert "件名です" in table
    rows = [line for line in table.splitlines() if "返品" in line or "件名" in line]
    starts = {
        cell_len(line.split("返品" if "返品" in line else "件名")[0]) for line in rows
    }
    assert len(rows) == 2
    assert len(starts) == 1  # the subject column starts at the same cell in both rows


def test_claim_conflict_exits_3(
    daemon: InProcessDaemon, capsys: pytest.CaptureFixture[str]
) -> None:
    thread_id = seed_thread(daemon.store)
    assert main(_cli(daemon, "claim", str(thread_id), login="tanaka")) == 0
    capsys.readouterr()
    assert main(_cli(daemon, "claim", str(thread_id))) == 3
    error = capsys.readouterr().err
    assert "田中 花子 (tanaka)" in error
    assert main(_cli(daemon, "release", str(thread_id), "--force")) == 1
    assert "only a supervisor" in capsys.readouterr().err


def test_triage_commands(
    daemon: InProcessDaemon, capsys: pytest.CaptureFixture[str]
) -> None:
    thread_id = seed_thread(daemon.store, customer_addr="hanako@example.jp")
    t = str(thread_id)
    assert main(_cli(daemon, "assign", t, "me")) == 0
    assert (
        main(
            _cli(
                daemon,
                "status",
                t,
                "waiting",
                "--reason",
                "warehouse",
                "--until",
                "2026-02-01",
            )
        )
        == 0
    )
    assert main(_cli(daemon, "note", t, "在庫確認中")) == 0
    assert (
        main(
            _cli(
                daemon,
                "memo",
                "再入荷の問い合わせ",
                "--customer",
                "hanako@example.jp",
                "--phone",
                "090-0000-0000",
            )
        )
        == 0
    )
    capsys.readouterr()
    assert main(_cli(daemon, "show", t, "--json")) == 0
    shown = json.loads(capsys.readouterr().out)
    thread = shown["thread"]
    assert (thread["assignee"], thread["status"], thread["waiting_reason"]) == (
        "suzuki",
        "waiting",
        "warehouse",
    )
    assert thread["waiting_until"] == "2026-02-01T00:00:00+09:00"
    assert [n["text"] for n in shown["notes"]] == ["在庫確認中"]
    assert main(_cli(daemon, "show", t)) == 0
    assert "在庫確認中" in capsys.readouterr().out
    assert main(_cli(daemon, "history", "hanako@example.jp")) == 0
    history = capsys.readouterr().out
    assert "再入荷の問い合わせ" in history
    assert main(_cli(daemon, "assign", t, "none")) == 0
    with pytest.raises(SystemExit) as refused:
        main(_cli(daemon, "status", t, "finished"))
    assert refused.value.code == 2


def test_search(daemon: InProcessDaemon, capsys: pytest.CaptureFixture[str]) -> None:
    hit = seed_thread(daemon.store, subject="至急", body="注文番号 123-4567 の件")
    seed_thread(daemon.store, subject="別件", body="在庫の確認")
    assert main(_cli(daemon, "search", "注文", "--json")) == 0
    found = json.loads(capsys.readouterr().out)
    assert [t["id"] for t in found] == [hit]


def test_audit_lists_filters_and_detects_tampering(
    daemon: InProcessDaemon, capsys: pytest.CaptureFixture[str]
) -> None:
    thread_id = seed_thread(daemon.store)
    assert main(_cli(daemon, "show", str(thread_id))) == 0
    assert main(_cli(daemon, "note", str(thread_id), "メモ", login="sato")) == 0
    capsys.readouterr()
    assert main(_cli(daemon, "audit", "--json", "--staff", "sato", login=None)) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [(e["actor"], e["action"]) for e in entries] == [("sato", "note")]
    assert (
        main(
            _cli(
                daemon,
                "audit",
                "--json",
                "--thread",
                str(thread_id),
                "--since",
                "2000-01-01",
                login=None,
            )
        )
        == 0
    )
    assert {e["action"] for e in json.loads(capsys.readouterr().out)} == {
        "view",
        "note",
    }
    assert main(_cli(daemon, "audit", "--verify", login=None)) == 0
    assert "intact" in capsys.readouterr().out
    assert main(_cli(daemon, "audit", "--verify")) == 1  # agents may not
    capsys.readouterr()
    db = sqlite3.connect(paths.database_file(daemon.config.server.data_dir))
    db.execute("DROP TRIGGER audit_no_update")
    db.execute("UPDATE audit SET actor = 'mallory' WHERE action = 'note'")
    db.commit()
    db.close()
    assert main(_cli(daemon, "audit", "--verify", login=None)) == 1
    report = capsys.readouterr().out
    assert "BROKEN" in report
    assert "changed after it was written" in report


def test_daemon_not_running(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.fixtures.configs import write_config

    config = write_config(tmp_path)
    assert main(["--config", str(config), "threads"]) == 1
    error = capsys.readouterr().err
    assert "the daemon is not running: start it with `shareinbox daemon`" in error


def test_a_real_cli_process(daemon: InProcessDaemon) -> None:
    seed_thread(daemon.store, subject="プロセス")
    done = subprocess.run(
        [sys.executable, "-m", "shareinbox", "--config", str(daemon.config.path), "threads", "--json"],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [t["subject"] for t in json.loads(done.stdout)] == ["プロセス"]
