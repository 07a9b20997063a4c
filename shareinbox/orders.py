"""Order numbers found in mail (楽天, Amazon, and the shop's own patterns).

Rakuten order numbers look like ``123456-20240101-0000000001`` and Amazon's
like ``249-1234567-1234567``. A team adds its own shapes as regular
expressions in ``[orders] patterns``. Numbers are matched only when they
stand alone (not inside a longer run of ASCII letters, digits or dashes).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

RAKUTEN = r"\d{6}-\d{8}-\d{10}"
AMAZON = r"\d{3}-\d{7}-\d{7}"
BUILTIN = (RAKUTEN, AMAZON)
# Half-width digits only: the caller's text may carry full-width ones.
_WIDE = str.maketrans("０１２３４５６７８９－‐―−ー", "0123456789-----")
_WIDE_CHARS = re.compile("[０-９]")  # dashes alone do not make a number


# The built-in shapes, factored for speed (no lookaround: edges are checked).
_BUILTIN_FAST = re.compile(
    r"[0-9]{3}(?:[0-9]{3}-[0-9]{8}-[0-9]{10}|-[0-9]{7}-[0-9]{7})"
)
_EDGE = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-")


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(f"(?:{p})" for p in patterns)
    # Japanese text has no spaces: 注文番号123456-... is an order number, so
    # only ASCII letters, digits and dashes around a match disqualify it.
    return re.compile(rf"(?<![0-9A-Za-z-])(?:{alternatives})(?![0-9A-Za-z-])")


def _standalone(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return before not in _EDGE and after not in _EDGE


def find_order_ids(text: str, extra_patterns: Sequence[str] = ()) -> list[str]:
    """Order numbers in `text`, in order of appearance, each once.

    Args:
        text: subject and body (any width of digits).
        extra_patterns: the shop's own regular expressions (``[orders]
            patterns``); a bad expression raises ``re.error`` when the
            config is read, so it is trusted here.
    """
    if _WIDE_CHARS.search(text):
        text = text.translate(_WIDE)
    found: list[tuple[int, str]] = [
        (m.start(), m.group(0))
        for m in _BUILTIN_FAST.finditer(text)
        if _standalone(text, m.start(), m.end())
    ]
    if extra_patterns:
        pattern = _compiled(tuple(extra_patterns))
        found.extend((m.start(), m.group(0)) for m in pattern.finditer(text))
    ordered: list[str] = []
    for _, value in sorted(found):
        # A loose shop pattern (ORD\S+) must not carry a mail's control
        # characters into links, look-ups and printouts.
        if value not in ordered and value.isprintable():
            ordered.append(value)
    return ordered
