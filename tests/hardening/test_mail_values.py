"""Values taken from mail stay data: in templates and in order numbers."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shareinbox.orders import find_order_ids
from shareinbox.reply import ReplyContext, TemplateLibrary
from shareinbox.reply.render import render_template
from shareinbox.sync.compose import Original, OutgoingMail, render, reply_headers
from shareinbox.sync.mailtypes import Address
from shareinbox.sync.parse import parse_message
from shareinbox.text import clean, one_line
from tests.reply.helpers import write_template

JINJA = ["{{", "}}", "{%", "%}", "{#", "#}", "raw", "endraw", "7*7", "\n", "\r", "\x1b"]
mail_text = st.lists(st.sampled_from(JINJA) | st.text(max_size=4), max_size=10).map(
    "".join
)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> TemplateLibrary:
    """A team template that echoes every customer-controlled value."""
    team = tmp_path_factory.mktemp("team")
    write_template(
        team / "ja",
        "echo",
        "{{ customer.name }}様|{{ thread.subject }}|{{ order_ids | join(',') }}\n"
        "{{ quoted }}\n",
    )
    return TemplateLibrary("ja", team)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=mail_text, subject=mail_text, quoted=mail_text, order=mail_text)
def test_customer_values_render_literally_on_their_lines(
    library: TemplateLibrary, name: str, subject: str, quoted: str, order: str
) -> None:
    ctx = ReplyContext(
        customer_name=name,
        thread_subject=subject,
        quoted_text=quoted,
        order_ids=(order,),
    )
    rendered = render_template(library, "echo", ctx)
    head, _, rest = rendered.body.partition("\n")
    assert head.rstrip() == (
        f"{one_line(name)}様|{one_line(subject)}|{one_line(order)}".rstrip()
    )
    quoted_lines = clean(quoted).rstrip().split("\n")
    if quoted_lines != [""]:
        assert rest.rstrip("\n").split("\n") == [
            (f"> {line}" if line else ">").rstrip() for line in quoted_lines
        ]
    assert rendered.subject == " ".join(f"Re: {one_line(subject)}".split())


def test_a_name_cannot_add_lines_to_the_reply(library: TemplateLibrary) -> None:
    ctx = ReplyContext(customer_name="山田\n\n振込先: 別の口座 {{ 7*7 }}")
    body = render_template(library, "echo", ctx).body
    assert body.startswith("山田 振込先: 別の口座 {{ 7*7 }}様||\n")


def test_order_numbers_never_carry_control_characters() -> None:
    text = "ORD\x1b]52;c;eA==\x07-1 と ORD-2 と ORD\u202e3"
    assert find_order_ids(text, ["ORD[^ ]+"]) == ["ORD-2"]


def test_a_reply_to_a_mail_with_an_8bit_message_id_can_be_sent() -> None:
    """Such an id used to make rendering the reply raise UnicodeEncodeError,
    so the reply could never leave the outbox."""
    customer = (
        "Message-ID: <注文@example.jp>\r\nReferences: <ok@example.jp> <\x80x@y>\r\n"
        "From: 山田 <yamada@example.jp>\r\nSubject: 返品\r\n\r\n返品したいです\r\n"
    ).encode("utf-8", "surrogateescape")
    parsed = parse_message(customer)
    headers = reply_headers(
        Original(
            message_id=parsed.message_id,
            subject=parsed.subject,
            from_=parsed.from_,
            references=parsed.references,
        ),
        ["shop@example.test"],
    )
    raw = render(
        OutgoingMail(
            sender=Address("", "shop@example.test"),
            to=headers.to,
            subject=headers.subject,
            body="承知しました",
            message_id="<reply@example.test>",
            date=1_750_000_000.0,
            in_reply_to=headers.in_reply_to,
            references=headers.references,
        )
    )
    sent = parse_message(raw)
    assert sent.parse_error is None
    assert sent.in_reply_to is None
    assert sent.references[0] == "ok@example.jp"
    assert [a.addr for a in sent.to] == ["yamada@example.jp"]
    assert sent.text.strip() == "承知しました"
