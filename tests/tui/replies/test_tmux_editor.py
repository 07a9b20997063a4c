"""$EDITOR in a real terminal (tmux): the reply editor hands the terminal to
the editor (``App.suspend``), takes the edited text back, and saves it."""

from __future__ import annotations

import shlex
import stat
from pathlib import Path

from shareinbox import paths
from shareinbox.client import SyncClient
from shareinbox.config import load_config
from shareinbox.store.db import Store
from tests.daemon.harness import REPO, DaemonProcess, wait_for
from tests.fixtures.configs import write_config
from tests.fixtures.dovecot import free_port
from tests.fixtures.seed import seed_thread
from tests.tui.replies.conftest import account
from tests.tui.test_tmux import COMMAND, Tmux, tmux

__all__ = ["tmux"]


def _editor(directory: Path) -> Path:
    script = directory / "editor.sh"
    script.write_text(
        "#!/bin/sh\n"
        "printf 'editor running\\n'\n"  # written to the terminal the app handed over
        "printf '在庫がございます。\\n' >> \"$1\"\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_the_editor_gets_the_terminal_and_its_text_is_saved(
    tmux: Tmux, tmp_path: Path, socket_dir: Path
) -> None:
    extra = f'socket = "{socket_dir / "s.sock"}"\n'
    config = load_config(
        write_config(tmp_path, accounts=account(free_port()), extra=extra)
    )
    config.server.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(paths.database_file(config.server.data_dir))
    thread = seed_thread(store, subject="Where is my parcel", customer_name="Jane Doe",
                         customer_addr="jane@example.com")  # fmt: skip
    store.close()
    daemon = DaemonProcess(config).wait_ready()
    try:
        env = (
            f"env PYTHONPATH={shlex.quote(str(REPO))} TERM=xterm-256color "
            f"LANG=C.UTF-8 EDITOR={shlex.quote(str(_editor(tmp_path)))}"
        )
        tmux.start(
            f"{env} {COMMAND} --config {shlex.quote(str(config.path))} --as tanaka"
        )
        tmux.wait_for_text("Where is my parcel")
        tmux.keys("r")
        tmux.wait_for_text("Choose a template")
        tmux.keys("Escape")
        tmux.wait_for_text("New draft")
        tmux.keys("C-e")
        tmux.wait_for_text("在庫がございます。")
        tmux.wait_for_text("Saved")

        def saved() -> str:
            with SyncClient(config.server.socket, as_login="tanaka") as client:
                draft = client.call("get_draft", thread_id=thread)
            return str(draft["body"]) if draft else ""

        wait_for(lambda: saved() == "在庫がございます。\n", timeout=20)
        tmux.keys("C-q")
    finally:
        daemon.terminate()
