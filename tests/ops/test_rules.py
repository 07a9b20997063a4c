"""Rule conditions and the spam verdict, as pure functions."""

from __future__ import annotations

import pytest

from shareinbox.config import RuleConfig
from shareinbox.mailfacts import header_map
from shareinbox.rules import (
    MailFacts,
    address_matches,
    evaluate,
    fold,
    matches,
    matching,
    spam_verdict,
    try_rule,
)
from shareinbox.sync.parse import parse_message
from tests.ops.conftest import mail


def facts(**kw: str) -> MailFacts:
    raw = mail(**kw)
    return MailFacts.from_parsed("support", parse_message(raw), lambda: raw)


@pytest.mark.parametrize(
    ("address", "pattern", "expected"),
    [
        ("a@example.jp", "a@example.jp", True),
        ("A@Example.JP", "a@example.jp", True),
        ("b@example.jp", "a@example.jp", False),
        ("a@example.jp", "@example.jp", True),
        ("a@mail.example.jp", "@example.jp", True),
        ("a@badexample.jp", "@example.jp", False),
        ("", "@example.jp", False),
    ],
)
def test_address_matches(address: str, pattern: str, expected: bool) -> None:
    assert address_matches(address, pattern) is expected


def test_fold_is_nfkc_and_case_insensitive() -> None:
    assert fold("ＲＥＴＵＲＮ") == fold("return")
    assert fold("ﾍﾝﾋﾟﾝ") == fold("ヘンピン")


CASES = [
    (
        "subject substring",
        RuleConfig("r", subject=("返品",)),
        {"subject": "返品の相談"},
        True,
    ),
    ("subject missing", RuleConfig("r", subject=("返品",)), {"subject": "在庫"}, False),
    (
        "full-width subject",
        RuleConfig("r", subject=("refund",)),
        {"subject": "ＲＥＦＵＮＤ please"},
        True,
    ),
    (
        "half-width kana body",
        RuleConfig("r", body=("ヘンピン",)),
        {"body": "ﾍﾝﾋﾟﾝ希望"},
        True,
    ),
    (
        "from domain",
        RuleConfig("r", from_=("@rakuten.co.jp",)),
        {"sender": "x@mail.rakuten.co.jp"},
        True,
    ),
    (
        "from other",
        RuleConfig("r", from_=("@rakuten.co.jp",)),
        {"sender": "x@example.jp"},
        False,
    ),
    ("to address", RuleConfig("r", to=("shop@example.test",)), {}, True),
    (
        "keywords any",
        RuleConfig("r", keywords=("至急", "返金")),
        {"body": "返金してください"},
        True,
    ),
    (
        "keywords all missing one",
        RuleConfig("r", keywords=("至急", "返金"), keywords_match="all"),
        {"body": "返金してください"},
        False,
    ),
    (
        "keywords all",
        RuleConfig("r", keywords=("至急", "返金"), keywords_match="all"),
        {"subject": "【至急】", "body": "返金"},
        True,
    ),
    (
        "all needs both",
        RuleConfig("r", subject=("返品",), from_=("@a.jp",)),
        {"subject": "返品"},
        False,
    ),
    (
        "any needs one",
        RuleConfig("r", match="any", subject=("返品",), from_=("@a.jp",)),
        {"subject": "返品"},
        True,
    ),
    ("account", RuleConfig("r", account="support"), {}, True),
    ("other account", RuleConfig("r", account="sales"), {}, False),
    (
        "kept header",
        RuleConfig("r", header=(("x-mailer", "cart"),)),
        {"headers": "X-Mailer: CartSystem 2.0"},
        True,
    ),
    (
        "raw header",
        RuleConfig("r", header=(("x-shop-order", "web"),)),
        {"headers": "X-Shop-Order: WEB-1"},
        True,
    ),
    ("header missing", RuleConfig("r", header=(("x-shop-order", "web"),)), {}, False),
    ("no conditions", RuleConfig("r"), {}, True),
]


@pytest.mark.parametrize(
    ("rule", "mail_kw", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_conditions(rule: RuleConfig, mail_kw: dict[str, str], expected: bool) -> None:
    result = try_rule(rule, facts(**mail_kw))
    assert result.matched is expected, result.reason
    assert matches(rule, facts(**mail_kw)) is expected


def test_reasons_say_why() -> None:
    rule = RuleConfig("r", subject=("返品",), from_=("@a.jp",))
    result = try_rule(rule, facts(subject="返品のお願い", sender="x@b.jp"))
    assert result.reason == (
        "no: sender x@b.jp matches none of @a.jp; yes: subject contains '返品'"
    )


def test_stop_skips_the_rest() -> None:
    rules = [
        RuleConfig("first", subject=("返品",), stop=True),
        RuleConfig("second"),
        RuleConfig("third"),
    ]
    results = evaluate(rules, facts(subject="返品"))
    assert [(r.matched, r.skipped) for r in results] == [
        (True, False),
        (False, True),
        (False, True),
    ]
    assert matching(rules, facts(subject="返品")) == rules[:1]
    results = evaluate(rules, facts(subject="在庫"))
    assert [r.matched for r in results] == [False, True, True]
    assert matching(rules, facts(subject="在庫")) == rules[1:]


def test_raw_headers_read_once_and_only_when_needed() -> None:
    calls = []
    raw = mail(headers="X-Custom: a\nX-Custom: b")

    def source() -> bytes:
        calls.append(1)
        return raw

    f = MailFacts.from_parsed("support", parse_message(raw), source)
    try_rule(RuleConfig("r", subject=("x",)), f)
    assert spam_verdict(f, honour_headers=True, blocked=()) is None
    assert calls == []  # the spam headers are kept by the parser: no raw read
    assert f.header("X-Custom") == "a\nb"
    assert f.header("x-other") is None
    assert calls == [1]


def test_header_map_decodes_encoded_words() -> None:
    raw = b"X-Note: =?UTF-8?B?5rOo5paH?=\r\nSubject: s\r\n\r\nbody X-Body: no\r\n"
    assert header_map(raw) == {"x-note": "注文", "subject": "s"}


@pytest.mark.parametrize(
    ("headers", "sender", "blocked", "verdict"),
    [
        ("X-Spam-Flag: YES", "a@b.jp", (), "X-Spam-Flag: YES"),
        ("X-Spam-Flag: NO", "a@b.jp", (), None),
        (
            "X-Spam-Status: Yes, score=9.1 required=5.0",
            "a@b.jp",
            (),
            "X-Spam-Status: Yes",
        ),
        ("X-Spam-Status: No, score=0.1", "a@b.jp", (), None),
        ("", "a@spam.example", ("@spam.example",), "sender blocked (@spam.example)"),
        ("", "a@b.jp", ("a@b.jp",), "sender blocked (a@b.jp)"),
        ("", "a@b.jp", ("c@b.jp",), None),
    ],
)
def test_spam_verdict(
    headers: str, sender: str, blocked: tuple[str, ...], verdict: str | None
) -> None:
    f = facts(headers=headers, sender=sender)
    assert spam_verdict(f, honour_headers=True, blocked=blocked) == verdict


def test_spam_headers_can_be_ignored() -> None:
    f = facts(headers="X-Spam-Flag: YES")
    assert spam_verdict(f, honour_headers=False, blocked=()) is None
