"""The error of a broken reply template, naming the template and the line."""

from __future__ import annotations

from shareinbox import errors


class TemplateError(errors.TemplateError):
    """A template could not be read, compiled or rendered.

    The class keeps the name of `shareinbox.errors.TemplateError`, so a
    failure raised in the daemon reaches a client as that error with the
    same message (``name:line: what``).

    Attributes:
        name: the template's name (its file name when the header is broken).
        line: the line in the template file, or None when unknown.
        detail: what is wrong, without the name and line.
        path: the template file, when known.
    """

    def __init__(
        self,
        name: str,
        detail: str,
        *,
        line: int | None = None,
        path: str | None = None,
    ) -> None:
        self.name = name
        self.line = line
        self.detail = detail
        self.path = path
        where = name if line is None else f"{name}:{line}"
        super().__init__(f"{where}: {detail}", title="Template error")
