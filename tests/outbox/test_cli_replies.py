"""The reply commands against a running daemon with its sender."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shareinbox.cli import main
from shareinbox.sync.parse import parse_message
from tests.outbox.conftest import Shop


def _cli(shop: Shop, login: str, *argv: str) -> list[str]:
    return ["--config", str(shop.config.path), "--as", login, *argv]


def test_reply_with_a_file_and_an_attachment_is_sent(
    shop: Shop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    thread_id = shop.thread(customer_name="山田 太郎")
    body = tmp_path / "body.txt"
    body.write_text("山田様\n\n領収書を添付いたします。\n", encoding="utf-8")
    receipt = tmp_path / "領収書.pdf"
    receipt.write_bytes(b"%PDF-1.4 receipt")
    argv = _cli(shop, "suzuki", "reply", str(thread_id), "--body-file", str(body),
                "--attach", str(receipt), "--then", "done", "--send")  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "To:      山田 太郎 <customer@example.jp>" in printed
    assert "File:    領収書.pdf (16 bytes)" in printed
    assert "warning" not in printed
    assert "queued for sending" in printed
    assert main(_cli(shop, "suzuki", "outbox", "--json")) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    shop.wait_state(entry["id"], "sent")
    (mail,) = shop.smtp.received()
    parsed = parse_message(mail.data)
    assert [a.filename for a in parsed.attachments] == ["領収書.pdf"]
    assert main(_cli(shop, "suzuki", "outbox", str(entry["id"]))) == 0
    shown = capsys.readouterr().out
    assert "(sent)" in shown
    assert "領収書を添付いたします。" in shown


def test_warnings_stop_send_until_confirmed(
    shop: Shop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    thread_id = shop.thread(customer_name="山田 太郎")
    body = tmp_path / "body.txt"
    body.write_text("佐藤様\n\nよろしくお願いします。\n", encoding="utf-8")
    argv = _cli(
        shop, "suzuki", "reply", str(thread_id), "--body-file", str(body), "--send"
    )
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "warning: the reply addresses '佐藤'" in captured.out
    assert "--yes" in captured.err
    assert shop.smtp.received() == []
    assert main([*argv, "--yes"]) == 0
    assert "queued" in capsys.readouterr().out


def test_approval_from_the_command_line(
    shop: Shop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    thread_id = shop.thread(customer_name="山田 太郎")
    body = tmp_path / "body.txt"
    body.write_text("山田様\n\n返金いたします。\n", encoding="utf-8")
    reply = ["reply", str(thread_id), "--body-file", str(body), "--send"]
    assert main(_cli(shop, "sato", *reply)) == 0
    assert "waiting for a supervisor's approval" in capsys.readouterr().out
    assert (
        main(_cli(shop, "tanaka", "outbox", "--state", "awaiting_approval", "--json"))
        == 0
    )
    (entry,) = json.loads(capsys.readouterr().out)
    oid = str(entry["id"])
    assert main(_cli(shop, "tanaka", "outbox")) == 0
    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.startswith(oid))
    assert "awaiting_approval" in row
    assert "Re: ご注文について" in row
    assert "customer@example.jp" in row
    assert main(_cli(shop, "suzuki", "approve", oid)) == 1
    assert "supervisor" in capsys.readouterr().err
    assert main(_cli(shop, "tanaka", "reject", oid, "--reason", "金額を書いて")) == 0
    assert main(_cli(shop, "tanaka", "approve", oid)) == 3
    capsys.readouterr()
    assert main(_cli(shop, "sato", *reply)) == 0
    edited = tmp_path / "edited.txt"
    edited.write_text("山田様\n\n1,000円を返金いたします。\n", encoding="utf-8")
    approve = ["approve", oid, "--body-file", str(edited), "--subject", "Re: 返金"]
    bad = [*approve, "--to", "yamada@example.jp", "--cc", "nobody"]
    assert main(_cli(shop, "tanaka", *bad)) == 1
    assert "nobody" in capsys.readouterr().err
    approve += ["--to", "yamada@example.jp", "--to", "customer@example.jp"]
    assert main(_cli(shop, "tanaka", *approve)) == 0
    shop.wait_state(int(oid), "sent")
    (mail,) = shop.smtp.received()
    parsed = parse_message(mail.data)
    assert "1,000円を返金いたします。" in parsed.text
    assert parsed.subject == "Re: 返金"
    assert [a.addr for a in parsed.to] == ["yamada@example.jp", "customer@example.jp"]
    assert main(_cli(shop, "sato", "retry", oid)) == 3
    assert main(_cli(shop, "sato", "withdraw", oid)) == 3


def test_a_thread_locked_by_someone_else_exits_3(
    shop: Shop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    thread_id = shop.thread()
    assert main(_cli(shop, "tanaka", "claim", str(thread_id))) == 0
    body = tmp_path / "body.txt"
    body.write_text("x", encoding="utf-8")
    argv = _cli(shop, "suzuki", "reply", str(thread_id), "--body-file", str(body))
    assert main(argv) == 3
    assert "田中 花子 (tanaka)" in capsys.readouterr().err


def test_reply_from_a_template(shop: Shop, capsys: pytest.CaptureFixture[str]) -> None:
    thread_id = shop.thread(customer_name="Jane Smith", subject="Re: Re: my order")
    argv = _cli(
        shop, "suzuki", "reply", str(thread_id), "--template", "acknowledgement"
    )
    assert main(argv) == 0
    assert "Subject: Re: my order" in capsys.readouterr().out
    with shop.client("suzuki") as client:
        draft = client.call("get_draft", thread_id=thread_id)
    assert draft["template"] == "acknowledgement"
    assert "Jane Smith" in draft["body"]
    bad = _cli(
        shop, "suzuki", "reply", str(thread_id), "--template", "no-such-template"
    )
    assert main(bad) == 1


def test_sent_template_replies_teach_the_suggestions(
    shop: Shop, capsys: pytest.CaptureFixture[str]
) -> None:
    from shareinbox.store.outbox import template_pairs

    thread_id = shop.thread(customer_name="Jane Smith", body="How do I use this?")
    argv = _cli(shop, "suzuki", "reply", str(thread_id), "--template",
                "acknowledgement", "--send", "--yes")  # fmt: skip
    assert main(argv) == 0
    with shop.client("suzuki") as client:
        (entry,) = client.call("list_outbox")["outbox"]
    shop.wait_state(entry["id"], "sent")
    with shop.store.read() as conn:
        assert template_pairs(conn) == [("How do I use this?", "acknowledgement")]
