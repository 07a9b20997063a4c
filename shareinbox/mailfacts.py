"""What rules look at in a mail: sender, recipients, subject, body, headers.

`MailFacts` folds subject and body once (NFKC, case folding) and reads
headers the parser did not keep from the raw mail only when a rule asks
for one. `address_matches` is the address / ``@domain`` test rules and the
block list share.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import compat32
from functools import cached_property, lru_cache

from shareinbox.sync.headers import HeaderDecoder
from shareinbox.sync.mailtypes import ParsedMessage
from shareinbox.sync.parse import KEPT_HEADERS

KEPT = frozenset(KEPT_HEADERS)


def fold(text: str) -> str:
    """Text as rules compare it: NFKC, case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=4096)
def folded(value: str) -> str:
    """`fold` of a rule's own value (few, and asked for with every mail)."""
    return fold(value)


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
        complete: names `known_headers` holds whenever the mail has them (the
            parser's kept headers): their absence needs no raw read.
        raw_headers: reads every header from the raw mail, when a rule asks
            for one that is not known (called at most once).
    """

    account: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    body: str
    known_headers: Mapping[str, str] = field(default_factory=dict)
    complete: frozenset[str] = frozenset()
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
            complete=KEPT,
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
        if name in self.known_headers or name in self.complete:
            return self.known_headers.get(name)
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
