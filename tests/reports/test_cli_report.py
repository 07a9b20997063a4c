"""`shareinbox report` against a running daemon: JSON, CSV and table output."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len

from shareinbox.cli import main
from tests.daemon.harness import InProcessDaemon, daemon_config, remove_tree, short_dir
from tests.reports.fixture import build


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[InProcessDaemon]:
    socket_dir = short_dir()
    running = InProcessDaemon(daemon_config(tmp_path, socket_dir)).start()
    build(running.store, running.config)
    yield running
    running.stop()
    remove_tree(socket_dir)


def _run(daemon: InProcessDaemon, *argv: str, login: str = "tanaka") -> list[str]:
    return ["--config", str(daemon.config.path), "--as", login, "report",
            "--since", "2026-03-02", "--until", "2026-03-04", *argv]  # fmt: skip


def test_json_and_csv_agree(
    daemon: InProcessDaemon, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_run(daemon, "--format", "json")) == 0
    report = json.loads(capsys.readouterr().out)
    assert [d["received"] for d in report["days"]] == [4, 2, 2]
    assert report["first_response"]["business"] == {"median": 5400.0, "p90": 14400.0}
    assert main(_run(daemon, "--format", "csv")) == 0
    text = capsys.readouterr().out
    blocks = [list(csv.reader(io.StringIO(b))) for b in text.split("\n\n")]
    days = blocks[0]
    assert days[0] == ["section", "date", "received", "new_threads", "replied",
                       "resolved"]  # fmt: skip
    assert days[1:] == [["days", "2026-03-02", "4", "3", "2", "1"],
                        ["days", "2026-03-03", "2", "2", "4", "3"],
                        ["days", "2026-03-04", "2", "2", "0", "0"]]  # fmt: skip
    first = dict(zip(blocks[1][0], blocks[1][1], strict=True))
    assert (first["median_business"], first["p90_calendar"]) == ("5400.0", "61200.0")
    # The daemon runs on the real clock, long after the fixture's "now": T6
    # is late by now too, so 4 within of 4 + 3 (T3, T5, T6) = 57.1%.
    assert first["within_sla_pct"] == "57.1"
    tags = [row for block in blocks for row in block if row[0] == "tags"]
    assert [row[1] for row in tags] == ["返品", "配送", ""]
    assert {row[0] for block in blocks for row in block[1:]} == {
        "days", "first_response", "backlog", "staff", "tags", "categories", "hours",
    }  # fmt: skip
    assert not text.startswith("\ufeff")
    assert main(_run(daemon, "--format", "csv", "--bom")) == 0
    assert capsys.readouterr().out == "\ufeff" + text


def test_table_aligns_japanese(
    daemon: InProcessDaemon, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_run(daemon)) == 0
    table = capsys.readouterr().out
    assert "57.1%" in table
    assert "1h 30m" in table  # median business 5400 s
    lines = table.splitlines()
    start = lines.index("tags")
    header, *rows = lines[start + 1 : start + 5]
    assert [row.split()[0] for row in rows] == ["返品", "配送", "-"]
    # THREADS is right-aligned: its numbers end at the same cell as the header
    end = cell_len(header[: header.index("THREADS") + len("THREADS")])
    for row in rows:
        head = _cells(row, end)
        assert cell_len(head) == end
        assert head[-1].isdigit()
        assert row[len(head)] == " "


def _cells(text: str, width: int) -> str:
    """The start of `text` that fills `width` terminal cells."""
    out = ""
    for char in text:
        if cell_len(out + char) > width:
            break
        out += char
    return out


def test_agents_may_not_read_the_report(
    daemon: InProcessDaemon, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_run(daemon, login="suzuki")) == 1
    assert "supervisor" in capsys.readouterr().err
