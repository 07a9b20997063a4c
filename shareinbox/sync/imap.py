"""A typed facade over imapclient 4.1 for mirroring folders.

It closes imapclient's gaps (see DESIGN.md "Known traps"): ENABLE before
SELECT, SELECT with QRESYNC parameters, VANISHED parsing, UID FETCH with
compact UID sets (imapclient's ``fetch("1:*")`` raises and its explicit UID
lists grow past the server's line limit), APPENDUID. Bodies are always
fetched with ``BODY.PEEK[]`` so syncing never marks mail read. Untagged
responses are drained around every command so nothing piles up.
"""

from __future__ import annotations

import functools
import imaplib
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import imapclient
from imapclient.exceptions import IMAPClientError

from shareinbox.config import ImapConfig
from shareinbox.errors import SyncError
from shareinbox.sync import imap_wire, uidset
from shareinbox.sync.connect import imap_connect
from shareinbox.sync.imap_wire import FetchedMessage, MessageMeta
from shareinbox.sync.plan import Capabilities, ServerFolder

log = logging.getLogger(__name__)
_MAX_LINE = 1_000_000  # imaplib's limit on a response line
T = TypeVar("T")
# Errors that mean the connection (not one command) failed.
CONNECTION_ERRORS = (OSError, imaplib.IMAP4.abort, IMAPClientError, EOFError)


class ConnectionLost(SyncError):
    """The connection to the IMAP server broke (not just one command)."""


@dataclass(frozen=True)
class Selected:
    """A SELECT's answer: the folder state plus QRESYNC changes."""

    state: ServerFolder
    vanished: list[int] = field(default_factory=list)
    changed: dict[int, MessageMeta] = field(default_factory=dict)


class ImapSession:
    """One logged-in IMAP connection used for mirroring.

    Args:
        client: a logged-in imapclient connection (see `connect`).
    """

    def __init__(self, client: imapclient.IMAPClient) -> None:
        self.client = client
        # imapclient sets imaplib's debug level to 5, which formats every
        # fetched body into a log string: a large hidden cost.
        self._imap: Any = client._imap
        self._imap.debug = 0
        self.caps = Capabilities()
        self.esearch = False
        self.unselect_ok = False
        self.idle_ok = False
        self.selected: str | None = None

    @classmethod
    def connect(
        cls, cfg: ImapConfig, password: str, *, timeout: float = 60.0
    ) -> ImapSession:
        """Connect, log in and enable CONDSTORE/QRESYNC where offered."""
        session = cls(imap_connect(cfg, password, timeout=timeout))
        try:
            session.enable()
        except SyncError:
            session.close()
            raise
        return session

    def _call(self, what: str, action: Callable[[], T]) -> T:
        try:
            return action()
        except imaplib.IMAP4.abort as e:
            raise ConnectionLost(f"IMAP connection lost during {what}: {e}") from e
        except (imaplib.IMAP4.error, IMAPClientError) as e:
            raise SyncError(f"IMAP {what} failed: {e}") from e
        except (OSError, EOFError) as e:
            why = "timed out" if isinstance(e, socket.timeout) else str(e) or "closed"
            raise ConnectionLost(f"IMAP connection lost during {what}: {why}") from e

    def enable(self) -> Capabilities:
        """ENABLE QRESYNC (else CONDSTORE) before any SELECT; return what works."""
        caps = {c.upper() for c in self._call("CAPABILITY", self.client.capabilities)}
        qresync = b"QRESYNC" in caps and b"ENABLE" in caps
        condstore = b"CONDSTORE" in caps or qresync
        if qresync:
            enabled = self._call("ENABLE", lambda: self.client.enable("QRESYNC"))
            qresync = b"QRESYNC" in {e.upper() for e in enabled}
        elif condstore and b"ENABLE" in caps:
            self._call("ENABLE", lambda: self.client.enable("CONDSTORE"))
        self.caps = Capabilities(condstore=condstore, qresync=qresync)
        self.esearch = b"ESEARCH" in caps
        self.unselect_ok = b"UNSELECT" in caps
        self.idle_ok = b"IDLE" in caps
        return self.caps

    def drain(self) -> dict[str, list[Any]]:
        """Take (and clear) every untagged response collected so far."""
        pending = dict(self._imap.untagged_responses)
        self._imap.untagged_responses.clear()
        return pending

    def folder_exists(self, folder: str) -> bool:
        """True when the server has a folder of that name (one LIST)."""
        found = self._call("LIST", lambda: self.client.folder_exists(folder))
        self.drain()
        return bool(found)

    def status(self, folder: str) -> ServerFolder:
        """STATUS of a folder that is not selected (~1 ms)."""
        items = ["MESSAGES", "UIDNEXT", "UIDVALIDITY"]
        if self.caps.condstore:
            items.append("HIGHESTMODSEQ")
        data = self._call("STATUS", lambda: self.client.folder_status(folder, items))
        self.drain()
        modseq = data.get(b"HIGHESTMODSEQ")
        return ServerFolder(
            uidvalidity=int(data[b"UIDVALIDITY"]),
            uidnext=int(data[b"UIDNEXT"]),
            messages=int(data[b"MESSAGES"]),
            highestmodseq=int(modseq) if modseq else None,
        )

    def select(
        self, folder: str, *, qresync: tuple[int, int, str | None] | None = None
    ) -> Selected:
        """SELECT a folder, with ``(QRESYNC (uidvalidity modseq known-uids))``.

        Returns the folder state and, with QRESYNC, the UIDs expunged and the
        flags changed since `modseq` (both empty when UIDVALIDITY differs).
        """
        args: list[str] = [self.client._normalise_folder(folder)]
        if qresync is not None and self.caps.qresync:
            uidvalidity, modseq, known = qresync
            known_arg = f" {known}" if known else ""
            args.append(f"(QRESYNC ({uidvalidity} {modseq}{known_arg}))")
        elif self.caps.condstore:
            args.append("(CONDSTORE)")
        self.drain()
        typ, data = self._call(
            "SELECT", lambda: self._imap._simple_command("SELECT", *args)
        )
        if typ != "OK":
            raise SyncError(f"cannot open folder {folder!r}: {_text(data)}")
        self._imap.state = "SELECTED"
        self.selected = folder
        pending = self.drain()
        vanished = imap_wire.parse_vanished(pending.pop("VANISHED", []))
        changed = imap_wire.parse_meta(pending.pop("FETCH", []))
        info = self.client._process_select_response(pending)
        if b"UIDVALIDITY" not in info:
            raise SyncError(f"the server sent no UIDVALIDITY for folder {folder!r}")
        modseq = info.get(b"HIGHESTMODSEQ")
        state = ServerFolder(
            uidvalidity=int(info[b"UIDVALIDITY"]),
            uidnext=int(info.get(b"UIDNEXT", 1)),
            messages=int(info.get(b"EXISTS", 0)),
            highestmodseq=int(modseq) if modseq and b"NOMODSEQ" not in info else None,
        )
        return Selected(state, vanished, changed)

    def unselect(self) -> None:
        """Leave the selected folder without expunging anything."""
        if self.selected is None:
            return
        if self.unselect_ok:
            self._call("UNSELECT", self.client.unselect_folder)
        else:
            # EXAMINE a folder read-only instead: CLOSE would expunge.
            self._call(
                "EXAMINE", lambda: self.client.select_folder("INBOX", readonly=True)
            )
        self.selected = None
        self.drain()

    def _uid_command(self, name: str, *args: str) -> dict[str, list[Any]]:
        """Run ``UID <name> args`` and return its untagged responses."""

        def run() -> tuple[str, list[Any]]:
            tag = self._imap._command("UID", name, *args)
            return self._imap._command_complete(name, tag)  # type: ignore[no-any-return]

        self.drain()
        typ, data = self._call(f"UID {name}", run)
        if typ != "OK":
            raise SyncError(f"UID {name} failed: {_text(data)}")
        return self.drain()

    def uids(self) -> list[int]:
        """Every UID in the selected folder (ESEARCH keeps the answer short)."""
        if self.esearch:
            return imap_wire.parse_esearch(
                self._uid_command("SEARCH", "RETURN", "(ALL)", "ALL").get("ESEARCH", [])
            )
        return imap_wire.parse_search(
            self._uid_command("SEARCH", "ALL").get("SEARCH", [])
        )

    def fetch_meta(
        self,
        uids: str,
        *,
        flags: bool = True,
        size: bool = False,
        changed_since: int | None = None,
        at_least: int = 1,
    ) -> dict[int, MessageMeta]:
        """UID/FLAGS/MODSEQ/RFC822.SIZE for a UID-set string (``"1:*"`` allowed).

        `at_least` drops answers below a UID: ``n:*`` always returns the
        highest message even when it is below n.
        """
        items = (
            ["UID"] + (["FLAGS"] if flags else []) + (["RFC822.SIZE"] if size else [])
        )
        if self.caps.condstore:
            items.append("MODSEQ")
        args = [uids, "(" + " ".join(items) + ")"]
        if changed_since is not None:
            args.append(f"(CHANGEDSINCE {changed_since})")
        found = imap_wire.parse_meta(self._meta_lines(args))
        return {uid: meta for uid, meta in found.items() if uid >= at_least}

    def _meta_lines(self, args: list[str]) -> list[bytes]:
        """``UID FETCH args`` (no bodies), read by `imap_wire.read_tagged`."""

        def run() -> tuple[list[bytes], bytes]:
            tag = self._imap._command("UID", "FETCH", *args)
            try:
                readline = functools.partial(self._imap.file.readline, _MAX_LINE)
                return imap_wire.read_tagged(readline, self._imap.read, tag)
            finally:
                self._imap.tagged_commands.pop(tag, None)

        self.drain()
        lines, status = self._call("UID FETCH", run)
        if status.split(b" ", 2)[1:2] != [b"OK"]:
            raise SyncError(f"UID FETCH failed: {status.decode('utf-8', 'replace')}")
        return lines

    def fetch_bodies(self, uids: list[int]) -> list[FetchedMessage]:
        """Flags, INTERNALDATE and the raw message (``BODY.PEEK[]``) of `uids`."""
        if not uids:
            return []
        items = "(UID FLAGS INTERNALDATE" + (" MODSEQ" if self.caps.condstore else "")
        wanted = set(uids)
        pending = self._uid_command(
            "FETCH", uidset.compress(uids), items + " BODY.PEEK[])"
        )
        found = imap_wire.parse_bodies(pending.get("FETCH", []))
        return [m for m in found if m.uid in wanted]

    def append(
        self, folder: str, raw: bytes, *, flags: tuple[str, ...] = ("\\Seen",),
        when: datetime | None = None,
    ) -> tuple[int, int] | None:  # fmt: skip
        """APPEND a message; return (uidvalidity, uid) from APPENDUID if given."""
        answer = self._call(
            "APPEND",
            lambda: self.client.append(folder, raw, flags=flags, msg_time=when),
        )
        self.drain()
        return imap_wire.parse_appenduid(answer)

    def close(self) -> None:
        """Log out (or drop the socket if the server is gone)."""
        try:
            self.client.logout()
        except CONNECTION_ERRORS:
            try:
                self.client.shutdown()
            except CONNECTION_ERRORS:
                log.debug("IMAP socket already closed")


def _text(data: list[Any]) -> str:
    first = data[0] if data else b""
    return first.decode("utf-8", "replace") if isinstance(first, bytes) else str(first)
