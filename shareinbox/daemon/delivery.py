"""Sending one queued reply, exactly once, and what happens after.

An attempt: the row goes ``queued`` -> ``sending`` (committed) and the
journal gets ``begin``; the transport sends, writing ``commit`` to the
journal just before the final dot and ``accepted`` with the answer after
it; a copy is filed in the Sent folder (unless the server does that itself,
``sent_by_server``) after checking its Message-ID is not there already;
then, in one transaction, the row becomes ``sent``, the mail is stored in
its thread (first response, history) and the thread takes the reply's
``then_status``. A temporary failure is queued again with exponential
backoff, up to `RetryPolicy.attempts`; a permanent one fails at once.

After a crash (`recover`), a row left in ``sending`` is judged by its
journal: ``accepted`` -> finish it as sent; no ``commit`` -> the server
never had the whole mail, queue it again; ``commit`` without an answer ->
look for its Message-ID in the Sent folder: there -> sent; not there ->
queued again when the server files sent mail itself, else ``failed`` with
an error saying it may have been delivered (a person decides; nothing is
sent twice on a guess).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from shareinbox import secrets
from shareinbox.clock import Clock
from shareinbox.config import AccountConfig, Config
from shareinbox.daemon.journal import SendJournal
from shareinbox.errors import ShareinboxError
from shareinbox.service import core
from shareinbox.service import outbox_views as views
from shareinbox.service.sent import record_sent
from shareinbox.store import outbox
from shareinbox.store.db import Store
from shareinbox.sync import routes
from shareinbox.sync.sentbox import ImapSentFolder, SentFolder
from shareinbox.sync.smtp import SendError, SmtpTransport, Transport

log = logging.getLogger(__name__)

TransportFactory = Callable[[AccountConfig, routes.Route], Transport]
SentFolderFactory = Callable[[AccountConfig], SentFolder | None]
UNCERTAIN = (
    "the daemon stopped while the mail server was taking this reply, and it is "
    "not in the Sent folder: it may or may not have been delivered. Check with "
    "the customer or the server log; Retry sends it again."
)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff for temporary failures, then give up."""

    first: float = 30.0
    factor: float = 2.0
    cap: float = 1800.0
    attempts: int = 8

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        return float(min(self.cap, self.first * self.factor ** max(0, attempt - 1)))


def smtp_transport(account: AccountConfig, route: routes.Route) -> Transport:
    """The real transport: the route's SMTP server with its password source."""
    return SmtpTransport(
        route.smtp,
        lambda: secrets.get_password(route.password_key, route.password_command),
    )


def imap_sent_folder(account: AccountConfig) -> SentFolder | None:
    """The account's Sent folder on its IMAP server."""
    return ImapSentFolder(
        account, lambda: secrets.get_password(account.name, account.password_command)
    )


@dataclass(frozen=True)
class Attempt:
    """One send attempt under way."""

    outbox_id: int
    account: AccountConfig
    route: routes.Route
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    raw: bytes


class Postman:
    """Carries out attempts and recovery (`OutboxSender` runs it in a thread).

    Args:
        store: the database.
        config: accounts and shop settings.
        journal: the send journal.
        clock: the time for stored rows and backoff.
        transports: the transport for an account and route.
        sent_folders: an account's Sent folder (None: not filed, not checked).
        retry: the backoff policy.
        on_commit: called after each committed change (pushes events).
    """

    def __init__(
        self,
        store: Store,
        config: Config,
        journal: SendJournal,
        *,
        clock: Clock,
        transports: TransportFactory = smtp_transport,
        sent_folders: SentFolderFactory = imap_sent_folder,
        retry: RetryPolicy | None = None,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.journal = journal
        self.transports = transports
        self.sent_folders = sent_folders
        self.retry = retry or RetryPolicy()
        self.on_commit = on_commit or (lambda: None)
        self.ctx = core.Context(store, config, core.Actor.system(), clock)

    def send(self, outbox_id: int) -> None:
        """One attempt at a queued reply (nothing if it is no longer queued)."""
        attempt = self.start(outbox_id)
        if attempt is None:
            return
        answer = self.transmit(attempt)
        if answer is not None:
            self.finish_sent(outbox_id, answer)

    def start(self, outbox_id: int) -> Attempt | None:
        """Move a queued reply to ``sending`` and journal ``begin``."""
        with self.store.write() as conn:
            row = outbox.get(conn, outbox_id, with_raw=True)
            if row is None or row["state"] != "queued" or row["raw"] is None:
                return None
            try:
                account = self.config.account(row["account"])
                route = routes.route_for(account, views.recipients(row))
            except ShareinboxError as e:  # account gone from the config, ...
                self._fail(conn, row, e.message)
                return None
            outbox.move(conn, outbox_id, ["queued"], "sending", self.ctx.now(),
                        attempts=row["attempts"] + 1, sending_at=self.ctx.now(),
                        route=route.name)  # fmt: skip
            views.state_event(self.ctx, conn, row, "sending", "queued")
        self.on_commit()
        self.journal.begin(outbox_id, row["message_id"])
        recipients = tuple(views.recipients(row))
        return Attempt(outbox_id, account, route, row["message_id"],
                       route.from_address or account.address, recipients,
                       bytes(row["raw"]))  # fmt: skip

    def transmit(self, attempt: Attempt) -> str | None:
        """Hand the mail to the transport; the server's answer, or None if not sent."""
        transport = self.transports(attempt.account, attempt.route)
        oid = attempt.outbox_id
        try:
            delivery = transport.send(
                attempt.sender, attempt.recipients, attempt.raw,
                before_commit=lambda: self.journal.mark(oid, "commit"),
            )  # fmt: skip
        except SendError as e:
            if e.uncertain:
                self.settle_uncertain(oid, e.message)
            else:
                self.failed_attempt(oid, e)
            return None
        except ShareinboxError as e:  # no password, ...
            self.failed_attempt(oid, SendError(e.message, temporary=False))
            return None
        answer = delivery.reply
        if delivery.refused:
            refused = "; ".join(f"{a}: {why}" for a, why in delivery.refused.items())
            answer += f" (refused: {refused})"
        self.journal.mark(oid, "accepted", answer)
        return answer

    def failed_attempt(self, outbox_id: int, error: SendError) -> None:
        """Queue again after a temporary failure (with backoff), else fail."""
        with self.store.write() as conn:
            row = outbox.get(conn, outbox_id)
            assert row is not None
            attempts = int(row["attempts"])
            if error.temporary and attempts < self.retry.attempts:
                wait = self.retry.delay(attempts)
                outbox.move(conn, outbox_id, ["sending"], "queued", self.ctx.now(),
                            last_error=error.message,
                            next_attempt_at=self.ctx.now() + wait)  # fmt: skip
                views.state_event(self.ctx, conn, row, "queued", "sending")
                log.info("reply %d: attempt %d failed, next in %.0f s: %s",
                         outbox_id, attempts, wait, error.message)  # fmt: skip
            else:
                why = error.message
                if error.temporary:
                    why = f"gave up after {attempts} attempts; last error: {why}"
                self._fail(conn, row, why)
        self.journal.finish(outbox_id)
        self.on_commit()

    def _fail(self, conn: sqlite3.Connection, row: sqlite3.Row, why: str) -> None:
        outbox.move(conn, int(row["id"]), [row["state"]], "failed", self.ctx.now(),
                    last_error=why, next_attempt_at=None)  # fmt: skip
        views.state_event(self.ctx, conn, row, "failed", row["state"])
        self.ctx.audit(conn, "outbox.failed", target=f"outbox:{row['id']}",
                       thread_id=row["thread_id"], detail={"error": why})  # fmt: skip
        log.warning("reply %d failed: %s", row["id"], why)

    def finish_sent(self, outbox_id: int, answer: str) -> None:
        """File the copy in Sent, then record the reply as sent (see module doc)."""
        with self.store.read() as conn:
            row = outbox.get(conn, outbox_id, with_raw=True)
        if row is None or row["state"] != "sending":
            self.journal.finish(outbox_id)
            return
        account = self.config.account(row["account"])
        filed = account.sent_by_server or self.file_copy(account, row)
        with self.store.write() as conn:
            record_sent(self.ctx, conn, outbox_id, answer, filed=filed)
        self.journal.finish(outbox_id)
        self.on_commit()

    def file_copy(self, account: AccountConfig, row: sqlite3.Row) -> bool:
        """Append the sent mail to Sent (unless there); False when that failed."""
        folder = self.sent_folders(account)
        if folder is None:
            return False
        try:
            folder.file(bytes(row["raw"]), row["message_id"])
        except ShareinboxError as e:
            log.warning("reply %d: not filed in Sent yet: %s", row["id"], e.message)
            return False
        return True

    def settle_uncertain(self, outbox_id: int, why: str) -> bool:
        """Decide a reply that may have left (see module doc); False if undecided."""
        with self.store.read() as conn:
            row = outbox.get(conn, outbox_id)
        if row is None or row["state"] != "sending":
            self.journal.finish(outbox_id)
            return True
        account = self.config.account(row["account"])
        folder = self.sent_folders(account)
        try:
            found = folder.contains(row["message_id"]) if folder else False
        except ShareinboxError as e:
            log.warning("reply %d: cannot check Sent yet: %s", outbox_id, e.message)
            return False
        if found:
            self.finish_sent(outbox_id, "found in the Sent folder")
        elif account.sent_by_server and folder is not None:
            self.requeue(outbox_id)
        else:
            with self.store.write() as conn:
                self._fail(conn, row, f"{UNCERTAIN} ({why})")
            self.journal.finish(outbox_id)
            self.on_commit()
        return True

    def resume(self, outbox_id: int) -> bool:
        """Put a queued reply whose journal says it was being sent back in
        ``sending``; False when it is in another state."""
        with self.store.write() as conn:
            row = outbox.get(conn, outbox_id)
            return row is not None and outbox.move(
                conn, outbox_id, ["queued"], "sending", self.ctx.now()
            )

    def requeue(self, outbox_id: int) -> None:
        """Put an attempt that never reached the server back in the queue."""
        with self.store.write() as conn:
            row = outbox.get(conn, outbox_id)
            if row is not None and outbox.move(
                conn, outbox_id, ["sending"], "queued", self.ctx.now(),
                attempts=max(0, row["attempts"] - 1), next_attempt_at=None,
            ):  # fmt: skip
                views.state_event(self.ctx, conn, row, "queued", "sending")
        self.journal.finish(outbox_id)
        self.on_commit()
