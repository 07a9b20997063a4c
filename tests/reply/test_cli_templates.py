"""`shareinbox templates` without a daemon: check exit codes, list, show."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shareinbox.cli import main
from tests.daemon.harness import REPO
from tests.fixtures.configs import write_config
from tests.reply.helpers import BODY_LINE, write_template


def _config(tmp_path: Path, team: Path) -> Path:
    path = write_config(tmp_path, shop='name = "テスト商店"\nlanguage = "ja"')
    text = path.read_text(encoding="utf-8") + f'\n[templates]\ndir = "{team}"\n'
    path.write_text(text, encoding="utf-8")
    return path


def test_check_passes_on_the_shipped_templates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = tmp_path / "team"
    write_template(team / "ja", "ours", "{{ customer.name }}様\n")
    assert main(["--config", str(_config(tmp_path, team)), "templates", "check"]) == 0
    assert "19 templates checked, 0 broken" in capsys.readouterr().out


def test_check_lists_each_broken_template_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = tmp_path / "team"
    write_template(team / "ja", "unknown-var", "ok\n{{ coupon }}\n")
    write_template(team / "en", "bad-syntax", "{% if order_ids %}\n")
    write_template(team, "escape", "a\nb\n{{ ''.__class__.__mro__ }}\n")
    (team / "ja" / "no-header.j2").write_text("本文だけ\n", encoding="utf-8")
    config = _config(tmp_path, team)
    assert main(["--config", str(config), "templates", "check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    problems = sorted(line.split("  (")[0] for line in lines[:-1])
    assert problems == [
        f"bad-syntax:{BODY_LINE}: syntax error: Unexpected end of template. "
        "Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. "
        "The innermost block that needs to be closed is 'if'.",
        f"escape:{BODY_LINE + 2}: not allowed: attribute '__class__'",
        "no-header:1: the file must start with a '---' header",
        f"unknown-var:{BODY_LINE + 1}: unknown variable: 'coupon' is undefined",
    ]
    assert lines[-1] == "23 templates checked, 4 broken"
    assert (
        main(
            [
                "--config",
                str(config),
                "--json",
                "templates",
                "check",
                "--language",
                "en",
            ]
        )
        == 1
    )
    found = json.loads(capsys.readouterr().out)
    assert {p["name"] for p in found["problems"]} == {"bad-syntax", "escape"}
    assert {p["language"] for p in found["problems"]} == {"en"}


def test_check_a_directory_without_a_config_as_a_subprocess(tmp_path: Path) -> None:
    team = tmp_path / "repo"
    write_template(team / "ja", "fine", "{{ shop.name }}\n")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "SHAREINBOX_CONFIG": str(tmp_path / "none.toml"),
    }
    command = [
        sys.executable,
        "-m",
        "shareinbox",
        "templates",
        "check",
        "--dir",
        str(team),
    ]
    ok = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert ok.returncode == 0, ok.stderr
    write_template(team / "ja", "fine", "{{ shop.nam }}\n")
    bad = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert bad.returncode == 1
    assert f"fine:{BODY_LINE}: unknown variable: 'shop' has no 'nam'" in bad.stdout
    missing = [*command[:-1], str(tmp_path / "absent")]
    gone = subprocess.run(missing, capture_output=True, text=True, env=env, check=False)
    assert gone.returncode == 1
    assert "does not exist" in gone.stderr


def test_list_and_show_read_the_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = tmp_path / "team"
    write_template(team / "ja", "apology", "当店独自のお詫び\x1b[2J\n", category="独自")
    config = str(_config(tmp_path, team))
    assert main(["--config", config, "--json", "templates", "list"]) == 0
    listed = {t["name"]: t for t in json.loads(capsys.readouterr().out)}
    assert listed["apology"]["source"] == "team"
    assert listed["delivery-delay"]["source"] == "shipped"
    assert main(["--config", config, "templates", "list"]) == 0
    table = capsys.readouterr().out
    assert "独自" in table
    assert "配送遅延のお詫び" in table
    assert main(["--config", config, "templates", "show", "apology"]) == 0
    shown = capsys.readouterr().out
    assert "当店独自のお詫び" in shown
    assert "\x1b" not in shown
    assert main(["--config", config, "templates", "show", "nothing"]) == 1
    assert "no ja template named 'nothing'" in capsys.readouterr().err
