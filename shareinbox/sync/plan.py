"""What to do with one folder: a pure function of server state and stored cursor.

The cursor ``(uidvalidity, uidnext, highestmodseq)`` is saved in the same
transaction as the rows it describes, so it never claims more than the store
holds. From it and what the server reports (STATUS or SELECT) the plan picks
one mode:

- ``unchanged``: CONDSTORE says nothing moved; do not even SELECT.
- ``full``: first sync, a new folder incarnation (UIDVALIDITY changed) or a
  server that lost its modification sequence (HIGHESTMODSEQ went back): fetch
  every message, re-match known ones by Message-ID / content hash, drop the
  locations the server no longer has.
- ``qresync``: SELECT with QRESYNC gives expunges (VANISHED) and flag changes.
- ``condstore``: CHANGEDSINCE for flags, a UID comparison for expunges.
- ``flagscan``: no CONDSTORE (or a periodic reconciliation): compare every
  UID and flag with the store.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum


class Mode(StrEnum):
    """How a folder is synchronised this time."""

    UNCHANGED = "unchanged"
    FULL = "full"
    QRESYNC = "qresync"
    CONDSTORE = "condstore"
    FLAGSCAN = "flagscan"


@dataclass(frozen=True)
class Cursor:
    """What the store knows about a folder (all None before the first sync)."""

    uidvalidity: int | None = None
    uidnext: int | None = None
    highestmodseq: int | None = None
    last_full_scan_at: float | None = None


@dataclass(frozen=True)
class ServerFolder:
    """What the server says about a folder (STATUS or SELECT)."""

    uidvalidity: int
    uidnext: int
    messages: int
    highestmodseq: int | None = None


@dataclass(frozen=True)
class Capabilities:
    """The server extensions the plan can use (enabled on this connection)."""

    condstore: bool = False
    qresync: bool = False


@dataclass(frozen=True)
class Plan:
    """The decision for one folder.

    Attributes:
        mode: see the module docstring.
        reason: one line for logs and reports.
        new_from: messages with a UID >= this are new (1 in ``full`` mode).
        changed_since: the CHANGEDSINCE / QRESYNC modseq, when used.
        rematch: the stored locations belong to an older incarnation (or a
            server that lost state): re-key messages, never duplicate them.
    """

    mode: Mode
    reason: str
    new_from: int = 1
    changed_since: int | None = None
    rematch: bool = False

    @property
    def known_uids(self) -> str | None:
        """The QRESYNC known-UIDs argument: compact, never an enumeration."""
        return f"1:{self.new_from - 1}" if self.new_from > 1 else None


def plan_sync(
    server: ServerFolder,
    stored: Cursor,
    *,
    local_count: int,
    caps: Capabilities,
    now: float = 0.0,
    full_scan_every: float | None = None,
) -> Plan:
    """Choose how to synchronise a folder.

    Args:
        server: the folder as the server reports it now.
        stored: the cursor saved with the stored rows.
        local_count: stored locations of this folder under `stored.uidvalidity`.
        caps: CONDSTORE / QRESYNC availability.
        now: the current time (for the periodic reconciliation).
        full_scan_every: seconds between reconciliation scans (None: never).
    """
    if stored.uidvalidity is None or stored.uidnext is None:
        return Plan(Mode.FULL, "first sync")
    if server.uidvalidity != stored.uidvalidity:
        reason = f"UIDVALIDITY changed ({stored.uidvalidity} -> {server.uidvalidity})"
        return Plan(Mode.FULL, reason, rematch=True)
    modseq = stored.highestmodseq
    server_modseq = server.highestmodseq if caps.condstore else None
    if server_modseq is not None and modseq is not None and server_modseq < modseq:
        reason = f"HIGHESTMODSEQ went back ({modseq} -> {server_modseq})"
        return Plan(Mode.FULL, reason, rematch=True)
    new_from = stored.uidnext
    if _scan_due(stored, now, full_scan_every):
        return Plan(Mode.FLAGSCAN, "periodic reconciliation", new_from=new_from)
    if server_modseq is None or modseq is None:
        return Plan(Mode.FLAGSCAN, "no CONDSTORE: full flag scan", new_from=new_from)
    if (
        server_modseq == modseq
        and server.uidnext == stored.uidnext
        and server.messages == local_count
    ):
        return Plan(Mode.UNCHANGED, "nothing changed", new_from=new_from)
    mode = Mode.QRESYNC if caps.qresync else Mode.CONDSTORE
    return Plan(mode, f"changes since modseq {modseq}", new_from, changed_since=modseq)


def _scan_due(stored: Cursor, now: float, every: float | None) -> bool:
    if every is None:
        return False
    last = stored.last_full_scan_at
    return last is None or now - last >= every


def new_uids(
    plan: Plan, server_uids: Collection[int], local_uids: Collection[int]
) -> list[int]:
    """The server UIDs whose bodies must be fetched, ascending.

    In ``full`` mode every server UID is fetched (known bodies are re-matched,
    not duplicated); in ``flagscan`` mode every UID the store lacks; otherwise
    the UIDs at or above the cursor that the store lacks.
    """
    if plan.mode is Mode.FULL:
        return sorted(server_uids)
    local = set(local_uids)
    if plan.mode is Mode.FLAGSCAN:
        return sorted(u for u in server_uids if u not in local)
    return sorted(u for u in server_uids if u >= plan.new_from and u not in local)


def gone_uids(
    server_uids: Collection[int], local_uids: Collection[int], below: int
) -> list[int]:
    """Stored UIDs under `below` that the server no longer has (expunged)."""
    server = set(server_uids)
    return sorted(u for u in local_uids if u < below and u not in server)
