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

from collections.abc import Sequence
from dataclasses import dataclass

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


def _holds(rule: RuleConfig, facts: MailFacts) -> list[bool]:
    """`checks` without the explanations: the fast path for live mail."""
    found: list[bool] = []
    if rule.account:
        found.append(facts.account == rule.account)
    if rule.from_:
        found.append(any(address_matches(facts.sender, p) for p in rule.from_))
    if rule.to:
        found.append(
            any(address_matches(a, p) for a in facts.recipients for p in rule.to)
        )
    if rule.subject:
        found.append(any(folded(v) in facts.folded_subject for v in rule.subject))
    if rule.body:
        found.append(any(folded(v) in facts.folded_body for v in rule.body))
    for name, wanted in rule.header:
        value = facts.header(name)
        found.append(value is not None and folded(wanted) in fold(value))
    if rule.keywords:
        hits = [
            folded(k) in facts.folded_subject or folded(k) in facts.folded_body
            for k in rule.keywords
        ]
        found.append(all(hits) if rule.keywords_match == "all" else any(hits))
    return found


def matches(rule: RuleConfig, facts: MailFacts) -> bool:
    """Whether `rule` matches (as `try_rule`, without the reasons)."""
    oks = _holds(rule, facts)
    if not oks:
        return True
    return all(oks) if rule.match == "all" else any(oks)


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
