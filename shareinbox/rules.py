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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from shareinbox.config import RuleConfig
from shareinbox.mailfacts import MailFacts, address_matches, fold, folded

__all__ = ["MailFacts", "address_matches", "fold"]

SPAM_FLAG = "x-spam-flag"
SPAM_STATUS = "x-spam-status"


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
    hits = [v for v in values if folded(v) in haystack]
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
    hits = [
        k
        for k in rule.keywords
        if folded(k) in facts.folded_subject or folded(k) in facts.folded_body
    ]
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
        ok = value is not None and folded(wanted) in fold(value)
        state = "missing" if value is None else ("contains" if ok else "lacks")
        found.append(Check(ok, f"header {name} {state} {wanted!r}"))
    if rule.keywords:
        found.append(_keywords(rule, facts))
    return found


Condition = Callable[[MailFacts], bool]


def _address_test(
    patterns: Sequence[str], addresses: Callable[[MailFacts], Sequence[str]]
) -> Condition:
    """`address_matches` against every pattern, with the patterns sorted once."""
    cleaned = [p.strip().lower() for p in patterns if p.strip()]
    exact = frozenset(p for p in cleaned if not p.startswith("@"))
    domains = tuple(p[1:] for p in cleaned if p.startswith("@"))

    def test(facts: MailFacts) -> bool:
        for address in addresses(facts):
            address = address.strip().lower()
            if not address:
                continue
            if address in exact:
                return True
            domain = address.rpartition("@")[2]
            if any(domain == d or domain.endswith("." + d) for d in domains):
                return True
        return False

    return test


def _any_in(values: Sequence[str], text: Callable[[MailFacts], str]) -> Condition:
    """Any of `values` (folded) in the text; ``in`` beats a regex alternation
    (CPython's substring search is far faster than `re` on Japanese)."""
    words = tuple(folded(v) for v in values)
    return lambda f: any(w in text(f) for w in words)


def _header_test(name: str, wanted: str) -> Condition:
    needle = folded(wanted)

    def test(facts: MailFacts) -> bool:
        value = facts.header(name)
        return value is not None and needle in fold(value)

    return test


def _keywords_test(rule: RuleConfig) -> Condition:
    words = tuple(folded(k) for k in rule.keywords)
    need = all if rule.keywords_match == "all" else any
    return lambda f: need(w in f.folded_subject or w in f.folded_body for w in words)


@lru_cache(maxsize=1024)
def _conditions(rule: RuleConfig) -> tuple[Condition, ...]:
    """The conditions of a rule as tests, built once per rule (`checks` order)."""
    tests: list[Condition] = []
    if rule.account:
        tests.append(lambda f: f.account == rule.account)
    if rule.from_:
        tests.append(_address_test(rule.from_, lambda f: (f.sender,)))
    if rule.to:
        tests.append(_address_test(rule.to, lambda f: f.recipients))
    if rule.subject:
        tests.append(_any_in(rule.subject, lambda f: f.folded_subject))
    if rule.body:
        tests.append(_any_in(rule.body, lambda f: f.folded_body))
    tests.extend(_header_test(name, wanted) for name, wanted in rule.header)
    if rule.keywords:
        tests.append(_keywords_test(rule))
    return tuple(tests)


def matches(rule: RuleConfig, facts: MailFacts) -> bool:
    """Whether `rule` matches (as `try_rule`, without the reasons).

    The fast path for live mail: conditions compiled once, and the first
    failing (``all``) or holding (``any``) condition decides.
    """
    tests = _conditions(rule)
    if not tests:
        return True
    if rule.match == "all":
        return all(test(facts) for test in tests)
    return any(test(facts) for test in tests)


def matching(rules: Sequence[RuleConfig], facts: MailFacts) -> list[RuleConfig]:
    """The rules that match, in order, up to and including a ``stop`` one."""
    found = []
    for rule in rules:
        if matches(rule, facts):
            found.append(rule)
            if rule.stop:
                break
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
