"""Reading a mail client's export: mbox files and Maildir folders.

`find_sources` walks a path: a Maildir (``cur``/``new``/``tmp``) and its
Maildir++ subfolders (``.Sent``), an mbox file, or a directory holding
either (Thunderbird's profile folders, Apple Mail's ``Name.mbox/mbox``).
`read_source` yields each message's raw bytes as stored, with the delivery
time the file records (mbox ``From `` line, Maildir file name), if any.
"""

from __future__ import annotations

import logging
import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from shareinbox.errors import ShareinboxError

log = logging.getLogger(__name__)

SENT_NAMES = frozenset(
    {"sent", "sent items", "sent messages", "sent mail", "送信済み",
     "送信済みアイテム", "送信済みメール", "送信箱"}
)  # fmt: skip
MAX_DEPTH = 6
_MAILDIR_TIME = re.compile(r"^(\d{9,11})\.")


class MailFileError(ShareinboxError):
    """The path holds no mail shareinbox can read."""


@dataclass(frozen=True)
class Source:
    """One folder of an export."""

    kind: str  # "mbox" | "maildir"
    path: Path
    name: str

    @property
    def role(self) -> str:
        """``sent`` for a Sent folder (our own mail), else ``other``."""
        leaf = self.name.rsplit("/", 1)[-1].rsplit(".", 1)[-1]
        return "sent" if leaf.strip().lower() in SENT_NAMES else "other"


def _is_maildir(path: Path) -> bool:
    return all((path / sub).is_dir() for sub in ("cur", "new"))


def _is_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            head = f.read(5)
    except OSError:
        return False
    return head == b"From " or (head == b"" and path.suffix == ".mbox")


def find_sources(path: Path) -> list[Source]:
    """Every mbox file and Maildir under `path`, in a stable order.

    Raises:
        MailFileError: `path` does not exist or holds no mail.
    """
    if not path.exists():
        raise MailFileError(f"{path} does not exist", title="Nothing to import")
    found = _walk(path, path.name or str(path), 0)
    if not found:
        raise MailFileError(
            f"{path} is neither an mbox file nor a Maildir, and holds none; "
            "export the mail folder as mbox or Maildir first",
            title="Nothing to import",
        )
    return found


def _walk(path: Path, name: str, depth: int) -> list[Source]:
    if path.is_file():
        return [Source("mbox", path, name)] if _is_mbox(path) else []
    if not path.is_dir() or depth > MAX_DEPTH or path.is_symlink():
        return []
    if _is_maildir(path):
        sources = [Source("maildir", path, name)]
        for child in sorted(path.iterdir()):
            if child.name.startswith(".") and _is_maildir(child):
                sources.append(Source("maildir", child, child.name[1:]))
        return sources
    sources = []
    for child in sorted(path.iterdir()):
        if child.name.startswith(".") or child.name in ("cur", "new", "tmp"):
            continue
        label = child.name if child.name != "mbox" else name
        sources.extend(_walk(child, label, depth + 1))
    return sources


def read_source(source: Source) -> Iterator[tuple[bytes, float | None]]:
    """Each message's raw bytes and delivery time (None if unknown)."""
    if source.kind == "maildir":
        box: mailbox.Mailbox[mailbox.Message] = mailbox.Maildir(
            source.path, factory=None, create=False
        )
        for key in sorted(box.keys()):
            match = _MAILDIR_TIME.match(key)
            yield box.get_bytes(key), float(match.group(1)) if match else None
        return
    mbox = mailbox.mbox(source.path, factory=None, create=False)
    try:
        for key in mbox.iterkeys():
            data = mbox.get_bytes(key, from_=True)
            first, _, rest = data.partition(b"\n")
            yield rest, _from_line_time(first)
    finally:
        mbox.close()


def _from_line_time(line: bytes) -> float | None:
    """The asctime of an mbox ``From `` line (taken as UTC), if readable."""
    words = line.decode("ascii", "replace").split()
    if len(words) < 7:
        return None
    try:
        moment = datetime.strptime(" ".join(words[-5:]), "%a %b %d %H:%M:%S %Y")
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC).timestamp()
