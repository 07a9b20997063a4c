"""Saving an attachment to a directory the user chose, under a safe name.

The name comes from a stranger's mail. It is reduced to one path component
(`sanitize_filename`: no directories, no control or bidi characters, no
leading dots, at most 200 bytes), a Windows device name (``CON``, ``NUL``,
``COM1``…) gets a ``_`` in front so the file survives a copy to a Windows
share, and an existing file is never overwritten: the next free
``name (2).ext`` is used, claimed with ``O_EXCL`` so neither a race nor a
symlink planted under that name can redirect the write.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from shareinbox.sync.filenames import sanitize_filename

FALLBACK = "attachment.bin"
_DEVICE = re.compile(r"^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\.|$)", re.I)


def safe_name(filename: str) -> str:
    """`filename` as one file name that is safe to create in any directory."""
    name = sanitize_filename(filename, FALLBACK)
    if _DEVICE.match(name):
        name = "_" + name
    return name


def _numbered(name: str, number: int) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, dot, ext = name, "", ""
    return f"{stem} ({number}){dot}{ext}"


def save_bytes(directory: Path, filename: str, data: bytes) -> Path:
    """Write `data` into `directory` under a safe, unused name; return the path.

    Raises:
        OSError: the directory is missing or not writable, or the write
            failed (then no partial file is left behind).
    """
    name = safe_name(filename)
    number = 1
    while True:
        target = directory / (name if number == 1 else _numbered(name, number))
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            number += 1
            continue
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return target
