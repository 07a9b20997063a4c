"""IMAP UID sets: compact strings ("1:5,9,12:20") to and from sorted UIDs.

Commands carry UID ranges, never long lists of explicit UIDs: Dovecot refuses
lines over 64 KiB ("Too long argument") and imapclient 4.1 does not collapse
lists into ranges.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def compress(uids: Iterable[int]) -> str:
    """The shortest UID-set string for `uids` (any order, duplicates ignored).

    >>> compress([5, 1, 2, 3, 9])
    '1:3,5,9'
    """
    parts: list[str] = []
    for start, end in ranges(uids):
        parts.append(str(start) if start == end else f"{start}:{end}")
    return ",".join(parts)


def ranges(uids: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Consecutive runs of `uids` as inclusive (start, end) pairs, ascending."""
    ordered = sorted(set(uids))
    if not ordered:
        return
    start = prev = ordered[0]
    for uid in ordered[1:]:
        if uid != prev + 1:
            yield start, prev
            start = uid
        prev = uid
    yield start, prev


def parse(text: str | bytes, *, star: int | None = None) -> list[int]:
    """The UIDs named by a UID-set string, ascending and unique.

    Args:
        text: e.g. ``"1:3,7"``, ``b"9:5"`` (reversed ranges are allowed).
        star: the value of ``*`` (the highest UID in use); required if the
            set contains ``*``.

    Raises:
        ValueError: the text is not a UID set.
    """
    if isinstance(text, bytes):
        text = text.decode("ascii")
    out: set[int] = set()
    for part in text.strip().split(","):
        if not part:
            continue
        first, _, last = part.partition(":")
        low = _number(first, star)
        high = _number(last, star) if last else low
        if low > high:
            low, high = high, low
        out.update(range(low, high + 1))
    return sorted(out)


def _number(text: str, star: int | None) -> int:
    text = text.strip()
    if text == "*":
        if star is None:
            raise ValueError("'*' in a UID set needs the highest UID")
        return star
    if not text.isdigit():
        raise ValueError(f"not a UID: {text!r}")
    return int(text)


def chunks(uids: list[int], size: int) -> Iterator[list[int]]:
    """`uids` in consecutive slices of at most `size` items."""
    for start in range(0, len(uids), size):
        yield uids[start : start + size]
