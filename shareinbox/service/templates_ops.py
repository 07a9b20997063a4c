"""Reply templates as team operations: list, preview, suggest, check.

Templates are files (edited with any editor, re-read when they change); the
daemon only reads them. A preview renders a template with a thread's real
data; suggestions rank the templates for the thread's latest customer mail.
``check_templates`` is audited. Previews and suggestions are not: they show
nothing `show_thread` (audited) has not shown already.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from shareinbox.errors import ProtocolError
from shareinbox.reply import (
    ReplyContext,
    TemplateLibrary,
    check,
    library_for,
    render_template,
    today_in,
)
from shareinbox.reply.language import mail_language
from shareinbox.reply.library import LANGUAGES
from shareinbox.reply.suggest import build_model, rank
from shareinbox.service.core import Context, operation
from shareinbox.service.threads import load_thread
from shareinbox.store import details, outbox

MAX_SUGGESTIONS = 20


def _library(ctx: Context, language: str | None = None) -> TemplateLibrary:
    if language is not None and language not in LANGUAGES:
        raise ProtocolError(f"language must be one of {', '.join(LANGUAGES)}")
    return library_for(ctx.config, language)


def _answered_message(conn: sqlite3.Connection, thread_id: int) -> sqlite3.Row | None:
    """The customer's latest message (the one a reply answers), else the last."""
    rows = details.messages(conn, thread_id)
    inbound = [r for r in rows if r["direction"] == "in"]
    chosen = inbound or rows
    return chosen[-1] if chosen else None


def thread_language(ctx: Context, conn: sqlite3.Connection, thread_id: int) -> str:
    """The language to answer a thread in: its customer's mail's language
    (an English mail gets English templates), else the shop's."""
    thread = load_thread(ctx, conn, thread_id)
    answered = _answered_message(conn, thread_id)
    text = thread["subject"] or ""
    if answered is not None:
        text += "\n" + (answered["body_text"] or "")[:4000]
    return mail_language(text, ctx.config.language)


def thread_library(
    ctx: Context, conn: sqlite3.Connection, thread_id: int, name: str | None = None
) -> TemplateLibrary:
    """The template library for a reply to a thread; with `name`, the shop's
    own language when the thread's language has no template of that name."""
    library = _library(ctx, thread_language(ctx, conn, thread_id))
    if name is not None and all(t.name != name for t in library.templates()):
        return _library(ctx)
    return library


def reply_context(
    ctx: Context, conn: sqlite3.Connection, thread_id: int
) -> ReplyContext:
    """The template context of a reply to a thread, written by the actor.

    Raises:
        NotFound: there is no such thread.
    """
    thread = load_thread(ctx, conn, thread_id)
    answered = _answered_message(conn, thread_id)
    return ReplyContext(
        customer_name=thread["customer_name"] or "",
        customer_email=thread["customer"] or "",
        thread_subject=thread["subject"] or "",
        order_ids=tuple(details.orders(conn, thread_id)),
        staff_name=ctx.actor.name,
        shop_name=ctx.config.shop.name,
        signature=ctx.config.shop.signature,
        quoted_text=(answered["body_text"] or "") if answered is not None else "",
        today=today_in(ctx.config.shop.tz, ctx.now()),
    )


def template_history(conn: sqlite3.Connection) -> Iterable[tuple[str, str]]:
    """Past (answered mail text, template name) pairs to learn from: the
    replies sent from a template, with the text of the mail they answered."""
    return outbox.template_pairs(conn)


@operation("list_templates")
def list_templates(
    ctx: Context, language: str | None = None, thread_id: int | None = None
) -> dict[str, Any]:
    """Every template of a language, broken ones included. The language is
    `language`, else that of a reply to `thread_id`, else the shop's.

    Returns:
        ``{"language": "ja", "templates": [{name, title, category, subject,
        keywords, language, source, path, error}, ...]}``, by category and name.
    """
    if language is None and thread_id is not None:
        with ctx.store.read() as conn:
            language = thread_language(ctx, conn, thread_id)
    library = _library(ctx, language)
    return {
        "language": library.language,
        "templates": [t.summary() for t in library.templates()],
    }


@operation("preview_template")
def preview_template(ctx: Context, thread_id: int, name: str) -> dict[str, Any]:
    """A template rendered for a reply to a thread (nothing is stored or sent).

    Raises:
        NotFound: no such thread or template.
        TemplateError: the template is broken (``name:line: message``).
    """
    with ctx.store.read() as conn:
        reply = reply_context(ctx, conn, thread_id)
        library = thread_library(ctx, conn, thread_id, name)
    rendered = render_template(library, name, reply)
    return {
        "template": rendered.template,
        "subject": rendered.subject,
        "body": rendered.body,
    }


@operation("suggest_templates")
def suggest_templates(ctx: Context, thread_id: int, limit: int = 3) -> dict[str, Any]:
    """The templates that best fit the thread's latest customer mail, best first."""
    if not 1 <= limit <= MAX_SUGGESTIONS:
        raise ProtocolError(f"limit must be between 1 and {MAX_SUGGESTIONS}")
    with ctx.store.read() as conn:
        library = thread_library(ctx, conn, thread_id)
        thread = load_thread(ctx, conn, thread_id)
        answered = _answered_message(conn, thread_id)
        history = list(template_history(conn))
    text = f"{thread['subject'] or ''}\n"
    if answered is not None:
        text += answered["body_text"] or ""
    usable = [t for t in library.templates() if t.error is None]
    by_name = {t.name: t for t in usable}
    ranked = rank(build_model(usable, history), text, limit)
    return {
        "suggestions": [
            {
                "name": s.name,
                "title": by_name[s.name].title,
                "category": by_name[s.name].category,
                "score": s.score,
            }
            for s in ranked
        ]
    }


@operation("check_templates")
def check_templates(ctx: Context) -> dict[str, Any]:
    """Validate every template of every language; the check is audited.

    Returns:
        ``{"checked": n, "problems": [{name, line, message, path}, ...]}``.
    """
    checked, problems = check_all(library_for(ctx.config, lang) for lang in LANGUAGES)
    with ctx.store.write() as conn:
        ctx.audit(
            conn,
            "check_templates",
            target="templates",
            detail={"checked": checked, "problems": len(problems)},
        )
    return {"checked": checked, "problems": problems}


def check_all(libraries: Iterable[TemplateLibrary]) -> tuple[int, list[dict[str, Any]]]:
    """Check libraries; the number of templates and each problem once."""
    checked = 0
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    for library in libraries:
        checked += len(library.templates())
        for error in check(library):
            key = f"{error.path}:{error.message}"
            if key in seen:
                continue
            seen.add(key)
            problems.append(
                {"name": error.name, "line": error.line, "message": error.message,
                 "path": error.path, "language": library.language}
            )  # fmt: skip
    return checked, problems
