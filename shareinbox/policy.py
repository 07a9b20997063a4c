"""The team's rules for new mail: business-time deadlines, spam, sorting rules.

`TeamPolicy` is the `IngestPolicy` the daemon uses. For each new inbound
message, inside the transaction that stores it:

1. A message that starts a thread is spam when its ``X-Spam-Flag`` /
   ``X-Spam-Status`` say so (``[spam] honour_headers``) or its sender is on
   the block list: the thread goes to ``spam`` quietly and no rule runs.
2. Otherwise every ``[[rule]]`` is tried in order (`shareinbox.rules`) and
   the actions of each matching one are carried out: status (not while
   someone holds the reply lock), assignee (only while the thread has none,
   so a rule never takes a thread from someone), tags, category, spam (only
   for a message that starts a thread: a reply in a conversation is not
   spam), and ``notify = false`` (the new-mail events carry ``notify:
   false``, so clients show no toast).

Every action is a thread event whose ``data.text`` reads like "rule 返品:
assigned to tanaka" (actor ``system``, ``data.rule`` the rule's name) and an
audit row by ``system``.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from shareinbox.config import Config, RuleConfig
from shareinbox.rules import MailFacts, matching, spam_verdict
from shareinbox.sla import BusinessCalendar
from shareinbox.store import audit, details, events, sorting, teamwork
from shareinbox.sync.mailtypes import ParsedMessage

log = logging.getLogger(__name__)


class TeamPolicy:
    """Deadlines in business time, spam handling and the sorting rules.

    Args:
        config: the configuration (``[sla]``, ``[spam]``, ``[[rule]]``).
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self.calendar = BusinessCalendar.from_config(config)

    def seed(self, conn: sqlite3.Connection, *, now: float) -> None:
        """Bring the block list's ``config`` entries in line with ``[spam] block``."""
        added, removed = sorting.seed_blocklist(conn, self.config.spam.block, now=now)
        if added or removed:
            log.info("block list from the config: +%d -%d", len(added), len(removed))

    def first_response_due(self, received_at: float) -> float | None:
        """`received_at` plus ``[sla] first_response`` of business time."""
        target = float(self.config.sla.first_response)
        try:
            return self.calendar.add(received_at, target)
        except ValueError:
            log.warning("no working day in [sla]: due date in calendar time")
            return received_at + target

    def on_new_inbound(
        self,
        conn: sqlite3.Connection,
        thread_id: int,
        message_row_id: int,
        parsed: ParsedMessage,
        now: float,
    ) -> None:
        """Spam check, then the rules (see the module docstring)."""
        thread = sorting.rule_target(conn, thread_id)
        facts = MailFacts.from_parsed(
            thread["account_name"],
            parsed,
            lambda: details.raw_message(conn, message_row_id) or b"",
        )
        act = _Actions(conn, thread_id, message_row_id, now, thread)
        if act.new_thread:
            verdict = spam_verdict(
                facts,
                honour_headers=self.config.spam.honour_headers,
                blocked=sorting.block_patterns(conn),
            )
            if verdict is not None:
                act.spam(verdict, rule=None)
                return
        for rule in matching(self.config.rules, facts):
            if act.apply(rule):
                return


class _Actions:
    """Carries out rule actions on one thread, recording each."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        thread_id: int,
        message_id: int,
        now: float,
        thread: sqlite3.Row,
    ) -> None:
        self.conn = conn
        self.thread_id = thread_id
        self.message_id = message_id
        self.now = now
        self.status = str(thread["status"])
        self.assignee: str | None = thread["assignee"]
        self.new_thread = int(thread["message_count"]) == 1
        # Someone is replying: a rule does not change the status under them.
        self.locked = teamwork.active_holder(thread, now) is not None
        self.quieted = False

    def apply(self, rule: RuleConfig) -> bool:
        """Carry out one rule's actions; True when the thread became spam."""
        if rule.spam or rule.set_status == "spam":
            if not self.new_thread:
                return False  # a reply in a conversation is not spam
            self.spam(f"rule {rule.name}", rule=rule.name)
            return True
        if rule.set_status and rule.set_status != self.status and not self.locked:
            previous, self.status = self.status, rule.set_status
            teamwork.set_status(
                self.conn, self.thread_id, rule.set_status, now=self.now
            )
            self._record(rule.name, "thread.status", f"status {rule.set_status}",
                         {"status": rule.set_status, "previous": previous})  # fmt: skip
        if rule.assign and self.assignee is None:
            self.assignee = rule.assign
            teamwork.set_assignee(self.conn, self.thread_id, rule.assign, now=self.now)
            self._record(rule.name, "thread.assigned", f"assigned to {rule.assign}",
                         {"assignee": rule.assign, "previous": None})  # fmt: skip
        added = sorting.add_tags(self.conn, self.thread_id, rule.tags)
        if added:
            self._record(rule.name, "thread.tags", f"tagged {', '.join(added)}",
                         {"added": added})  # fmt: skip
        if rule.category:
            sorting.set_category(self.conn, self.thread_id, rule.category, now=self.now)
            self._record(rule.name, "thread.category", f"category {rule.category}",
                         {"category": rule.category})  # fmt: skip
        if not rule.notify:
            self._quiet()
            self._record(rule.name, "thread.rule", "no notification", {"notify": False})
        return False

    def spam(self, reason: str, *, rule: str | None) -> None:
        """Move the thread to spam, quietly."""
        previous = self.status
        teamwork.set_status(
            self.conn, self.thread_id, "spam", now=self.now, spam_reason=reason
        )
        self._quiet()
        self._record(rule, "thread.status", f"spam: {reason}",
                     {"status": "spam", "previous": previous, "reason": reason})  # fmt: skip

    def _quiet(self) -> None:
        if not self.quieted:
            sorting.quiet_message(
                self.conn, self.thread_id, self.message_id, new_thread=self.new_thread
            )
            self.quieted = True

    def _record(
        self, rule: str | None, kind: str, what: str, data: dict[str, Any]
    ) -> None:
        text = f"rule {rule}: {what}" if rule else what
        detail = {**data, "rule": rule, "text": text, "message_id": self.message_id}
        events.append(self.conn, kind, at=self.now, thread_id=self.thread_id,
                      actor="system", data=detail)  # fmt: skip
        audit.append(self.conn, at=self.now, actor="system",
                     action="rule" if rule else "spam",
                     target=f"thread:{self.thread_id}", thread_id=self.thread_id,
                     detail=detail)  # fmt: skip
