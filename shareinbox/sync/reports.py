"""What a sync run is told (options) and what it tells (reports)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from shareinbox.sync.parse import ParsedMessage, parse_message


@dataclass(frozen=True)
class SyncOptions:
    """Tuning and hooks of a sync run.

    Attributes:
        batch_size: messages per fetch and per transaction.
        batch_bytes: a batch also ends when its messages reach this size.
        full_scan_every: seconds between reconciliation scans of a folder
            (also on QRESYNC servers, whose cursors can regress); None: never.
        order_patterns: the shop's extra order-number patterns.
        parse: the MIME parser (never raises).
        on_commit: called after each committed batch (the daemon pushes events).
        history_days: on a folder's first sync, mail received more than this
            many days before it is filed as history (`shareinbox.sync.onboard`);
            0: everything is live.
    """

    batch_size: int = 300
    batch_bytes: int = 16 * 1024 * 1024
    full_scan_every: float | None = 24 * 3600.0
    order_patterns: tuple[str, ...] = ()
    parse: Callable[[bytes], ParsedMessage] = parse_message
    on_commit: Callable[[], None] | None = None
    history_days: int = 0


@dataclass
class FolderReport:
    """What a sync did to one folder."""

    folder: str
    mode: str = ""
    reason: str = ""
    new: int = 0  # messages stored for the first time
    history: int = 0  # of those, old mail filed as history (first sync)
    fetched: int = 0  # bodies fetched (new + re-matched + duplicates)
    changed: int = 0  # flag changes
    expunged: int = 0  # locations the server no longer has
    batches: int = 0
    error: str | None = None


@dataclass
class AccountReport:
    """What a sync did to one account; `error` is None when all went well."""

    account: str
    folders: list[FolderReport] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the account and every folder synced."""
        return self.error is None

    @property
    def new(self) -> int:
        """Messages stored for the first time."""
        return sum(f.new for f in self.folders)

    @property
    def changed(self) -> int:
        """Flag changes applied."""
        return sum(f.changed for f in self.folders)

    @property
    def expunged(self) -> int:
        """Locations dropped because the server no longer has them."""
        return sum(f.expunged for f in self.folders)

    def summary(self) -> str:
        """One line for the terminal and the log."""
        state = "ok" if self.ok else f"error: {self.error}"
        return (
            f"{self.account}: {self.new} new, {self.changed} changed, "
            f"{self.expunged} expunged, {len(self.folders)} folders, {state}"
        )
