"""The sender's journal: what a send attempt got to, on disk, fsynced.

One small file per attempt in ``<data_dir>/outbox/journal``: ``begin`` with
the Message-ID before the SMTP session opens, ``commit`` just before the
final dot (from here the server may have the mail), ``accepted`` with the
server's answer. Each line is fsynced (the database runs with
``synchronous = NORMAL``, which a power cut may roll back), so after any
crash the daemon knows whether a mail can have left: it never sends one
twice on a guess.
"""

from __future__ import annotations

import os
from pathlib import Path


class SendJournal:
    """The journal directory.

    Args:
        directory: created 0700 if missing.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _path(self, outbox_id: int) -> Path:
        return self.directory / f"{outbox_id}.journal"

    def _sync_dir(self) -> None:
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _write(self, outbox_id: int, line: str, *, fresh: bool) -> None:
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if fresh else os.O_APPEND)
        fd = os.open(self._path(outbox_id), flags, 0o600)
        try:
            os.write(fd, (" ".join(line.split()) + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        if fresh:
            self._sync_dir()

    def begin(self, outbox_id: int, message_id: str) -> None:
        """An attempt starts (nothing has been sent yet)."""
        self._write(outbox_id, f"begin {message_id}", fresh=True)

    def mark(self, outbox_id: int, step: str, detail: str = "") -> None:
        """Record a step: ``commit`` or ``accepted <answer>``."""
        self._write(outbox_id, f"{step} {detail}", fresh=False)

    def steps(self, outbox_id: int) -> dict[str, str]:
        """The steps recorded for an attempt (empty: none, or no journal)."""
        try:
            text = self._path(outbox_id).read_text("utf-8", "replace")
        except FileNotFoundError:
            return {}
        steps: dict[str, str] = {}
        for line in text.splitlines():
            step, _, detail = line.partition(" ")
            if step:
                steps[step] = detail
        return steps

    def finish(self, outbox_id: int) -> None:
        """The attempt is recorded in the database: forget it."""
        try:
            os.unlink(self._path(outbox_id))
        except FileNotFoundError:
            return
        self._sync_dir()

    def pending(self) -> list[int]:
        """Outbox ids with a journal left behind."""
        ids = []
        for path in self.directory.glob("*.journal"):
            if path.stem.isdigit():
                ids.append(int(path.stem))
        return sorted(ids)
