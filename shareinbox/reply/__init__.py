"""Reply templates: loading, sandboxed rendering, suggestions (no UI here).

The outbox and the service layer use `TemplateLibrary` / `library_for`,
`ReplyContext` and `render_template`; `suggest` ranks templates for a mail.
"""

from __future__ import annotations

from shareinbox.reply.errors import TemplateError
from shareinbox.reply.library import TemplateLibrary, library_for, shipped_dir
from shareinbox.reply.render import (
    Rendered,
    ReplyContext,
    check,
    quote,
    render,
    render_template,
    today_in,
)
from shareinbox.reply.template import Template

__all__ = [
    "Rendered",
    "ReplyContext",
    "Template",
    "TemplateError",
    "TemplateLibrary",
    "check",
    "library_for",
    "quote",
    "render",
    "render_template",
    "shipped_dir",
    "today_in",
]
