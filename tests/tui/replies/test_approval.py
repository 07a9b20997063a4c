"""Approval and the outbox in the TUI, with the daemon's sender and a real
SMTP server: a trainee's reply waits for a supervisor, who edits and
approves it (it goes out) or sends it back with a comment the author sees;
a failed reply is sent again or edited from the outbox."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from textual.widgets import Input, OptionList, Static, TextArea

from shareinbox.daemon.sender import OutboxSender
from shareinbox.screens.approvals import ApprovalsScreen
from shareinbox.screens.compose import ComposeScreen
from shareinbox.screens.confirm_send import ConfirmSendDialog
from shareinbox.screens.dialogs import ChoiceDialog, TextDialog
from shareinbox.screens.outbox import OutboxScreen
from shareinbox.widgets.outbox_rows import OutboxListScreen
from tests.daemon.harness import InProcessDaemon
from tests.fixtures.smtp_server import SmtpServer
from tests.tui.conftest import AppMaker, started, thread_row, toasts, wait_until
from tests.tui.replies.conftest import ids
from tests.tui.replies.helpers import body_of, open_reply, outbox_rows
from tests.tui.screen_text import screen_text


def _submit_as(daemon: InProcessDaemon, login: str, thread_id: int, body: str) -> int:
    with daemon.client(as_login=login) as client:
        client.call("claim", thread_id=thread_id)
        draft = client.call("save_draft", thread_id=thread_id, body=body)
        client.call("submit", thread_id=thread_id)
    return int(draft["id"])


def _audit(daemon: InProcessDaemon, action: str) -> list[str]:
    with daemon.store.read() as conn:
        rows = conn.execute(
            "SELECT actor FROM audit WHERE action = ? ORDER BY id", (action,)
        ).fetchall()
    return [r[0] for r in rows]


def _mail(smtp: SmtpServer) -> EmailMessage:
    (received,) = smtp.received()
    mail = message_from_bytes(received.data, policy=policy.default)
    assert isinstance(mail, EmailMessage)
    return mail


async def test_trainee_submits_and_the_supervisor_edits_and_approves(
    reply_tui: AppMaker,
    reply_daemon: InProcessDaemon,
    smtp: SmtpServer,
    sender: OutboxSender,
) -> None:
    fresh = ids(reply_daemon)["fresh"]
    trainee = reply_tui(login="sato")
    async with trainee.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_reply(pilot, trainee)
        assert "go to a supervisor for approval" in screen_text(trainee)
        await pilot.press(*"Dear Jane,", "enter", *"Size M is in stock.")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(trainee.screen, ConfirmSendDialog))
        assert "Submit this reply for approval?" in screen_text(trainee)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: not isinstance(trainee.screen, ComposeScreen | ConfirmSendDialog),
        )
        assert screen.draft is None
        assert any("a supervisor will review it" in t for t in toasts(trainee))
    (row,) = outbox_rows(reply_daemon, fresh)
    assert row["state"] == "awaiting_approval"
    assert smtp.received() == []

    boss = reply_tui(login="tanaka")
    async with boss.run_test(size=(100, 30)) as pilot:
        await started(pilot, boss, 1)
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(boss.screen, ApprovalsScreen))
        text = boss.screen.query_one("#text", TextArea)
        await wait_until(pilot, lambda: "Size M is in stock." in text.text)
        assert "jane@example.com" in screen_text(boss)
        assert text.read_only
        await pilot.press("e")
        text.move_cursor(text.document.end)
        await pilot.press("enter", *"Kind regards")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(boss.screen, ChoiceDialog))
        assert "with your edits" in screen_text(boss)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(boss.screen, ApprovalsScreen))
        await wait_until(
            pilot, lambda: "Nothing waits for approval" in screen_text(boss)
        )
    await_sent = outbox_rows(reply_daemon, fresh)[0]
    assert await_sent["approved_by"] == "tanaka"
    sender.wake()
    for _ in range(500):
        if outbox_rows(reply_daemon, fresh)[0]["state"] == "sent":
            break
        smtp.arrived.wait(0.02)
    assert outbox_rows(reply_daemon, fresh)[0]["state"] == "sent"
    mail = _mail(smtp)
    assert mail["To"] == "Jane Doe <jane@example.com>"
    content = mail.get_content()
    assert "Size M is in stock.\nKind regards" in content.replace("\r\n", "\n")
    assert _audit(reply_daemon, "approve") == ["tanaka"]


async def test_a_reply_sent_back_shows_the_comment_to_its_author(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    fresh = ids(reply_daemon)["fresh"]
    outbox_id = _submit_as(reply_daemon, "sato", fresh, "Dear Jane, yes.")
    boss = reply_tui(login="tanaka")
    async with boss.run_test(size=(100, 30)) as pilot:
        await started(pilot, boss, 1)
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(boss.screen, ApprovalsScreen))
        pending = boss.screen.query_one(OptionList)
        await wait_until(pilot, lambda: pending.option_count == 1)
        await wait_until(pilot, lambda: "Dear Jane, yes." in screen_text(boss))
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(boss.screen, TextDialog))
        await pilot.press(*"Say which sizes we have")
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: outbox_rows(reply_daemon, fresh)[0]["state"] == "draft"
        )
    assert (
        outbox_rows(reply_daemon, fresh)[0]["review_comment"]
        == "Say which sizes we have"
    )
    assert _audit(reply_daemon, "reject") == ["tanaka"]

    author = reply_tui(login="sato")
    async with author.run_test(size=(100, 30)) as pilot:
        await author.wait_connected()
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(author.screen, OutboxScreen))
        detail = author.screen.query_one("#detail", Static)
        await wait_until(
            pilot, lambda: "Say which sizes we have" in str(detail.render())
        )
        assert f"#{outbox_id}" in screen_text(author)
        assert "Sent back: Say which sizes we have" in screen_text(author)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(author.screen, ComposeScreen))
        await wait_until(pilot, lambda: body_of(author).text == "Dear Jane, yes.")
        assert "Sent back: Say which sizes we have" in screen_text(author)


async def test_a_failed_reply_is_retried_from_the_outbox(
    reply_tui: AppMaker,
    reply_daemon: InProcessDaemon,
    smtp: SmtpServer,
    sender: OutboxSender,
) -> None:
    fresh = ids(reply_daemon)["fresh"]
    smtp.answer = "550 5.7.1 relaying denied"
    outbox_id = _submit_as(reply_daemon, "suzuki", fresh, "Dear Jane, size M is here.")
    app = reply_tui(login="suzuki")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_connected()
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, OutboxScreen))
        await wait_until(pilot, lambda: "relaying denied" in screen_text(app), 20)
        assert "Failed" in screen_text(app)
        smtp.answer = None
        await pilot.press("r")
        await wait_until(
            pilot, lambda: outbox_rows(reply_daemon, fresh)[0]["state"] == "sent", 20
        )
        outbox = app.screen
        assert isinstance(outbox, OutboxScreen)
        await wait_until(
            pilot, lambda: [e["state"] for e in outbox.entries] == ["sent"]
        )
        assert "My outbox  Sent 1" in screen_text(app)
    assert outbox_rows(reply_daemon, fresh)[0]["id"] == outbox_id
    assert "size M is here" in _mail(smtp).get_content()
    assert _audit(reply_daemon, "outbox.retry") == ["suzuki"]


async def test_a_failed_reply_can_be_edited_and_sent_again(
    reply_tui: AppMaker,
    reply_daemon: InProcessDaemon,
    smtp: SmtpServer,
    sender: OutboxSender,
) -> None:
    fresh = ids(reply_daemon)["fresh"]
    smtp.answer = "550 5.1.1 no such user"
    _submit_as(reply_daemon, "suzuki", fresh, "Dear Jane, size M.")
    app = reply_tui(login="suzuki")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_connected()
        await pilot.press("o")
        await wait_until(pilot, lambda: "no such user" in screen_text(app), 20)
        smtp.answer = None
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen))
        await wait_until(pilot, lambda: body_of(app).text == "Dear Jane, size M.")
        assert outbox_rows(reply_daemon, fresh)[0]["state"] == "draft"
        body_of(app).move_cursor(body_of(app).document.end)
        await pilot.press(*" Thanks.")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmSendDialog))
        await pilot.press("down", "enter")  # send, then mark the thread done
        await wait_until(
            pilot, lambda: outbox_rows(reply_daemon, fresh)[0]["state"] == "sent", 20
        )
    assert "size M. Thanks." in _mail(smtp).get_content()
    assert outbox_rows(reply_daemon, fresh)[0]["after_status"] == "done"
    assert thread_row(reply_daemon, fresh)["status"] == "done"


async def test_the_queue_follows_new_submissions(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    boss = reply_tui(login="tanaka")
    async with boss.run_test(size=(100, 30)) as pilot:
        await boss.wait_connected()
        await pilot.press("A")
        await wait_until(
            pilot, lambda: "Nothing waits for approval" in screen_text(boss)
        )
        _submit_as(
            reply_daemon, "sato", ids(reply_daemon)["late"], "山田様\n確認します。"
        )
        await wait_until(pilot, lambda: "確認します。" in screen_text(boss))
        assert "Awaiting approval  1" in screen_text(boss)
    agent = reply_tui(login="suzuki")
    async with agent.run_test(size=(100, 30), notifications=True) as pilot:
        await agent.wait_connected()
        await pilot.press("A")
        await wait_until(
            pilot, lambda: any("Only supervisors" in t for t in toasts(agent))
        )
        assert not isinstance(agent.screen, ApprovalsScreen)


@pytest.mark.parametrize("key", ["o", "A"])
async def test_outbox_and_approvals_follow_submissions_through_one_base(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon, key: str
) -> None:
    app = reply_tui(login="tanaka")
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_connected()
        await pilot.press(key)
        await wait_until(pilot, lambda: isinstance(app.screen, OutboxListScreen))
        screen = app.screen
        assert isinstance(screen, OutboxListScreen)
        if isinstance(screen, OutboxScreen):
            await pilot.press("t")  # the team's outbox: sato's reply is there
            await wait_until(pilot, lambda: screen.team)
        late = ids(reply_daemon)["late"]
        outbox_id = _submit_as(reply_daemon, "sato", late, "山田様\n確認します。")
        await wait_until(
            pilot, lambda: [e["id"] for e in screen.entries] == [outbox_id]
        )


async def test_the_supervisor_edits_subject_and_recipients_before_approving(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    fresh = ids(reply_daemon)["fresh"]
    _submit_as(reply_daemon, "sato", fresh, "Dear Jane, size M is in stock.")
    boss = reply_tui(login="tanaka")
    async with boss.run_test(size=(100, 30), notifications=True) as pilot:
        await boss.wait_connected()
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(boss.screen, ApprovalsScreen))
        await wait_until(pilot, lambda: "size M is in stock" in screen_text(boss))
        await pilot.press("e")
        to = boss.screen.query_one("#edit-to", Input)
        assert to.value == "Jane Doe <jane@example.com>"
        to.value = "Jane <jane@example"
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: any("not an address" in t for t in toasts(boss))
        )
        assert not isinstance(boss.screen, ChoiceDialog)
        to.value = "Jane Doe <jane.doe@example.com>"
        await pilot.press("shift+tab")  # from the text to the subject
        subject = boss.screen.query_one("#edit-subject", Input)
        assert boss.screen.focused is subject
        await pilot.press("end", *" (size M)")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(boss.screen, ChoiceDialog))
        assert "with your edits" in screen_text(boss)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: outbox_rows(reply_daemon, fresh)[0]["state"] != "awaiting_approval",
        )
    row = outbox_rows(reply_daemon, fresh)[0]
    assert row["subject"] == "Re: Question about sizes (size M)"
    assert json.loads(row["to_json"]) == [
        {"name": "Jane Doe", "addr": "jane.doe@example.com"}
    ]
    assert row["body"] == "Dear Jane, size M is in stock."
    with reply_daemon.store.read() as conn:
        (detail,) = conn.execute(
            "SELECT detail FROM audit WHERE action = 'approve'"
        ).fetchone()
    assert json.loads(detail)["changed"] == ["subject", "to"]
