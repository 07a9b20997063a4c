"""The demo's config and its private, in-process daemon.

The config names the person running the demo as admin (their Unix login,
so the daemon recognises them on the socket), a supervisor and a trainee
whose replies need approval. There is no mail server: the account's IMAP
and SMTP entries point at 127.0.0.1 and nothing connects to them.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import threading
from pathlib import Path

from shareinbox.cli_daemon import outbox_sender
from shareinbox.config import Config
from shareinbox.daemon.reminders import Reminders
from shareinbox.daemon.runtime import Worker
from shareinbox.daemon.server import Server
from shareinbox.demo.sample import SHOP_ADDRESS, SHOP_NAME
from shareinbox.store.db import Store

CONFIG = """\
# shareinbox demo: a temporary shop, removed when the demo stops.
[shop]
name = {shop}
timezone = "Asia/Tokyo"
language = {language}
signature = {signature}

[sla]
first_response = "3h"
business_hours = {{ days = "mon-fri", start = "09:00", end = "18:00" }}

[server]
data_dir = {data_dir}
socket = {socket}

# No mail server: nothing connects to these.
[[account]]
name = "shop"
address = {address}
imap = {{ host = "127.0.0.1", port = 143, security = "none", username = "demo" }}
smtp = {{ host = "127.0.0.1", port = 25, security = "none" }}

# Sorting rules, applied to new mail in order.
[[rule]]
name = "楽天の注文"
from = ["@pc.fw.rakuten.ne.jp"]
tags = ["楽天"]

[[rule]]
name = "返品・返金"
keywords = ["返品", "返金", "交換"]
category = "返品・交換"
"""
STAFF = """
[[staff]]
login = {login}
name = {name}
role = {role}
needs_approval = {approval}
"""


def current_login() -> str:
    """The Unix login running the demo."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def demo_roles(login: str) -> dict[str, str]:
    """The login of each sample role; the runner is the admin."""
    roles = {"admin": login}
    for role, wanted in (("supervisor", "manager"), ("trainee", "trainee")):
        roles[role] = wanted if wanted != login else f"{wanted}2"
    return roles


def write_demo_config(directory: Path, login: str, language: str) -> Path:
    """Write the demo's config.toml into `directory`; return its path."""
    q = json.dumps  # a TOML basic string is a JSON string
    text = CONFIG.format(
        shop=q(SHOP_NAME), language=q(language),
        signature=q(f"{SHOP_NAME} カスタマーサポート"),
        data_dir=q(str(directory / "data")), socket=q(str(directory / "shareinbox.sock")),
        address=q(SHOP_ADDRESS),
    )  # fmt: skip
    roles = demo_roles(login)
    people = (
        (roles["admin"], f"{login}（管理者）", "admin", "false"),
        (roles["supervisor"], "山口 店長", "supervisor", "false"),
        (roles["trainee"], "新人 研修中", "agent", "true"),
    )
    for who, name, role, approval in people:
        text += STAFF.format(
            login=q(who), name=q(name), role=q(role), approval=approval
        )
    path = directory / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def mail_dir(config: Config) -> Path:
    """Where the demo's outgoing mail is written (one ``.eml`` file each)."""
    return config.server.data_dir / "sent-mail"


class DemoDaemon:
    """The daemon on its own event-loop thread: the socket server, the outbox
    sender writing files instead of sending, the reminders; no IMAP sync."""

    def __init__(self, store: Store, config: Config) -> None:
        self.store = store
        self.config = config
        self.server = Server(store, config)
        self.workers: list[Worker] = []
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="shareinbox-demo", daemon=True
        )

    def start(self) -> None:
        """Serve on the config's socket."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(30)
        notify = self.server.notify
        self.workers = [
            Reminders(self.store, self.config, on_commit=notify),
            outbox_sender(
                self.store, self.config, notify, mail_dir=mail_dir(self.config)
            ),
        ]
        for worker in self.workers:
            worker.start()

    def stop(self) -> None:
        """Stop serving and end the loop thread (once)."""
        if self.loop.is_closed():
            return
        for worker in reversed(self.workers):
            worker.stop()
        if self._thread.is_alive():
            future = asyncio.run_coroutine_threadsafe(self.server.close(), self.loop)
            future.result(60)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
        self.loop.close()
