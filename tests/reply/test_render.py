"""Rendering templates in the sandbox: shipped ones, errors with lines, data
that looks like template code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shareinbox.errors import NotFound
from shareinbox.errors import TemplateError as BaseTemplateError
from shareinbox.reply import (
    ReplyContext,
    TemplateError,
    TemplateLibrary,
    check,
    render_template,
    shipped_dir,
)
from shareinbox.reply.render import sample_contexts
from tests.reply.helpers import BODY_LINE, full_context, write_template

CATEGORIES_JA = {
    "注文",
    "キャンセル",
    "注文変更",
    "配送",
    "返品・交換",
    "在庫",
    "お詫び",
}


def _team(tmp_path: Path, name: str, body: str, **kwargs: str) -> TemplateLibrary:
    write_template(tmp_path / "team" / "ja", name, body, **kwargs)
    return TemplateLibrary("ja", tmp_path / "team", use_shipped=False)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_shipped_template_renders_with_every_variable(language: str) -> None:
    library = TemplateLibrary(language)
    templates = library.templates()
    assert len(templates) >= 8
    assert all(t.source == "shipped" and t.error is None for t in templates)
    assert check(library) == []
    ctx = sample_contexts(language)[0]
    for template in templates:
        rendered = render_template(library, template.name, ctx)
        assert ctx.thread_subject in rendered.subject
        assert ctx.customer_name in rendered.body, template.name
        assert ctx.signature in rendered.body
        assert "> 商品について質問です。" in rendered.body
        assert "{{" not in rendered.body
        assert "{%" not in rendered.body
        assert "\n\n\n" not in rendered.body


def test_shipped_japanese_templates_cover_the_shop_cases() -> None:
    templates = TemplateLibrary("ja").templates()
    assert {t.category for t in templates} >= CATEGORIES_JA
    rendered = render_template(TemplateLibrary("ja"), "delivery-delay", full_context())
    assert rendered.body.startswith("山田 太郎様\n")
    assert "いつもテスト商店をご利用いただき" in rendered.body
    assert "ご注文番号：123456-20260101-0000000001、249-1234567-1234567" in (
        rendered.body
    )
    shipped = shipped_dir()
    assert shipped is not None
    assert (shipped / "ja" / "delivery-delay.j2").is_file()


def test_optional_parts_leave_no_gaps() -> None:
    empty = ReplyContext(today=date(2026, 1, 5))
    rendered = render_template(TemplateLibrary("ja"), "cancellation", empty)
    assert rendered.body.startswith("お客様\n")
    assert "ご注文番号" not in rendered.body
    assert rendered.subject == "Re: ご注文のキャンセルについて"
    assert rendered.body.endswith("またのご利用を心よりお待ちしております。\n")


def test_untrusted_values_are_data(tmp_path: Path) -> None:
    library = _team(
        tmp_path,
        "echo",
        "{{ customer.name }}様 {{ thread.subject }}\n{{ quoted }}\n{{ order_ids[0] }}\n",
    )
    ctx = ReplyContext(
        customer_name="{{ 7*7 }}\x1b]52;c;aGk=\x07",
        thread_subject="{% raw %}{{ shop.name }}",
        quoted_text="{{ ''.__class__.__mro__ }}\n{% for x in range(9) %}x{% endfor %}",
        order_ids=("{{ staff.name }}",),
    )
    rendered = render_template(library, "echo", ctx)
    assert rendered.body == (
        "{{ 7*7 }}様 {% raw %}{{ shop.name }}\n"
        "> {{ ''.__class__.__mro__ }}\n> {% for x in range(9) %}x{% endfor %}\n"
        "{{ staff.name }}\n"
    )
    assert rendered.subject == "Re: {% raw %}{{ shop.name }}"


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("ok\n{{ customer.phone }}\n", BODY_LINE + 1, "'customer' has no 'phone'"),
        ("ok\n\n{{ coupon_code }}\n", BODY_LINE + 2, "'coupon_code' is undefined"),
        ("{% if order_ids %}\n{{ order_ids | join(',') \n", BODY_LINE + 1, "syntax"),
        ("a\n{% for x in order_ids %}{{ x }}\n", BODY_LINE + 1, "syntax"),
        ("{{ customer.name | nosuchfilter }}\n", BODY_LINE, "nosuchfilter"),
        ("a\nb\n{{ ''.__class__.__mro__ }}\n", BODY_LINE + 2, "not allowed"),
    ],
)
def test_broken_templates_name_the_line(
    tmp_path: Path, body: str, line: int, words: str
) -> None:
    library = _team(tmp_path, "broken", body)
    with pytest.raises(TemplateError) as caught:
        render_template(library, "broken", full_context())
    error = caught.value
    assert isinstance(error, BaseTemplateError)
    assert (error.name, error.line) == ("broken", line)
    assert words in error.detail
    assert error.message.startswith(f"broken:{line}: ")
    assert [e.message for e in check(library)] == [error.message]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            "x\n{{ customer.name.__class__.__mro__[1].__subclasses__() }}\n",
            "not allowed",
        ),
        ("x\n{{ '{0.__class__}'.format(customer.name) }}\n", "not allowed"),
        ("x\n{{ 'a' * 1000000 }}\n", "too large"),
        ("x\n{{ 10 ** 100000 }}\n", "too large"),
        ("x\n{{ signature.upper.__self__ }}\n", "not allowed"),
        ("x\n{{ (order_ids | first).__len__ }}\n", "not allowed"),
        ("x\n{{ 1 // (order_ids | length) }}\n", "ZeroDivisionError"),
        ("x\n{% include '/etc/passwd' %}\n", "no loader"),
        ("x\n{% import '../config.toml' as c %}\n", "no loader"),
    ],
)
def test_sandbox_and_runtime_failures_name_the_line(
    tmp_path: Path, body: str, words: str
) -> None:
    library = _team(tmp_path, "escape", body)
    with pytest.raises(TemplateError) as caught:
        render_template(library, "escape", ReplyContext(customer_name="x"))
    assert caught.value.line == BODY_LINE + 1
    assert words in caught.value.detail


def test_runtime_error_in_the_subject_names_its_header_line(tmp_path: Path) -> None:
    library = _team(tmp_path, "subj", "body\n", subject="Re: {{ 1 // 0 }}")
    with pytest.raises(TemplateError) as caught:
        render_template(library, "subj", full_context())
    assert caught.value.line == 4


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("no header\n", 1, "must start with"),
        ("---\nname: a\ncategory: b\n", 1, "no closing"),
        ("---\nname: a\ncategory: b\n---\nbody\n", 1, "needs 'subject'"),
        ("---\nname: a\ncolour: red\n---\n", 3, "expected one of"),
        ("---\nname: a b\ncategory: c\nsubject: s\n---\n", 2, "without spaces"),
    ],
)
def test_broken_headers_are_reported_by_file_name(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    folder = tmp_path / "team" / "ja"
    folder.mkdir(parents=True)
    (folder / "bad.j2").write_text(text, encoding="utf-8")
    library = TemplateLibrary("ja", tmp_path / "team", use_shipped=False)
    [problem] = check(library)
    assert (problem.name, problem.line) == ("bad", line)
    assert words in problem.detail
    with pytest.raises(TemplateError):
        render_template(library, "bad", full_context())


def test_unknown_template_is_not_found() -> None:
    with pytest.raises(NotFound):
        render_template(TemplateLibrary("ja"), "no-such-template", full_context())
