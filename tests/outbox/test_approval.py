"""Drafts and approval over the real daemon: locks, roles, comments, audit, events."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import pytest

from shareinbox.client import Client
from shareinbox.errors import Conflict, NotFound, PermissionDenied, ProtocolError
from shareinbox.sync.parse import parse_message
from tests.daemon.harness import wait_for
from tests.outbox.conftest import Shop


def _audit(shop: Shop, action: str) -> list[Any]:
    with shop.store.read() as conn:
        return conn.execute(
            "SELECT actor, detail FROM audit WHERE action = ? ORDER BY id", (action,)
        ).fetchall()


def test_draft_needs_the_lock_and_is_kept_across_connections(shop: Shop) -> None:
    thread_id = shop.thread(customer_name="山田 太郎")
    with shop.client("tanaka") as tanaka:
        tanaka.call("claim", thread_id=thread_id)
        with shop.client("suzuki") as suzuki, pytest.raises(Conflict):
            suzuki.call("save_draft", thread_id=thread_id, body="横取り")
        draft = tanaka.call("save_draft", thread_id=thread_id, body="山田様\n途中")
    assert draft["to"] == [{"name": "山田 太郎", "addr": "customer@example.jp"}]
    assert draft["subject"] == "Re: ご注文について"
    assert draft["in_reply_to"] is not None
    assert draft["message_id"].endswith("@example.test>")
    with shop.client("tanaka") as again:  # a new SSH session
        kept = again.call("get_draft", thread_id=thread_id)
        assert kept["body"] == "山田様\n途中"
        assert kept["id"] == draft["id"]
        again.call("save_draft", thread_id=thread_id, body="山田様\n続き")
    with shop.client("suzuki") as suzuki:
        assert suzuki.call("get_draft", thread_id=thread_id) is None
    assert len(_audit(shop, "draft.create")) == 1


def test_confirmation_lists_recipients_files_and_warnings(shop: Shop) -> None:
    thread_id = shop.thread(customer_name="山田 太郎")
    with shop.client("suzuki") as client:
        client.call("claim", thread_id=thread_id)
        client.call(
            "save_draft", thread_id=thread_id, body="佐藤様\n\n見積書を添付します。"
        )
        preview = client.call("preview_send", thread_id=thread_id)
        assert {w["code"] for w in preview["warnings"]} == {
            "missing_attachment", "name_mismatch",
        }  # fmt: skip
        data = base64.b64encode(b"%PDF-1.4 quote").decode()
        added = client.call(
            "attach",
            thread_id=thread_id,
            filename="../../etc/見積書.pdf",
            data_b64=data,
        )
        client.call(
            "save_draft", thread_id=thread_id, body="山田様\n\n見積書を添付します。"
        )
        preview = client.call("preview_send", thread_id=thread_id)
    assert preview["warnings"] == []
    assert preview["problems"] == []
    assert preview["to"] == [{"name": "山田 太郎", "addr": "customer@example.jp"}]
    assert preview["subject"] == "Re: ご注文について"
    assert preview["attachments"] == [{"filename": "見積書.pdf", "size": 14}]
    assert preview["route"] == f"127.0.0.1:{shop.smtp.port}"
    assert added["draft"]["attachments"][0]["content_type"] == "application/pdf"


def test_needs_approval_flow_with_roles_comments_and_audit(shop: Shop) -> None:
    thread_id = shop.thread(customer_name="山田 太郎")
    with shop.client("sato") as sato:
        sato.call("claim", thread_id=thread_id)
        sato.call("save_draft", thread_id=thread_id, body="山田様\n\n返金します。")
        submitted = sato.call("submit", thread_id=thread_id, then_status="waiting")
        assert submitted["state"] == "awaiting_approval"
        assert (
            sato.call("show_thread", thread_id=thread_id)["thread"]["locked_by"] is None
        )
        with pytest.raises(PermissionDenied):
            sato.call("approve", outbox_id=submitted["id"])
    oid = submitted["id"]
    with shop.client("suzuki") as suzuki, pytest.raises(PermissionDenied):
        suzuki.call("reject", outbox_id=oid, reason="no")
    with shop.client("tanaka") as tanaka:
        waiting = tanaka.call("list_outbox", state="awaiting_approval")["outbox"]
        assert [w["id"] for w in waiting] == [oid]
        assert (
            tanaka.call("get_outbox", outbox_id=oid)["body"] == "山田様\n\n返金します。"
        )
        with pytest.raises(ProtocolError):
            tanaka.call("reject", outbox_id=oid, reason="  ")
        tanaka.call("reject", outbox_id=oid, reason="返金の条件を書いてください")
    assert shop.smtp.received() == []
    with shop.client("sato") as sato:
        draft = sato.call("get_draft", thread_id=thread_id)
        assert draft["review_comment"] == "返金の条件を書いてください"
        sato.call("claim", thread_id=thread_id)
        sato.call(
            "save_draft", thread_id=thread_id, body="山田様\n\n未開封なら返金します。"
        )
        assert sato.call("submit", thread_id=thread_id)["state"] == "awaiting_approval"
    with shop.client("tanaka") as tanaka:
        approved = tanaka.call(
            "approve",
            outbox_id=oid,
            body="山田様\n\n未開封の場合に限り返金いたします。",
        )
        assert approved["state"] == "queued"
        assert approved["approved_by"] == "tanaka"
        with pytest.raises(Conflict) as again:
            tanaka.call("approve", outbox_id=oid)
        assert "tanaka" in again.value.message
    shop.wait_state(oid, "sent")
    (mail,) = shop.smtp.received()
    assert "未開封の場合に限り返金いたします。" in parse_message(mail.data).text
    assert [r["actor"] for r in _audit(shop, "submit")] == ["sato", "sato"]
    assert [r["actor"] for r in _audit(shop, "reject")] == ["tanaka"]
    assert '"edited": true' in _audit(shop, "approve")[0]["detail"]
    assert [r["actor"] for r in _audit(shop, "outbox.sent")] == ["system"]
    with shop.client("sato") as sato:
        assert (
            sato.call("show_thread", thread_id=thread_id)["thread"]["status"]
            == "waiting"
        )


async def _watch(shop: Shop, thread_id: int) -> list[dict[str, Any]]:
    tanaka = await Client.connect(shop.daemon.socket, as_login="tanaka")
    sato = await Client.connect(shop.daemon.socket, as_login="sato")
    try:
        await tanaka.subscribe()
        await sato.call("claim", thread_id=thread_id)
        await sato.call(
            "save_draft", thread_id=thread_id, body="山田様\n\n確認します。"
        )
        await sato.call("submit", thread_id=thread_id)
        seen: list[dict[str, Any]] = []
        async with asyncio.timeout(10):
            async for event in tanaka.events():
                seen.append(event)
                if event["kind"] == "approval.requested":
                    return seen
        return seen
    finally:
        await tanaka.close()
        await sato.close()


def test_supervisors_are_notified_of_a_reply_awaiting_approval(shop: Shop) -> None:
    thread_id = shop.thread()
    seen = asyncio.run(_watch(shop, thread_id))
    requested = seen[-1]
    assert requested["kind"] == "approval.requested"
    assert requested["data"]["author"] == "sato"
    assert requested["thread_id"] == thread_id
    states = [e["data"]["state"] for e in seen if e["kind"] == "outbox.state"]
    assert states[-1] == "awaiting_approval"


def test_discard_frees_the_lock_and_submit_refuses_problems(shop: Shop) -> None:
    thread_id = shop.thread()
    with shop.client("suzuki") as client:
        client.call("claim", thread_id=thread_id)
        client.call("save_draft", thread_id=thread_id, body="x", to=[])
        with pytest.raises(ProtocolError) as refused:
            client.call("submit", thread_id=thread_id)
        assert "no recipients" in refused.value.message
        with pytest.raises(ProtocolError):
            client.call("save_draft", thread_id=thread_id, to=["not an address"])
        client.call("discard_draft", thread_id=thread_id)
        assert (
            client.call("show_thread", thread_id=thread_id)["thread"]["locked_by"]
            is None
        )
        with pytest.raises(NotFound):
            client.call("submit", thread_id=thread_id)
    wait_for(lambda: shop.sender.passes > 2)
    assert shop.smtp.received() == []


def test_withdraw_before_sending_but_not_after(halted_shop: Shop) -> None:
    shop = halted_shop
    thread_id = shop.thread()
    with shop.client("sato") as sato:
        sato.call("claim", thread_id=thread_id)
        sato.call("save_draft", thread_id=thread_id, body="山田様\n\n間違い")
        oid = sato.call("submit", thread_id=thread_id)["id"]
        with shop.client("suzuki") as suzuki, pytest.raises(PermissionDenied):
            suzuki.call("withdraw", outbox_id=oid)
        assert sato.call("withdraw", outbox_id=oid)["state"] == "draft"
        sato.call("claim", thread_id=thread_id)
        sato.call("submit", thread_id=thread_id)
    with shop.client("tanaka") as tanaka:
        tanaka.call("approve", outbox_id=oid)
        shop.sender.run_once()
        assert shop.row(oid)["state"] == "sent"
        with pytest.raises(Conflict):
            tanaka.call("withdraw", outbox_id=oid)


def test_a_dropped_session_loses_nothing(shop: Shop) -> None:
    thread_id = shop.thread()
    with shop.client("suzuki") as first:  # the SSH session that drops
        first.call("claim", thread_id=thread_id)
        first.call("save_draft", thread_id=thread_id, body="山田様\n\n書きかけ")

    def lapsed() -> bool:
        with shop.client("tanaka") as look:
            return (
                look.call("show_thread", thread_id=thread_id)["thread"]["locked_by"]
                is None
            )

    wait_for(lapsed)  # release_on_disconnect = 1s
    with shop.client("suzuki") as again:
        assert (
            again.call("get_draft", thread_id=thread_id)["body"] == "山田様\n\n書きかけ"
        )
        saved = again.call("save_draft", thread_id=thread_id, body="山田様\n\n続き")
        assert saved["body"] == "山田様\n\n続き"
        assert (
            again.call("show_thread", thread_id=thread_id)["thread"]["locked_by"]
            == "suzuki"
        )


def _awaiting_reply(shop: Shop, thread_id: int) -> int:
    with shop.client("sato") as sato:
        sato.call("claim", thread_id=thread_id)
        sato.call("save_draft", thread_id=thread_id, body="山田様\n\n確認します。")
        return int(sato.call("submit", thread_id=thread_id)["id"])


def test_an_approver_edits_subject_and_recipients(shop: Shop) -> None:
    thread_id = shop.thread(customer_name="山田 太郎")
    oid = _awaiting_reply(shop, thread_id)
    with shop.client("tanaka") as tanaka:
        bad_edits: list[dict[str, Any]] = [
            {"to": ["not an address"]}, {"cc": [{"name": "x"}]}, {"to": []},
            {"subject": "Re: 返品", "body": "y" * 200_001},
        ]  # fmt: skip
        for bad in bad_edits:
            with pytest.raises(ProtocolError):
                tanaka.call("approve", outbox_id=oid, **bad)
        assert shop.row(oid)["state"] == "awaiting_approval"  # nothing kept
        assert shop.row(oid)["subject"] == "Re: ご注文について"
        approved = tanaka.call(
            "approve", outbox_id=oid, subject="Re: ご注文について(返品)\r\nBcc: x@evil",
            to=[{"name": "山田 太郎", "addr": "yamada@example.jp"}],
            cc=["shop-manager@example.test"],
        )  # fmt: skip
    assert approved["state"] == "queued"
    assert approved["subject"] == "Re: ご注文について(返品) Bcc: x@evil"
    assert approved["to"] == [{"name": "山田 太郎", "addr": "yamada@example.jp"}]
    assert approved["cc"] == [{"name": "", "addr": "shop-manager@example.test"}]
    shop.wait_state(oid, "sent")
    (mail,) = shop.smtp.received()
    parsed = parse_message(mail.data)
    assert parsed.subject == "Re: ご注文について(返品) Bcc: x@evil"
    assert [a.addr for a in parsed.to] == ["yamada@example.jp"]
    assert [a.addr for a in parsed.cc] == ["shop-manager@example.test"]
    assert set(mail.rcpt_tos) == {"yamada@example.jp", "shop-manager@example.test"}
    (audit,) = _audit(shop, "approve")
    detail = json.loads(audit["detail"])
    assert detail["edited"] is True
    assert detail["changed"] == ["subject", "to", "cc"]
    assert detail["before"] == {
        "subject": "Re: ご注文について",
        "to": [{"name": "山田 太郎", "addr": "customer@example.jp"}],
        "cc": [],
    }


def test_approving_unchanged_fields_records_no_edit(shop: Shop) -> None:
    thread_id = shop.thread(customer_name="山田 太郎")
    oid = _awaiting_reply(shop, thread_id)
    with shop.client("tanaka") as tanaka:
        tanaka.call(
            "approve", outbox_id=oid, subject="Re: ご注文について",
            body="山田様\n\n確認します。",
            to=[{"name": "山田 太郎", "addr": "customer@example.jp"}],
        )  # fmt: skip
    detail = json.loads(_audit(shop, "approve")[0]["detail"])
    assert detail["edited"] is False
    assert "changed" not in detail
