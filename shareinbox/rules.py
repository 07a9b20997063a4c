"""Sorting rules (振り分け) and the spam verdict, as pure functions of a mail.

A rule (``[[rule]]`` in the config) holds conditions and actions. Its
conditions are: the account; the sender (``from``: an address or
``@domain``, which also covers sub-domains); any recipient (``to``, To and
Cc); substrings of the subject, of the body, of named headers; and keywords
looked for in subject and body. Within one condition any of its values
suffices; keywords need any or all of them (``keywords_match``). The rule
matches when all of its conditions hold (``match = "all"``) or any of them
(``"any"``); a rule without conditions matches every mail. Text is compared
after NFKC and case folding, so ＲＥＴＵＲＮ matches "return" and ﾍﾝﾋﾟﾝ
matches ヘンピン.

Rules are tried in order; a matching rule with ``stop = true`` ends the
list. `evaluate` reports every rule with the reasons it did or did not
match, which is what ``shareinbox rules test`` prints.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import compat32
from functools import cached_property

from shareinbox.config import RuleConfig
from shareinbox.sync.headers import HeaderDecoder
from shareinbox.sync.mailtypes import ParsedMessage

SPAM_FLAG = "x-spam-flag"
SPAM_STATUS = "x-spam-status"


def fold(text: str) -> str:
    """Text as rules compare it: NFKC, case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def address_matches(address: str, pattern: str) -> bool:
    """True when `address` is `pattern`, or lies in the ``@domain`` it names.

    ``@example.jp`` covers ``a@example.jp`` and ``a@mail.example.jp``.
    """
    address, pattern = address.strip().lower(), pattern.strip().lower()
    if not address or not pattern:
        return False
    if pattern.startswith("@"):
        domain = address.rpartition("@")[2]
        wanted = pattern[1:]
        return domain == wanted or domain.endswith("." + wanted)
    return address == pattern


@dataclass
class MailFacts:
    """What rules look at in one mail.

    Args:
        account: the account name it arrived in.
        sender: the From address ('' if none).
        recipients: the To and Cc addresses.
        subject: the decoded subject.
        body: the decoded plain text.
        known_headers: decoded headers already at hand (lower-case names).
        raw_headers: reads every header from the raw mail, when a rule asks
            for one that is not known (called at most once).
    """

    account: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    body: str
    known_headers: Mapping[str, str] = field(default_factory=dict)
    raw_headers: Callable[[], Mapping[str, str]] | None = None

    @classmethod
    def from_parsed(
        cls, account: str, parsed: ParsedMessage, raw: Callable[[], bytes] | None
    ) -> MailFacts:
        """Facts of a parsed mail; `raw` gives its bytes for other headers."""
        return cls(
            account=account,
            sender=parsed.from_.addr if parsed.from_ else "",
            recipients=tuple(a.addr for a in (*parsed.to, *parsed.cc)),
            subject=parsed.subject or "",
            body=parsed.text or "",
            known_headers=dict(parsed.headers),
            raw_headers=(lambda: header_map(raw())) if raw is not None else None,
        )

    @cached_property
    def folded_subject(self) -> str:
        """The subject as rules compare it."""
        return fold(self.subject)

    @cached_property
    def folded_body(self) -> str:
        """The body as rules compare it."""
        return fold(self.body)

    @cached_property
    def _all_headers(self) -> Mapping[str, str]:
        return self.raw_headers() if self.raw_headers is not None else {}

    def header(self, name: str) -> str | None:
        """A header's decoded value (several occurrences joined), or None."""
        name = name.lower()
        if name in self.known_headers:
            return self.known_headers[name]
        return self._all_headers.get(name)


def header_map(raw: bytes) -> dict[str, str]:
    """Every header of a raw mail, decoded, by lower-case name.

    Repeated headers are joined with newlines. Only the header block is read.
    """
    end = raw.find(b"\r\n\r\n")
    end = raw.find(b"\n\n") if end < 0 else end
    head = raw if end < 0 else raw[: end + 2]
    msg = BytesHeaderParser(policy=compat32).parsebytes(head)
    decoder = HeaderDecoder()
    found: dict[str, list[str]] = {}
    for name, value in msg.items():
        found.setdefault(name.lower(), []).append(decoder.text(str(value)))
    return {name: "\n".join(values) for name, values in found.items()}


@dataclass(frozen=True)
class Check:
    """One condition of a rule and whether it held."""

    ok: bool
    why: str


@dataclass(frozen=True)
class RuleResult:
    """A rule tried against a mail: whether it matched, and why."""

    rule: RuleConfig
    matched: bool
    checks: tuple[Check, ...]
    skipped: bool = False  # an earlier matching rule said stop

    @property
    def reason(self) -> str:
        """The conditions, one phrase each."""
        if self.skipped:
            return "not tried: an earlier rule stopped the list"
        if not self.checks:
            return "no conditions: matches every mail"
        return "; ".join(("yes: " if c.ok else "no: ") + c.why for c in self.checks)


def _texts(values: Sequence[str], where: str, haystack: str) -> Check:
    hits = [v for v in values if fold(v) in haystack]
    if hits:
        return Check(True, f"{where} contains {hits[0]!r}")
    return Check(False, f"{where} contains none of {', '.join(map(repr, values))}")


def _addresses(values: Sequence[str], what: str, addresses: Sequence[str]) -> Check:
    for address in addresses:
        for pattern in values:
            if address_matches(address, pattern):
                return Check(True, f"{what} {address} matches {pattern}")
    shown = ", ".join(addresses) or "(none)"
    return Check(False, f"{what} {shown} matches none of {', '.join(values)}")


def _keywords(rule: RuleConfig, facts: MailFacts) -> Check:
    text = facts.folded_subject + "\n" + facts.folded_body
    hits = [k for k in rule.keywords if fold(k) in text]
    need = "all" if rule.keywords_match == "all" else "any"
    ok = len(hits) == len(rule.keywords) if need == "all" else bool(hits)
    found = ", ".join(map(repr, hits)) or "none"
    return Check(ok, f"keywords ({need} of {len(rule.keywords)}) found: {found}")


def checks(rule: RuleConfig, facts: MailFacts) -> list[Check]:
    """Every condition of `rule` tested against `facts`, in config order."""
    found: list[Check] = []
    if rule.account:
        ok = facts.account == rule.account
        found.append(
            Check(ok, f"account is {facts.account!r} (rule: {rule.account!r})")
        )
    if rule.from_:
        found.append(_addresses(rule.from_, "sender", [facts.sender]))
    if rule.to:
        found.append(_addresses(rule.to, "recipient", facts.recipients))
    if rule.subject:
        found.append(_texts(rule.subject, "subject", facts.folded_subject))
    if rule.body:
        found.append(_texts(rule.body, "body", facts.folded_body))
    for name, wanted in rule.header:
        value = facts.header(name)
        ok = value is not None and fold(wanted) in fold(value)
        state = "missing" if value is None else ("contains" if ok else "lacks")
        found.append(Check(ok, f"header {name} {state} {wanted!r}"))
    if rule.keywords:
        found.append(_keywords(rule, facts))
    return found


def try_rule(rule: RuleConfig, facts: MailFacts) -> RuleResult:
    """Whether one rule matches `facts`, with its checks."""
    tested = tuple(checks(rule, facts))
    if not tested:
        return RuleResult(rule, True, tested)
    oks = [c.ok for c in tested]
    matched = all(oks) if rule.match == "all" else any(oks)
    return RuleResult(rule, matched, tested)


def evaluate(rules: Sequence[RuleConfig], facts: MailFacts) -> list[RuleResult]:
    """Every rule in order; those after a matching ``stop`` rule are skipped."""
    results: list[RuleResult] = []
    stopped = False
    for rule in rules:
        if stopped:
            results.append(RuleResult(rule, False, (), skipped=True))
            continue
        result = try_rule(rule, facts)
        results.append(result)
        stopped = result.matched and rule.stop
    return results


def spam_verdict(
    facts: MailFacts, *, honour_headers: bool, blocked: Sequence[str]
) -> str | None:
    """Why a mail is spam by its headers or the block list (None: it is not).

    ``X-Spam-Flag: YES`` and an ``X-Spam-Status`` starting with "Yes"
    (SpamAssassin, rspamd) count when `honour_headers` is set.
    """
    if honour_headers:
        flag = (facts.header(SPAM_FLAG) or "").strip()
        if flag.lower().startswith("yes"):
            return f"X-Spam-Flag: {flag[:40]}"
        status = (facts.header(SPAM_STATUS) or "").strip()
        if status.lower().startswith("yes"):
            return f"X-Spam-Status: {status.split(',')[0][:40]}"
    for pattern in blocked:
        if address_matches(facts.sender, pattern):
            return f"sender blocked ({pattern})"
    return None
