"""HTML mail to readable plain text with the standard library's HTML parser.

Scripts, styles and the document head disappear; block elements become line
breaks; entities are decoded; a link keeps its text and gets its address in
parentheses; blockquotes are quoted with ``> ``; ``<pre>`` keeps its layout.
No markup survives.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = frozenset({"script", "style", "head", "title", "noscript", "template", "svg"})
_BLOCK = frozenset(
    {
        "address", "article", "aside", "center", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
        "section", "table", "tbody", "tfoot", "thead", "tr", "ul", "caption",
    }
)  # fmt: skip
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"})
_SPACE_RE = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")
# Deeper quotes are drawn at this depth: "> " per level and line, unbounded,
# turned 150 KB of nested <blockquote> into 288 MB of text.
MAX_QUOTE = 8
_LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:")


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self.line: list[str] = []
        self.skip = 0
        self.pre = 0
        self.quote = 0
        self.links: list[str | None] = []
        self.link_text: list[str] = []

    def newline(self) -> None:
        text = "".join(self.line).rstrip()
        self.lines.append((min(self.quote, MAX_QUOTE), text))
        self.line = []

    def blank(self) -> None:
        if self.line:
            self.newline()
        if self.lines and self.lines[-1][1]:
            self.lines.append((min(self.quote, MAX_QUOTE), ""))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "body":
            self.skip = 0  # a <head> that was never closed
        elif tag == "br":
            self.newline()
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))
            self.link_text.append("")
        elif tag in ("td", "th"):
            self.text(" ")
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt:
                self.text(f"[{alt}]")
        self.block_start(tag)

    def block_start(self, tag: str) -> None:
        if tag == "blockquote":
            self.blank()
            self.quote += 1
        elif tag in _PARAGRAPH:
            self.blank()
        elif tag in _BLOCK and self.line:
            self.newline()
        if tag == "pre":
            self.pre += 1
        elif tag == "li":
            self.line.append("- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "hr"):
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(self.skip - 1, 0)
        elif tag == "a" and self.links:
            self.end_link()
        elif tag == "blockquote":
            self.blank()
            self.quote = max(self.quote - 1, 0)
        elif tag in _PARAGRAPH:
            self.blank()
        elif tag in _BLOCK and self.line:
            self.newline()
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)

    def end_link(self) -> None:
        href = (self.links.pop() or "").strip()
        shown = self.link_text.pop().strip()
        if href.lower().startswith(_LINK_SCHEMES) and shown:
            target = href[7:] if href.lower().startswith("mailto:") else href
            if target not in shown:
                self.text(f" ({href})")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            for i, piece in enumerate(data.replace("\r\n", "\n").split("\n")):
                if i:
                    self.newline()
                self.text(piece)
            return
        text = _SPACE_RE.sub(" ", data)
        if not self.line or "".join(self.line[-1:]).endswith((" ", "- ")):
            text = text.lstrip(" ")
        self.text(text)

    def text(self, text: str) -> None:
        if text:
            self.line.append(text)
            if self.link_text:
                self.link_text[-1] += text


# What ends a comment, a marked section (<![CDATA[ ... ]]>) and any tag.
_CLOSERS = (
    ("<!--", re.compile(r"--!?\s*>")),
    ("<![", re.compile(r"\]\s*\]\s*>")),
    ("<", re.compile(">")),
)


def _defuse(html: str) -> str:
    """`html` with every opener that nothing closes turned into text.

    html.parser retries such an opener against the whole rest of the text,
    once per opener: quadratic, so 30 KB of ``<a `` took 23 s and 80 KB of
    ``<!--]]>`` 2 s. An opener after the last closer of its kind can never
    close, so it is written as ``&lt;`` (which the parser shows as ``<``).
    """
    for opener, closer in _CLOSERS:
        cut = 0
        for cut_match in closer.finditer(html):
            cut = cut_match.end()
        if opener in html[cut:]:
            tail = html[cut:].replace(opener, "&lt;" + opener[1:])
            html = html[:cut] + tail
    return html


def html_to_text(html: str) -> str:
    """Render an HTML document as plain text (never raises).

    Args:
        html: the decoded HTML source.

    Returns:
        Readable text: no markup, blank lines collapsed, no trailing spaces.
    """
    builder = _TextBuilder()
    try:
        builder.feed(_defuse(html))
        builder.close()
    except Exception:  # html.parser asserts on some garbage
        builder.line.append(_SPACE_RE.sub(" ", re.sub(r"<[^>]*>", " ", html)))
    if builder.line:
        builder.newline()
    out: list[str] = []
    for depth, line in builder.lines:
        if not line and (not out or not out[-1].strip("> ")):
            continue  # no leading or repeated blank lines
        out.append(("> " * depth + line).rstrip())
    while out and not out[-1]:
        out.pop()
    return "\n".join(out).replace("\x00", "\ufffd")
