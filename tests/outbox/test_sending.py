"""Sending over real SMTP, filing in Dovecot's Sent folder, retries and failures."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from shareinbox.daemon.delivery import RetryPolicy
from shareinbox.daemon.sender import OutboxSender
from shareinbox.sync.parse import parse_message
from tests.daemon.harness import wait_for
from tests.fixtures.dovecot import free_port
from tests.outbox.conftest import FAST, Shop, start_shop


def _reply(shop: Shop, login: str, thread_id: int, body: str, **args: object) -> int:
    with shop.client(login) as client:
        client.call("claim", thread_id=thread_id)
        draft = client.call("save_draft", thread_id=thread_id, body=body)
        result = client.call("submit", thread_id=thread_id, **args)
    assert result["id"] == draft["id"]
    return int(result["id"])


def test_a_reply_is_sent_filed_in_sent_and_stored_in_its_thread(shop: Shop) -> None:
    thread_id = shop.thread(subject="ご注文について", customer_name="山田 太郎")
    outbox_id = _reply(
        shop, "suzuki", thread_id, "山田様\n\n承知しました。", then_status="done"
    )
    shop.wait_state(outbox_id, "sent")
    (mail,) = shop.smtp.received()
    assert mail.rcpt_tos == ("customer@example.jp",)
    assert mail.mail_from == shop.address
    parsed = parse_message(mail.data)
    assert parsed.subject == "Re: ご注文について"
    assert parsed.text.strip() == "山田様\n\n承知しました。"
    row = shop.row(outbox_id)
    assert parsed.message_id == row["message_id"].strip("<>")
    assert row["appended_at"] is not None
    assert row["raw"] is None  # filed: the bytes live on in the thread's message
    sent = shop.sent_folder()
    assert [parse_message(m).message_id for m in sent] == [parsed.message_id]
    with shop.client("suzuki") as client:
        shown = client.call("show_thread", thread_id=thread_id)
    out = [m for m in shown["messages"] if m["direction"] == "out"]
    assert len(out) == 1
    assert shown["thread"]["status"] == "done"
    assert shown["thread"]["locked_by"] is None
    with shop.store.read() as conn:
        first = conn.execute(
            "SELECT first_response_at FROM thread WHERE id = ?", (thread_id,)
        ).fetchone()[0]
        sent_by = conn.execute(
            "SELECT sent_by FROM message WHERE id = ?", (row["sent_message"],)
        ).fetchone()[0]
    assert first is not None
    assert sent_by == "suzuki"


PATIENT = RetryPolicy(first=0.05, factor=2.0, cap=0.1, attempts=1000)


@pytest.fixture
def patient(halted_shop: Shop) -> Iterator[Shop]:
    """A shop whose sender retries (quickly) for as long as it takes."""
    shop = halted_shop
    shop.sender = OutboxSender(shop.store, shop.config, retry=PATIENT, poll=0.05,
                               on_commit=shop.daemon.server.notify)  # fmt: skip
    shop.sender.start()
    yield shop
    shop.sender.stop()


def test_backoff_doubles_up_to_its_cap() -> None:
    delays = [RetryPolicy().delay(n) for n in range(1, 9)]
    assert delays == [30, 60, 120, 240, 480, 960, 1800, 1800]


def test_retries_with_backoff_while_the_server_is_down(patient: Shop) -> None:
    shop = patient
    shop.smtp.stop()
    thread_id = shop.thread()
    outbox_id = _reply(shop, "suzuki", thread_id, "山田様\n\nお待たせしました。")
    wait_for(lambda: shop.row(outbox_id)["attempts"] >= 3)
    row = shop.row(outbox_id)
    assert row["state"] in ("queued", "sending")
    assert "connection refused" in row["last_error"]
    shop.smtp.start()
    shop.wait_state(outbox_id, "sent")
    assert len(shop.smtp.received()) == 1
    with shop.store.read() as conn:
        waits = conn.execute(
            "SELECT json_extract(data, '$.state') FROM event WHERE kind = 'outbox.state'"
            " AND json_extract(data, '$.outbox_id') = ? ORDER BY id",
            (outbox_id,),
        ).fetchall()
    states = [w[0] for w in waits]
    assert states[:2] == ["draft", "queued"]
    assert states[-2:] == ["sending", "sent"]
    assert states.count("sending") >= 3, states  # failed twice at least, then sent


def test_the_next_attempt_waits_the_policy_delay(halted_shop: Shop) -> None:
    shop = halted_shop
    shop.smtp.stop()
    outbox_id = _reply(shop, "suzuki", shop.thread(), "山田様\n\n本文")
    sender = OutboxSender(shop.store, shop.config, retry=RetryPolicy(attempts=5))
    sender.run_once()
    first = shop.row(outbox_id)
    with shop.store.write() as conn:  # the wait is over
        conn.execute("UPDATE outbox SET next_attempt_at = 0 WHERE id = ?", (outbox_id,))
    sender.run_once()
    second = shop.row(outbox_id)
    assert (first["state"], second["state"]) == ("queued", "queued")
    assert first["next_attempt_at"] - first["updated_at"] == pytest.approx(30, abs=1)
    assert second["next_attempt_at"] - second["updated_at"] == pytest.approx(60, abs=1)
    assert sender.run_once() == 0  # not due yet


def test_gives_up_after_the_limit_and_retry_sends_it(shop: Shop) -> None:
    shop.smtp.stop()
    thread_id = shop.thread()
    outbox_id = _reply(shop, "suzuki", thread_id, "山田様\n\nお待たせしました。")
    shop.wait_state(outbox_id, "failed")
    row = shop.row(outbox_id)
    assert row["attempts"] == FAST.attempts
    assert row["last_error"].startswith(f"gave up after {FAST.attempts} attempts")
    shop.smtp.start()
    with shop.client("suzuki") as client:
        listed = client.call("list_outbox", state="failed")["outbox"]
        assert [r["id"] for r in listed] == [outbox_id]
        client.call("retry", outbox_id=outbox_id)
    shop.wait_state(outbox_id, "sent")
    assert len(shop.smtp.received()) == 1


def test_a_permanent_refusal_fails_at_once_and_can_be_edited(shop: Shop) -> None:
    shop.smtp.answer = "550 5.7.1 relaying denied"
    thread_id = shop.thread()
    outbox_id = _reply(shop, "suzuki", thread_id, "山田様\n\n本文")
    shop.wait_state(outbox_id, "failed")
    row = shop.row(outbox_id)
    assert row["attempts"] == 1
    assert "550 5.7.1 relaying denied" in row["last_error"]
    with shop.client("suzuki") as client:
        draft = client.call("edit_failed", outbox_id=outbox_id)
        assert draft["state"] == "draft"
        client.call("claim", thread_id=thread_id)
        client.call("save_draft", thread_id=thread_id, body="山田様\n\n直しました")
        shop.smtp.answer = None
        client.call("submit", thread_id=thread_id)
    shop.wait_state(outbox_id, "sent")
    (mail,) = shop.smtp.received()
    assert "直しました" in parse_message(mail.data).text


def test_a_temporary_answer_is_retried(patient: Shop) -> None:
    shop = patient
    shop.smtp.answer = "451 4.3.0 try again later"
    thread_id = shop.thread()
    outbox_id = _reply(shop, "suzuki", thread_id, "山田様\n\n本文")
    wait_for(lambda: shop.row(outbox_id)["attempts"] >= 2)
    assert "451 4.3.0" in shop.row(outbox_id)["last_error"]
    shop.smtp.answer = None
    shop.wait_state(outbox_id, "sent")


def _shop_with(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, extra: str
) -> Shop:
    shop = start_shop(
        request.getfixturevalue("tmp_path"),
        request.getfixturevalue("socket_dir"),
        request.getfixturevalue("imap"),
        request.getfixturevalue("smtp"),
        monkeypatch,
        extra=extra,
    )
    request.addfinalizer(shop.daemon.stop)
    request.addfinalizer(shop.sender.stop)
    return shop


def test_sent_by_server_accounts_get_no_second_copy(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = _shop_with(request, monkeypatch, "sent_by_server = true")
    outbox_id = _reply(shop, "suzuki", shop.thread(), "山田様\n\n承知しました。")
    shop.wait_state(outbox_id, "sent")
    assert len(shop.smtp.received()) == 1
    assert shop.sent_folder() == []
    assert shop.row(outbox_id)["appended_at"] is not None  # the server files it


def test_an_iso_2022_jp_account_sends_iso_2022_jp_or_utf8(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = _shop_with(request, monkeypatch, 'charset = "iso-2022-jp"')
    jis = _reply(shop, "suzuki", shop.thread(), "髙橋様\n\n①の件、承知しました。")
    shop.wait_state(jis, "sent")
    utf8 = _reply(shop, "suzuki", shop.thread(subject="別件"), "ありがとう😀")
    shop.wait_state(utf8, "sent")
    first, second = shop.smtp.received()
    assert b'charset="ISO-2022-JP"' in first.data
    assert parse_message(first.data).text.strip() == "髙橋様\n\n①の件、承知しました。"
    assert b'charset="UTF-8"' in second.data
    assert parse_message(second.data).text.strip() == "ありがとう😀"


def test_a_reply_not_filed_while_imap_is_unreachable_is_filed_later(
    halted_shop: Shop,
) -> None:
    shop = halted_shop
    account = shop.config.accounts[0]
    unreachable = replace(account, imap=replace(account.imap, port=free_port()))
    broken = replace(shop.config, accounts=(unreachable,))
    outbox_id = _reply(shop, "suzuki", shop.thread(), "山田様\n\n承知しました。")
    OutboxSender(shop.store, broken, retry=FAST).run_once()
    row = shop.row(outbox_id)
    assert row["state"] == "sent"  # the mail left; only the copy is missing
    assert row["appended_at"] is None
    assert row["raw"] is not None
    assert shop.sent_folder() == []
    OutboxSender(shop.store, shop.config).file_unfiled()  # IMAP is back
    row = shop.row(outbox_id)
    assert row["appended_at"] is not None
    assert row["raw"] is None
    assert len(shop.sent_folder()) == 1
    assert len(shop.smtp.received()) == 1
