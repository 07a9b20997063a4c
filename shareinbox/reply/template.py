"""One reply template file: a small header, then a Jinja2 body.

The file starts with a header between two ``---`` lines, one ``key: value``
a line (blank lines and ``#`` comments allowed)::

    ---
    name: delivery-delay
    title: 配送遅延のお詫び
    category: 配送
    subject: "Re: {{ thread.subject }}"
    keywords: 届かない, 遅い, 配送状況
    ---
    {{ customer.name or "お客" }}様
    ...

``name``, ``category`` and ``subject`` are required; ``title`` (shown in
lists, default the name) and ``keywords`` (comma separated, they help the
suggestions) are optional. The subject is a Jinja2 expression like the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shareinbox.reply.errors import TemplateError

FIELDS = ("name", "title", "category", "subject", "keywords")
REQUIRED = ("name", "category", "subject")
_NAME = re.compile(r"^[^\s/\\]{1,64}$")
_KEYWORD_SPLIT = re.compile(r"[,、，]")


@dataclass(frozen=True)
class Template:
    """A reply template as read from its file.

    Attributes:
        name: what the template is called (a team file of the same name
            replaces a shipped one).
        title: the label shown in lists.
        category: the case it is for (配送, 返品, ...).
        subject: the subject line, Jinja2 source.
        keywords: words that point at this template (suggestions).
        body: the body, Jinja2 source.
        language: ``ja`` or ``en`` (the folder it came from), or ``""``.
        source: ``shipped`` or ``team``.
        path: the file.
        subject_line: the file line of the subject (for errors).
        body_line: the file line the body starts on (for errors).
        error: why the template cannot be used, or None.
        compiled: the compiled subject and body (set by the library).
    """

    name: str
    title: str
    category: str
    subject: str
    keywords: tuple[str, ...]
    body: str
    language: str
    source: str
    path: Path
    subject_line: int = 1
    body_line: int = 1
    error: TemplateError | None = None
    compiled: Any = field(default=None, compare=False, repr=False)

    def summary(self) -> dict[str, Any]:
        """The JSON shape of a template in lists."""
        return {
            "name": self.name,
            "title": self.title,
            "category": self.category,
            "subject": self.subject,
            "keywords": list(self.keywords),
            "language": self.language,
            "source": self.source,
            "path": str(self.path),
            "error": self.error.message if self.error else None,
        }


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _header(lines: list[str], label: str) -> tuple[dict[str, tuple[str, int]], int]:
    """The header's fields with their line numbers, and the body's first line."""
    if not lines or lines[0].strip() != "---":
        raise TemplateError(label, "the file must start with a '---' header", line=1)
    found: dict[str, tuple[str, int]] = {}
    for index, line in enumerate(lines[1:], start=2):
        stripped = line.strip()
        if stripped == "---":
            return found, index + 1
        if not stripped or stripped.startswith("#"):
            continue
        key, colon, value = stripped.partition(":")
        key = key.strip().lower()
        if not colon or key not in FIELDS:
            raise TemplateError(
                label,
                f"header line {stripped!r}: expected one of "
                f"{', '.join(FIELDS)} as 'key: value'",
                line=index,
            )
        if key in found:
            raise TemplateError(label, f"'{key}' is given twice", line=index)
        found[key] = (_unquote(value), index)
    raise TemplateError(label, "the header has no closing '---' line", line=1)


def parse_template(text: str, path: Path, *, language: str, source: str) -> Template:
    """Read a template file's text into a `Template`.

    Raises:
        TemplateError: the header is missing, incomplete or malformed.
    """
    label = path.stem
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    found, body_line = _header(lines, label)
    for key in REQUIRED:
        if not found.get(key, ("", 0))[0]:
            raise TemplateError(label, f"the header needs '{key}'", line=1)
    name = found["name"][0]
    if not _NAME.match(name):
        raise TemplateError(
            label,
            f"name {name!r} must be 1-64 characters without spaces or slashes",
            line=found["name"][1],
        )
    keywords = tuple(
        word.strip()
        for word in _KEYWORD_SPLIT.split(found.get("keywords", ("", 0))[0])
        if word.strip()
    )
    return Template(
        name=name,
        title=found.get("title", ("", 0))[0] or name,
        category=found["category"][0],
        subject=found["subject"][0],
        keywords=keywords,
        body="\n".join(lines[body_line - 1 :]),
        language=language,
        source=source,
        path=path,
        subject_line=found["subject"][1],
        body_line=body_line,
    )
