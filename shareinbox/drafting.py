"""The client's side of writing a reply, without any UI: reading a file to
attach, handing the text to ``$EDITOR``, and To/Cc as one line of text.

A file to attach is read here, by the staff member's own process and with
their own permissions (the daemon cannot read their home directory, and must
not read files for them). The text edited in ``$EDITOR`` lives in a private
temporary file (0600) for as long as the editor runs.
"""

from __future__ import annotations

import base64
import mimetypes
import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from shareinbox.errors import ProtocolError, ShareinboxError
from shareinbox.text import clean, one_line

MAX_FILE = 15 * 1024 * 1024  # the daemon's limit (service.replies.MAX_FILE)


class AttachError(ShareinboxError):
    """A file cannot be attached (missing, a directory, unreadable, too big)."""


@dataclass(frozen=True)
class Upload:
    """A file read for attaching: its name, type and bytes."""

    filename: str
    content_type: str
    data: bytes

    def request(self) -> dict[str, Any]:
        """The arguments of the daemon's ``attach`` operation (without the thread)."""
        return {
            "filename": self.filename,
            "data_b64": base64.b64encode(self.data).decode("ascii"),
            "content_type": self.content_type,
        }


def read_upload(path_text: str, *, limit: int = MAX_FILE) -> Upload:
    """Read the file at `path_text` (``~`` expanded) to attach it.

    Raises:
        AttachError: with a message saying what is wrong and what to do.
    """
    text = path_text.strip()
    if not text:
        raise AttachError("give the path of a file to attach")
    path = Path(text).expanduser()
    shown = one_line(str(path))
    if not path.exists():
        raise AttachError(f"{shown}: no such file")
    if path.is_dir():
        raise AttachError(f"{shown} is a directory: attach the files in it one by one")
    if not path.is_file():
        raise AttachError(f"{shown} is not a regular file")
    size = path.stat().st_size
    if size > limit:
        raise AttachError(
            f"{shown} is {size // 1048576} MB; a file may be at most "
            f"{limit // 1048576} MB: share a link instead"
        )
    try:
        data = path.read_bytes()
    except PermissionError as e:
        raise AttachError(f"{shown}: you may not read this file") from e
    except OSError as e:
        raise AttachError(f"{shown}: {e.strerror or e}") from e
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Upload(path.name, kind, data)


def editor_command(environ: Mapping[str, str]) -> list[str]:
    """The editor to run: ``$VISUAL``, else ``$EDITOR``, else ``vi``."""
    chosen = environ.get("VISUAL") or environ.get("EDITOR") or "vi"
    try:
        words = shlex.split(chosen)
    except ValueError as e:
        raise ProtocolError(f"cannot read $EDITOR ({chosen!r}): {e}") from e
    return words or ["vi"]


def edit_text(text: str, environ: Mapping[str, str] | None = None) -> str:
    """Let the user edit `text` in their editor; return the cleaned result.

    The caller hands the terminal over first (Textual's ``App.suspend``).

    Raises:
        ShareinboxError: the editor could not be started or failed; the text
            is then unchanged (the caller keeps what it had).
    """
    environ = os.environ if environ is None else environ
    command = editor_command(environ)
    fd, name = tempfile.mkstemp(prefix="shareinbox-reply-", suffix=".txt")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        try:
            result = subprocess.run([*command, name], check=False)
        except OSError as e:
            raise ShareinboxError(
                f"cannot start the editor {command[0]!r}: {e.strerror or e}; "
                "set $EDITOR to an editor installed here",
                title="No editor",
            ) from e
        if result.returncode != 0:
            raise ShareinboxError(
                f"the editor {command[0]!r} failed (exit {result.returncode}); "
                "the text is unchanged",
                title="Editor failed",
            )
        edited = Path(name).read_text(encoding="utf-8", errors="replace")
    finally:
        Path(name).unlink(missing_ok=True)
    return clean(edited)


def format_parties(parties: list[dict[str, str]]) -> str:
    """To/Cc as one editable line: ``山田 太郎 <a@example.jp>, b@example.jp``."""
    shown = []
    for party in parties:
        name, addr = one_line(party.get("name", "")), one_line(party.get("addr", ""))
        if name and any(c in name for c in ',"<>()@;:[]\\'):
            name = '"' + name.replace("\\", "").replace('"', "") + '"'
        shown.append(f"{name} <{addr}>" if name else addr)
    return ", ".join(shown)


def parse_parties(line: str) -> list[dict[str, str]]:
    """The recipients of a To/Cc line.

    Raises:
        ProtocolError: an entry is not an address (names it).
    """
    line = one_line(line)
    if not line:
        return []
    found = []
    for name, addr in getaddresses([line]):
        if not addr and not name:
            continue
        local, at, domain = addr.rpartition("@")
        if not at or not local or "." not in domain or " " in addr:
            raise ProtocolError(f"{(addr or name)!r} is not an address")
        found.append({"name": name, "addr": addr})
    return found
