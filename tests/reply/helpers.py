"""Writing template files for the reply tests."""

from __future__ import annotations

from pathlib import Path

from shareinbox.reply import ReplyContext
from shareinbox.reply.render import sample_contexts


def write_template(
    folder: Path,
    name: str,
    body: str,
    *,
    subject: str = "Re: {{ thread.subject }}",
    category: str = "テスト",
    keywords: str = "",
    file_name: str | None = None,
) -> Path:
    """Write a template file (header lines 1-7, body from line 8)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{file_name or name}.j2"
    path.write_text(
        f"---\nname: {name}\ncategory: {category}\nsubject: {subject}\n"
        f"keywords: {keywords}\ntitle: {name}\n---\n{body}",
        encoding="utf-8",
    )
    return path


BODY_LINE = 8


def full_context() -> ReplyContext:
    """Every variable filled in (Japanese)."""
    return sample_contexts("ja")[0]
