"""TeamPolicy over the real ingest: business-time due dates, spam, rules."""

from __future__ import annotations

import json
from collections.abc import Callable

from shareinbox.store import audit
from tests.ops.conftest import MONDAY_10, Inbox, mail

Factory = Callable[..., Inbox]
H = 3600.0

RULES = """
[[rule]]
name = "返品"
keywords = ["返品", "返金"]
assign = "suzuki"
tags = ["返品", "要確認"]
category = "returns"

[[rule]]
name = "楽天"
from = ["@rakuten.co.jp"]
assign = "sato"
tags = ["楽天"]

[[rule]]
name = "受注確認"
subject = ["ご注文ありがとうございます"]
set_status = "done"
notify = false
stop = true

[[rule]]
name = "迷惑"
body = ["casino"]
spam = true
"""


def events(
    inbox: Inbox, thread_id: int | None
) -> list[tuple[str, str | None, dict[str, object]]]:
    rows = inbox.rows(
        "SELECT kind, actor, data FROM event WHERE thread_id = ? ORDER BY id", thread_id
    )
    return [(r["kind"], r["actor"], json.loads(r["data"])) for r in rows]


def texts(inbox: Inbox, thread_id: int | None) -> list[str]:
    return [str(d["text"]) for _, _, d in events(inbox, thread_id) if "text" in d]


def test_due_in_business_time(inbox_factory: Factory) -> None:
    inbox = inbox_factory()
    friday_17 = MONDAY_10 + 4 * 86400 + 7 * H
    thread = inbox.put(mail(), at=friday_17).thread_id
    # 1 h on Friday, 2 h on Monday morning.
    assert inbox.thread(thread)["first_response_due_at"] == MONDAY_10 + 7 * 86400 + H


def test_rule_assigns_tags_and_records(inbox_factory: Factory) -> None:
    inbox = inbox_factory(rules=RULES)
    thread = inbox.put(
        mail(subject="返品したい", body="届いた商品を返品したいです")
    ).thread_id
    row = inbox.thread(thread)
    assert (row["assignee"], row["category"], row["status"]) == (
        "suzuki",
        "returns",
        "new",
    )
    tags = inbox.rows("SELECT tag FROM thread_tag WHERE thread_id = ?", thread)
    assert sorted(r[0] for r in tags) == ["要確認", "返品"]
    assert texts(inbox, thread) == [
        "rule 返品: assigned to suzuki",
        "rule 返品: tagged 返品, 要確認",
        "rule 返品: category returns",
    ]
    kinds = [(k, a) for k, a, _ in events(inbox, thread)]
    assert ("thread.assigned", "system") in kinds
    trail = inbox.rows(
        "SELECT actor, action, detail FROM audit WHERE thread_id = ?", thread
    )
    assert {(r["actor"], r["action"]) for r in trail} == {("system", "rule")}
    assert json.loads(trail[0]["detail"])["rule"] == "返品"
    with inbox.store.read() as conn:
        assert audit.verify(conn)[1] == []


def test_first_assign_wins_and_never_takes_a_thread(inbox_factory: Factory) -> None:
    inbox = inbox_factory(rules=RULES)
    first = mail(subject="返品", sender="buyer@mail.rakuten.co.jp")
    thread = inbox.put(first).thread_id
    assert inbox.thread(thread)["assignee"] == "suzuki"
    assert "rule 楽天: tagged 楽天" in texts(inbox, thread)
    assert not any("楽天: assigned" in t for t in texts(inbox, thread))


def test_quiet_rule_closes_and_marks_events(inbox_factory: Factory) -> None:
    inbox = inbox_factory(rules=RULES)
    raw = mail(subject="ご注文ありがとうございます", body="返品 casino")
    thread = inbox.put(raw).thread_id
    row = inbox.thread(thread)
    assert row["status"] == "done"
    found = {k: d for k, _, d in events(inbox, thread)}
    assert found["message.new"]["notify"] is False
    assert found["thread.new"]["notify"] is False
    # "返品" came first and matched; "迷惑" came after the stop.
    assert row["assignee"] == "suzuki"
    assert "rule 受注確認: no notification" in texts(inbox, thread)


def test_rule_marks_spam(inbox_factory: Factory) -> None:
    inbox = inbox_factory(rules=RULES)
    thread = inbox.put(mail(subject="win", body="best casino")).thread_id
    row = inbox.thread(thread)
    assert (row["status"], row["spam_reason"]) == ("spam", "rule 迷惑")


def test_spam_header_wins_over_rules(inbox_factory: Factory) -> None:
    inbox = inbox_factory(rules=RULES)
    raw = mail(subject="返品", headers="X-Spam-Flag: YES\nX-Spam-Status: Yes, score=8")
    thread = inbox.put(raw).thread_id
    row = inbox.thread(thread)
    assert (row["status"], row["spam_reason"], row["assignee"]) == (
        "spam",
        "X-Spam-Flag: YES",
        None,
    )
    found = {k: d for k, _, d in events(inbox, thread)}
    assert found["message.new"]["notify"] is False
    assert texts(inbox, thread) == ["spam: X-Spam-Flag: YES"]
    assert inbox.rows("SELECT actor, action FROM audit")[0][:] == ("system", "spam")


def test_block_list_from_config(inbox_factory: Factory) -> None:
    inbox = inbox_factory(spam='block = ["@spam.example", "bad@example.jp"]')
    assert (
        inbox.thread(inbox.put(mail(sender="x@spam.example")).thread_id)["status"]
        == "spam"
    )
    other = inbox.put(mail(sender="ok@example.jp", message_id="<m2@x>")).thread_id
    assert inbox.thread(other)["status"] == "new"
    rows = inbox.rows("SELECT pattern, note FROM blocklist ORDER BY pattern")
    assert [tuple(r) for r in rows] == [
        ("@spam.example", "config"),
        ("bad@example.jp", "config"),
    ]


def test_spam_header_ignored_when_configured(inbox_factory: Factory) -> None:
    inbox = inbox_factory(spam="honour_headers = false")
    thread = inbox.put(mail(headers="X-Spam-Flag: YES")).thread_id
    assert inbox.thread(thread)["status"] == "new"


def test_reply_in_a_thread_is_not_made_spam(inbox_factory: Factory) -> None:
    inbox = inbox_factory()
    thread = inbox.put(mail()).thread_id
    reply = mail(
        message_id="<m2@x>", in_reply_to="<m1@example.jp>", headers="X-Spam-Flag: YES"
    )
    assert inbox.put(reply, at=MONDAY_10 + 60).thread_id == thread
    assert inbox.thread(thread)["status"] == "new"


def test_status_rule_records_previous(inbox_factory: Factory) -> None:
    inbox = inbox_factory(
        rules='[[rule]]\nname = "保留"\nsubject = ["見積"]\nset_status = "open"\n'
    )
    thread = inbox.put(mail(subject="見積のお願い")).thread_id
    assert inbox.thread(thread)["status"] == "open"
    status = [d for k, _, d in events(inbox, thread) if k == "thread.status"]
    assert status[0]["previous"] == "new"
    assert status[0]["rule"] == "保留"


def test_history_import_runs_no_rules(inbox_factory: Factory) -> None:
    from shareinbox.store.ingest import Incoming, Mailbox, ingest
    from shareinbox.sync.parse import parse_message

    inbox = inbox_factory(rules=RULES)
    raw = mail(subject="返品")
    with inbox.store.write() as conn:
        result = ingest(conn, Mailbox(1, frozenset({"shop@example.test"})),
                        Incoming(raw, parse_message(raw), MONDAY_10),
                        policy=inbox.policy, now=MONDAY_10, notify=False)  # fmt: skip
    assert inbox.thread(result.thread_id)["assignee"] is None


def test_set_status_spam_is_the_spam_action(inbox_factory: Factory) -> None:
    inbox = inbox_factory(
        rules='[[rule]]\nname = "広告"\nsubject = ["広告"]\nset_status = "spam"\n'
    )
    thread = inbox.put(mail(subject="【広告】セール")).thread_id
    row = inbox.thread(thread)
    assert (row["status"], row["spam_reason"]) == ("spam", "rule 広告")
    found = {k: d for k, _, d in events(inbox, thread)}
    assert found["message.new"]["notify"] is False


def test_replies_keep_their_thread_out_of_spam_and_lock(inbox_factory: Factory) -> None:
    rules = (
        '[[rule]]\nname = "迷惑"\nbody = ["casino"]\nspam = true\n'
        '[[rule]]\nname = "完了"\nbody = ["解決"]\nset_status = "done"\ntags = ["解決"]\n'
    )
    inbox = inbox_factory(rules=rules)
    thread = inbox.put(mail()).thread_id
    with inbox.store.write() as conn:
        conn.execute(
            "UPDATE thread SET locked_by = 'suzuki', lock_expires_at = ? WHERE id = ?",
            (MONDAY_10 + H, thread),
        )
    reply = mail(message_id="<m2@x>", in_reply_to="<m1@example.jp>",
                 body="casino の広告ではありません。解決しました")  # fmt: skip
    inbox.put(reply, at=MONDAY_10 + 60)
    row = inbox.thread(thread)
    assert row["status"] == "new"  # neither spam nor done under suzuki's lock
    assert texts(inbox, thread) == ["rule 完了: tagged 解決"]


def test_header_rule_from_the_config_file(inbox_factory: Factory) -> None:
    rules = (
        '[[rule]]\nname = "カート"\nset_status = "done"\nnotify = false\n'
        '[[rule.header]]\nname = "X-Cart-Event"\ncontains = "ORDER-CONFIRMED"\n'
    )
    inbox = inbox_factory(rules=rules)
    confirmed = inbox.put(mail(headers="X-Cart-Event: order-confirmed; id=5")).thread_id
    other = inbox.put(mail(message_id="<m2@x>", subject="別件")).thread_id
    assert inbox.thread(confirmed)["status"] == "done"
    assert inbox.thread(other)["status"] == "new"
