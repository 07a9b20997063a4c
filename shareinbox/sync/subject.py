"""Subject normalisation for threading: reply/forward prefixes and shop tags away.

Only the *start* of a subject is stripped: a bracketed order number in the
middle (``注文番号[12345]について``) tells two threads apart and must stay.
"""

from __future__ import annotations

import re
import unicodedata

# After NFKC, full-width "Ｒｅ：" is plain "Re:".
_PREFIX_RE = re.compile(
    r"""^\s*(?:
        (?:re|fwd?|aw|sv|wg|vs|antw|tr|rif|回复|答复|转发|返信|転送)
        \s*(?:\[\d*\]|\(\d*\)|\^\d+)?\s*:
      | 【[^】]*】
      | \[[^\]]*\]
      | \((?:fwd|転送|返信)\)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_INVISIBLE[ord("\u301c")] = "~"  # WAVE DASH and FULLWIDTH TILDE (NFKC: '~') match


# Every leading prefix in one match: stripping them one at a time copied the
# rest of the subject each time (quadratic on "Re: Re: Re: ..." * 100k).
_PREFIXES_RE = re.compile(
    f"(?:{_PREFIX_RE.pattern.removeprefix('^')})+", re.IGNORECASE | re.VERBOSE
)


def _once(subject: str) -> str:
    text = unicodedata.normalize("NFKC", subject).translate(_INVISIBLE)
    prefixes = _PREFIXES_RE.match(text)
    if prefixes:
        text = text[prefixes.end() :]
    return " ".join(text.split()).casefold()


def normalize_subject(subject: str) -> str:
    """Reduce a subject to the key threads are matched on.

    Strips any number of leading ``Re:``/``RE:``/``Re[2]:``/``Fwd:``/``FW:``/
    ``AW:``/``SV:``/``返信:``/``転送:`` prefixes (full-width forms too) and
    leading ``【…】``/``[…]`` tags, applies NFKC, collapses whitespace and
    case-folds. Idempotent: normalising a normalised subject changes nothing.

    Args:
        subject: a decoded subject line.

    Returns:
        The normalised subject ('' when nothing but prefixes was left).
    """
    text = _once(subject)
    for _ in range(8):  # case-folding can expose NFKC work; settle it
        again = _once(text)
        if again == text:
            break
        text = again
    return text
