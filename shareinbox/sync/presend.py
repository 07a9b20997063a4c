"""Checks before a reply goes out: the warnings of the confirmation step.

Pure functions on the text the person wrote (quoted lines, ``>`` or ``＞``,
are the customer's words and are ignored):

- ``missing_attachment``: the text says 添付 / 同封 / attached / enclosed
  but nothing is attached;
- ``empty_body``: nothing but quotes and whitespace;
- ``name_mismatch``: the greeting addresses someone (``佐藤様``, ``Dear
  Mr. Sato``) whose name is not the thread's customer's.

Each warning has a stable ``code`` (clients translate it) and an English
``message`` naming what was found.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_QUOTED = re.compile(r"^\s*[>＞|]")
_ATTACH = re.compile(r"添付|同封|attached|attachment|enclosed", re.IGNORECASE)
# A greeting line: up to three words, an honorific, then the end or a comma.
_WORD = r"[^\s、。,.!?！？「」（）()]{1,20}"
_JA_NAME = re.compile(
    rf"^\s*({_WORD}(?:[ 　]{_WORD}){{0,2}}?)\s*(?:様|さま|サマ|殿|御中)(?:\s*$|\s*[、,])"
)
_EN_NAME = re.compile(
    r"^\s*(?:dear|hi|hello)\s+(?:(?:mr|ms|mrs|miss|dr)\.?\s+)?([^,，\n]{1,40})",
    re.IGNORECASE,
)
_GENERIC = frozenset(
    {
        "お客", "お客様", "皆", "皆様", "みな", "各位", "ご担当者", "ご担当",
        "担当者", "お得意", "会員", "購入者", "ご購入者", "ご利用者", "利用者",
        "customer", "customers", "sir", "sir or madam", "sir/madam", "madam",
        "all", "team", "there", "valued customer",
    }
)  # fmt: skip
GREETING_LINES = 5


@dataclass(frozen=True)
class Finding:
    """One warning: a code for programs and a message for people."""

    code: str
    message: str


def own_lines(body: str) -> list[str]:
    """The lines the author wrote (quoted lines left out)."""
    return [line for line in body.splitlines() if not _QUOTED.match(line)]


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def addressed_name(body: str) -> str | None:
    """The name a greeting in the first lines addresses, if any."""
    lines = [line for line in own_lines(body) if line.strip()][:GREETING_LINES]
    for line in lines:
        match = _JA_NAME.match(line) or _EN_NAME.match(line)
        if match:
            name = match.group(1).strip(" 　、,")
            if name and _norm(name) not in _GENERIC and not name.startswith("お客"):
                return name
    return None


def _script(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return ""
    return "latin" if all(c.isascii() for c in letters) else "other"


def same_person(addressed: str, customer: str) -> bool:
    """True when the greeting's name fits the customer's (family or full name)."""
    if _script(addressed) != _script(customer):
        return True  # 山田様 to "Taro Yamada": cannot compare, so no warning
    said, known = _norm(addressed), _norm(customer)
    if said in known or known in said:
        return True
    tokens = unicodedata.normalize("NFKC", customer).lower().split()
    return any(len(t) >= 2 and t in said for t in tokens)


def check_reply(body: str, attachments: int, customer_name: str) -> list[Finding]:
    """The warnings for a reply about to be sent."""
    findings: list[Finding] = []
    mine = "\n".join(own_lines(body))
    if not mine.strip():
        findings.append(
            Finding("empty_body", "the reply has no text of its own (only quotes)")
        )
    mention = _ATTACH.search(mine)
    if mention and attachments == 0:
        findings.append(
            Finding(
                "missing_attachment",
                f"the text mentions an attachment ({mention.group(0)!r}) "
                "but nothing is attached",
            )
        )
    name = addressed_name(body)
    if name and customer_name.strip() and not same_person(name, customer_name):
        findings.append(
            Finding(
                "name_mismatch",
                f"the reply addresses {name!r} but the thread's customer is "
                f"{customer_name.strip()!r}",
            )
        )
    return findings
