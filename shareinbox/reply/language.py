"""Which language a reply should be written in: the customer's.

A shop whose staff work in Japanese still answers an English mail in
English; the templates offered for a reply follow the mail, not the UI.
"""

from __future__ import annotations

import re

# Hiragana, katakana (incl. half-width) and CJK ideographs.
_JAPANESE = re.compile(
    r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]"
)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def mail_language(text: str, default: str) -> str:
    """``ja`` for mail with Japanese in it, ``en`` for mail in Latin words
    only, else `default` (an empty or unreadable mail)."""
    if _JAPANESE.search(text):
        return "ja"
    if len(_LATIN_WORD.findall(text)) >= 3:
        return "en"
    return default
