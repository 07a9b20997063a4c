"""Rendering a template for one reply, and checking every template.

The outbox and the service layer build a `ReplyContext` from plain data and
call `render_template`; nothing here touches the store. Every value of the
context is data: it is handed to the template as a string, never parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from shareinbox.reply.errors import TemplateError
from shareinbox.reply.library import TemplateLibrary
from shareinbox.reply.sandbox import render_compiled
from shareinbox.reply.template import Template
from shareinbox.text import clean, one_line

_BLANK_RUN = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class ReplyContext:
    """What a template may know about the reply being written.

    Attributes:
        customer_name: the customer's name ("" when unknown).
        customer_email: the customer's address.
        thread_subject: the thread's subject.
        order_ids: order numbers found in the thread.
        staff_name: who writes the reply.
        shop_name: ``[shop] name``.
        signature: ``[shop] signature``.
        quoted_text: the text of the mail being answered (quoted by `quote`).
        today: today's date in the shop's time zone (see `today_in`).
    """

    customer_name: str = ""
    customer_email: str = ""
    thread_subject: str = ""
    order_ids: tuple[str, ...] = ()
    staff_name: str = ""
    shop_name: str = ""
    signature: str = ""
    quoted_text: str = ""
    today: date = field(default_factory=date.today)

    def values(self) -> dict[str, Any]:
        """The template variables (see `sandbox.VARIABLES`)."""
        # One-line values stay on one line: a newline in a customer's name
        # must not let the mail add lines of its own to the reply.
        return {
            "customer": {
                "name": one_line(self.customer_name),
                "email": one_line(self.customer_email),
            },
            "thread": {"subject": one_line(self.thread_subject)},
            "order_ids": [one_line(o) for o in self.order_ids],
            "staff": {"name": one_line(self.staff_name)},
            "shop": {"name": one_line(self.shop_name)},
            "signature": clean(self.signature),
            "quoted": quote(self.quoted_text),
            "today": self.today,
        }


@dataclass(frozen=True)
class Rendered:
    """A rendered reply: its subject, its body and the template's name."""

    subject: str
    body: str
    template: str


def today_in(tz: ZoneInfo, now: float) -> date:
    """The date at epoch seconds `now` in time zone `tz`."""
    return datetime.fromtimestamp(now, tz).date()


def quote(text: str) -> str:
    """`text` quoted for a reply: each line prefixed with ``> ``."""
    lines = clean(text).rstrip().split("\n")
    if lines == [""]:
        return ""
    return "\n".join(f"> {line}" if line else ">" for line in lines)


def tidy(body: str) -> str:
    """A rendered body without runs of blank lines or trailing blank lines.

    Optional parts (no order numbers, no signature) would otherwise leave
    gaps; more than one blank line in a row never helps a mail.
    """
    lines = [line.rstrip() for line in body.strip("\n").split("\n")]
    text = _BLANK_RUN.sub("\n\n", "\n".join(lines))
    return text + "\n" if text else ""


def render(template: Template, ctx: ReplyContext) -> Rendered:
    """Render one template.

    Raises:
        TemplateError: the template is broken or fails while rendering.
    """
    error = template.error
    if error is not None:  # a fresh error each time: no traceback piles up
        raise TemplateError(error.name, error.detail, line=error.line, path=error.path)
    subject_code, body_code = template.compiled
    values = ctx.values()
    subject = render_compiled(
        subject_code,
        values,
        name=template.name,
        path=template.path,
        first_line=template.subject_line,
    )
    body = render_compiled(
        body_code,
        values,
        name=template.name,
        path=template.path,
        first_line=template.body_line,
    )
    return Rendered(" ".join(subject.split()), tidy(body), template.name)


def render_template(library: TemplateLibrary, name: str, ctx: ReplyContext) -> Rendered:
    """Render the template called `name` of `library` for `ctx`.

    Raises:
        NotFound: no template has that name.
        TemplateError: the template is broken or fails while rendering.
    """
    return render(library.get(name), ctx)


def sample_contexts(language: str) -> list[ReplyContext]:
    """Contexts that exercise a template's branches (with and without orders)."""
    ja = language == "ja"
    full = ReplyContext(
        customer_name="山田 太郎" if ja else "Jane Smith",
        customer_email="customer@example.jp",
        thread_subject="ご注文について" if ja else "About my order",
        order_ids=("123456-20260101-0000000001", "249-1234567-1234567"),
        staff_name="田中 花子" if ja else "Hana Tanaka",
        shop_name="テスト商店" if ja else "Example Shop",
        signature="テスト商店 サポート窓口" if ja else "Example Shop Support",
        quoted_text="お世話になっております。\n\n商品について質問です。",
        today=date(2026, 12, 6),
    )
    empty = ReplyContext(today=date(2026, 12, 6))
    return [full, empty]


def check(library: TemplateLibrary) -> list[TemplateError]:
    """Every problem of the library's templates: load errors, then render errors."""
    problems: list[TemplateError] = []
    contexts = sample_contexts(library.language)
    for template in library.templates():
        if template.error is not None:
            problems.append(template.error)
            continue
        for ctx in contexts:
            try:
                render(template, ctx)
            except TemplateError as e:
                problems.append(e)
                break
    return problems
