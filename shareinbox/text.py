"""Making untrusted text safe to show in a terminal.

Mail subjects, bodies, names and filenames come from strangers. A terminal
interprets escape sequences wherever they appear, so a subject carrying
``ESC ] 52 ; c ; ...`` writes the reader's clipboard, ``ESC [ 2 J`` clears the
screen, and bidi overrides make ``txt.exe`` look like ``exe.txt``. `clean` is
the one function every client (CLI tables, the TUI) runs such text through
before it is shown: it removes escape sequences (CSI, OSC, DCS, SOS, PM, APC
and the short ESC forms, in their 7-bit and 8-bit spellings), the C0 and C1
control characters other than newline and tab, and the bidi embedding and
override characters; lone surrogates become U+FFFD. Everything else —
Japanese, emoji, ambiguous-width symbols — is kept as it is.
"""

from __future__ import annotations

import re

# String sequences (OSC, DCS, SOS, PM, APC) run to ST (ESC \ or 0x9c); OSC is
# also ended by BEL in practice. Unterminated ones are left for the control
# character pass, which removes their introducer and leaves the rest inert.
# The body excludes every introducer, so a scan never runs past the next
# one and hostile input cannot make the match quadratic.
_STRING = (
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])"
    r"[^\x07\x1b\x90\x98\x9b-\x9f]*(?:\x07|\x1b\\|\x9c)"
)
_CSI = r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
_ESC = r"\x1b[\x20-\x2f]*[\x30-\x7e]"
_SEQUENCE = re.compile(f"{_STRING}|{_CSI}|{_ESC}")

_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_DROP: dict[int, str | None] = {
    c: None for c in (*range(0x00, 0x20), *range(0x7F, 0xA0), *_BIDI)
}
del _DROP[0x0A], _DROP[0x09]
_DROP.update({0x2028: "\n", 0x2029: "\n"})
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"\r\n?")
_WHITESPACE = re.compile(r"[\n\t]+")
# A zero-width joiner belongs inside an emoji sequence (👩‍💻). Anywhere else
# Rich counts it as swallowing the next character's width, so a column that
# holds one comes out narrower than the terminal draws it.
_EMOJI = "\u2600-\u27bf\U0001f000-\U0001faff"
_ORPHAN_JOINER = re.compile(f"(?<![{_EMOJI}\ufe0f])\u200d|\u200d(?![{_EMOJI}])")


def clean(text: str, *, tabsize: int | None = None) -> str:
    """`text` without anything a terminal would interpret.

    Args:
        text: untrusted text (a subject, a body, a name, a filename).
        tabsize: when given, tabs become spaces up to the next multiple of it.

    Returns:
        The text with escape sequences, control characters (except newline
        and tab) and bidi overrides removed, CR and CRLF turned into newlines
        (so a CR cannot overwrite what a line shows) and lone surrogates
        replaced by U+FFFD; zero-width joiners that join nothing visible
        are dropped.
    """
    if not text:
        return ""
    text = _LINE_BREAKS.sub("\n", text)
    text = _SEQUENCE.sub("", text)
    text = text.translate(_DROP)
    text = _SURROGATE.sub("\ufffd", text)
    if "\u200d" in text:
        text = _ORPHAN_JOINER.sub("", text)
    if tabsize is not None:
        text = text.expandtabs(tabsize)
    return text


def one_line(text: str) -> str:
    """`clean` text on one line: newlines and tabs become single spaces."""
    return _WHITESPACE.sub(" ", clean(text)).strip()
