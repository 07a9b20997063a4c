"""`shareinbox tui` and bare `shareinbox`: the command, its terminal settings."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shareinbox import cli, cli_tui
from shareinbox.config import UiConfig, load_config
from tests.daemon.harness import REPO
from tests.fixtures.configs import write_config


def test_tui_is_a_command_and_the_default() -> None:
    assert cli.COMMANDS["tui"][0] == "shareinbox.cli_tui"
    assert callable(cli_tui.run_tui)
    args = cli.build_parser().parse_args(["tui", "--as", "tanaka"])
    assert (args.command, args.as_login) == ("tui", "tanaka")
    done = subprocess.run([sys.executable, "-m", "shareinbox", "tui", "--help"],
                          capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)})  # fmt: skip
    assert done.returncode == 0
    assert "--config" in done.stdout


@pytest.mark.parametrize(
    ("system", "variable", "value"),
    [("truecolor", "TEXTUAL_COLOR_SYSTEM", "truecolor"),
     ("standard", "TEXTUAL_COLOR_SYSTEM", "standard"),
     ("none", "NO_COLOR", "1")],
)  # fmt: skip
def test_ui_settings_become_textual_environment(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    system: str,
    variable: str,
    value: str,
) -> None:
    for name in ("TEXTUAL_COLOR_SYSTEM", "NO_COLOR", "TEXTUAL_ANIMATIONS"):
        monkeypatch.delenv(name, raising=False)
    config = load_config(write_config(tmp_path))
    config = dataclasses.replace(config, ui=UiConfig(color_system=system))
    cli_tui.terminal_environment(config)
    assert os.environ[variable] == value
    assert os.environ["TEXTUAL_ANIMATIONS"] == "none"
