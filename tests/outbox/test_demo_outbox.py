"""The demo: the trainee's reply waits for approval; approved, it is written
to the demo's mail directory by the file transport (no mail server)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from shareinbox import paths
from shareinbox.cli_daemon import outbox_sender
from shareinbox.clock import ManualClock
from shareinbox.config import load_config
from shareinbox.demo.load import load_sample
from shareinbox.demo.sample import generate
from shareinbox.demo.setup import demo_roles, write_demo_config
from shareinbox.service import core
from shareinbox.store.db import Store
from shareinbox.sync.parse import parse_message

NOW = datetime(2026, 3, 4, 15, 30, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp()


def test_the_demo_draft_awaits_approval_and_is_written_to_a_file(
    tmp_path: Path,
) -> None:
    config = load_config(write_demo_config(tmp_path, "alice", "ja"))
    store = Store(paths.database_file(config.server.data_dir))
    try:
        load_sample(store, config, generate(NOW), demo_roles("alice"))
        staff = config.staff_by_login("alice")
        assert staff is not None
        ctx = core.Context(store, config, core.Actor.from_staff(staff),
                           clock=ManualClock(NOW))  # fmt: skip
        (waiting,) = core.call(ctx, "list_outbox", {"state": "awaiting_approval"})[
            "outbox"
        ]
        assert waiting["author"] == "trainee"
        core.call(ctx, "approve", {"outbox_id": waiting["id"]})
        mail_dir = tmp_path / "sent-mail"
        sender = outbox_sender(store, config, lambda: None, mail_dir=mail_dir)
        assert sender.run_once() == 1
        (written,) = mail_dir.glob("*.eml")
        parsed = parse_message(written.read_bytes())
        assert parsed.message_id == waiting["message_id"].strip("<>")
        entry = core.call(ctx, "get_outbox", {"outbox_id": waiting["id"]})
        assert entry["state"] == "sent"
        assert not entry["filed_in_sent"]
    finally:
        store.close()
