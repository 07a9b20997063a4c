"""Loading the demo sample into a fresh store, the way real work would.

Mail goes through `shareinbox.store.ingest` (threads, customers, orders,
search); what the team did goes through the service operations (status,
assignment, notes, phone memos), so the audit trail and the event log look
like a real week. Tags and categories are written directly (sorting rules
set them in real life).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from shareinbox.clock import ManualClock
from shareinbox.config import Config
from shareinbox.demo.sample import Sample, SampleAction, SampleMail
from shareinbox.policy import TeamPolicy
from shareinbox.service import core, operations
from shareinbox.store import history, mirror
from shareinbox.store.db import Store
from shareinbox.store.ingest import Incoming, Mailbox, ingest
from shareinbox.sync.parse import parse_message

log = logging.getLogger(__name__)
assert operations.MODULES  # every operation registered


class _Loader:
    def __init__(
        self, store: Store, config: Config, roles: Mapping[str, str], start: float
    ) -> None:
        self.store = store
        self.config = config
        self.roles = roles
        self.threads: dict[str, int] = {}
        self.policy = TeamPolicy(config)
        account = config.accounts[0]
        with store.write() as conn:
            account_id = mirror.ensure_account(conn, account.name, account.address)
            self.policy.seed(conn, now=start)
        self.mailbox = Mailbox(account_id, account.own_addresses,
                               config.orders.patterns)  # fmt: skip

    def mail(self, mail: SampleMail) -> None:
        incoming = Incoming(mail.raw, parse_message(mail.raw), mail.at, source="demo")
        with self.store.write() as conn:
            done = ingest(conn, self.mailbox, incoming, policy=self.policy, now=mail.at)
            if mail.sent_by is not None:
                history.mark_sent_by(conn, done.message_id, self.roles[mail.sent_by])
        if done.thread_id is not None:
            self.threads.setdefault(mail.thread, done.thread_id)

    def context(self, role: str, at: float) -> core.Context:
        staff = self.config.staff_by_login(self.roles[role])
        if staff is None:
            raise ValueError(f"the demo config has no staff for the role {role}")
        actor = core.Actor.from_staff(staff)
        return core.Context(self.store, self.config, actor, clock=ManualClock(at))

    def action(self, action: SampleAction) -> None:
        thread_id = self.threads[action.thread]
        args: dict[str, Any] = dict(action.args)
        if action.kind in ("tags", "category"):
            with self.store.write() as conn:
                if action.kind == "tags":
                    history.add_tags(conn, thread_id, args["value"])
                else:
                    history.set_category(conn, thread_id, args["value"])
            return
        ctx = self.context(action.role, action.at)
        if action.kind == "draft":
            queue_draft_for_approval(ctx, thread_id, args["text"])
            return
        op, call_args = _operation(action.kind, thread_id, args, self.roles, action.at)
        core.call(ctx, op, call_args)


def _operation(
    kind: str, thread_id: int, args: dict[str, Any], roles: Mapping[str, str],
    at: float,
) -> tuple[str, dict[str, Any]]:  # fmt: skip
    if kind == "status":
        return "set_status", {"thread_id": thread_id, **args}
    if kind == "assign":
        return "assign", {"thread_id": thread_id, "login": roles[args["assignee"]]}
    if kind == "note":
        return "add_note", {"thread_id": thread_id, "text": args["text"]}
    if kind == "memo":
        return "add_memo", {"thread_id": thread_id, "text": args["text"],
                            "phone": args["phone"], "called_at": at}  # fmt: skip
    raise ValueError(f"unknown sample action {kind!r}")


def queue_draft_for_approval(
    ctx: core.Context, thread_id: int, text: str
) -> int | None:
    """The trainee's reply to `thread_id`, waiting for a supervisor's approval.

    Claims the thread, saves the draft and submits it as ``ctx.actor`` (a
    trainee whose replies need approval); returns the outbox id.
    """
    core.call(ctx, "claim", {"thread_id": thread_id})
    core.call(ctx, "save_draft", {"thread_id": thread_id, "body": text})
    submitted = core.call(ctx, "submit", {"thread_id": thread_id})
    return int(submitted["id"])


def load_sample(
    store: Store, config: Config, sample: Sample, roles: Mapping[str, str]
) -> dict[str, int]:
    """Store the sample's mail and team actions in time order.

    Args:
        roles: the staff login of each role the sample names (``admin``,
            ``supervisor``, ``trainee``).

    Returns:
        The thread id of each sample thread key.
    """
    start = min((m.at for m in sample.mails), default=0.0)
    loader = _Loader(store, config, roles, start)
    steps: list[tuple[float, int, SampleMail | SampleAction]] = [
        *((m.at, 0, m) for m in sample.mails),
        *((a.at, 1, a) for a in sample.actions),
    ]
    for _, _, step in sorted(steps, key=lambda s: (s[0], s[1])):
        if isinstance(step, SampleMail):
            loader.mail(step)
        else:
            loader.action(step)
    return loader.threads
