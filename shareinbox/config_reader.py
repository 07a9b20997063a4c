"""Typed, strict reading of a parsed TOML document.

`Section` walks one table of the document: every read names the key, checks its
type and remembers it, and `done()` rejects any key nobody read. Errors name the
file, the line (found by `Locator`) and the dotted key, e.g.
``/etc/shareinbox/config.toml:12: key 'account[1].imap.port': expected an integer``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from shareinbox.errors import ConfigError

T = TypeVar("T")
_MISSING: Any = object()
MAX_DURATION = 3650 * 86400
_DURATION = re.compile(
    r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$"
)
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?")


class Locator:
    """Finds the line of a dotted key in the TOML source text.

    tomllib reports no positions, so the line is found by scanning the text.
    Table headers are resolved to paths: ``[[account]]`` counts its elements,
    and ``[account.imap]`` or ``[[account.relay]]`` belong to the latest
    ``account`` element. The first line in the right table that assigns the
    key (``port =`` or the dotted ``imap.port =``) wins; keys inside inline
    tables are found on the line of their parent key.
    """

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()

    def line_of(self, path: tuple[str | int, ...]) -> int | None:
        """Return the 1-based line where `path` is set, or None if unknown."""
        table: tuple[str | int, ...] = ()
        counts: dict[tuple[str | int, ...], int] = {}
        for number, line in enumerate(self._lines, start=1):
            header = _HEADER.match(line)
            if header:
                array = header.group(1) == "[["
                table = _resolve(header.group(2), counts, array)
                if array:
                    counts[table] = counts.get(table, -1) + 1
                    if table == path:  # the array itself (a table was wanted)
                        return number
                    table = (*table, counts[table])
                if table == path:
                    return number
                continue
            inside = len(path) > len(table) and table == path[: len(table)]
            if inside and _assigns(line, path[len(table) :]):
                return number
        return None


def _resolve(
    name: str, counts: dict[tuple[str | int, ...], int], array: bool
) -> tuple[str | int, ...]:
    """The path of a table header, with the index of each array it passes
    (an ``[[array]]`` header's own index is added by the caller)."""
    parts = [part.strip() for part in name.replace('"', "").split(".")]
    path: tuple[str | int, ...] = ()
    for number, part in enumerate(parts, start=1):
        path = (*path, part)
        if path in counts and not (array and number == len(parts)):
            path = (*path, counts[path])
    return path


def _assigns(line: str, keys: tuple[str | int, ...]) -> bool:
    """Whether `line` sets the first of `keys` (or a dotted run of them)."""
    names: list[str] = []
    for key in keys:
        if not isinstance(key, str):
            break
        names.append(key)
    for count in range(len(names), 0, -1):
        dotted = r"\s*\.\s*".join(rf'"?{re.escape(k)}"?' for k in names[:count])
        # A table made of dotted keys (imap.host = ...) starts at its first key.
        end = "[=.]" if count == len(keys) else "="
        if re.match(rf"^\s*{dotted}\s*{end}", line):
            return True
    return False


@dataclass
class Section:
    """One TOML table being read, with the path that leads to it."""

    data: dict[str, Any]
    path: tuple[str | int, ...]
    file: str
    locator: Locator
    _seen: set[str] = field(default_factory=set)

    def error(self, key: str | None, message: str) -> ConfigError:
        """Build a ConfigError for `key` of this section (or the section)."""
        path = self.path + ((key,) if key is not None else ())
        line = self.locator.line_of(path)
        if line is None and key is not None:
            line = self.locator.line_of(self.path)  # a missing key: point at its table
        return ConfigError(
            message,
            path=self.file,
            line=line,
            key=_dotted(path) or None,
        )

    def _get(
        self, key: str, kind: type | tuple[type, ...], label: str, default: Any
    ) -> Any:
        self._seen.add(key)
        if key not in self.data:
            if default is _MISSING:
                raise self.error(key, "this key is required")
            return default
        value = self.data[key]
        if isinstance(value, bool) and kind is not bool and bool not in _as_tuple(kind):
            raise self.error(key, f"expected {label}, got {value!r}")
        if not isinstance(value, kind):
            raise self.error(
                key, f"expected {label}, got {type(value).__name__} {value!r}"
            )
        return value

    def text(self, key: str, default: Any = _MISSING) -> Any:
        """A string value (default returned as is when the key is absent)."""
        return self._get(key, str, "a string", default)

    def integer(
        self, key: str, default: Any = _MISSING, *, low: int = 0, high: int = 2**31
    ) -> Any:
        """An integer value within [low, high]."""
        value = self._get(key, int, "an integer", default)
        if isinstance(value, int) and not low <= value <= high:
            raise self.error(key, f"must be between {low} and {high}, got {value}")
        return value

    def flag(self, key: str, default: Any = _MISSING) -> Any:
        """A boolean value (true/false)."""
        return self._get(key, bool, "true or false", default)

    def choice(
        self, key: str, choices: tuple[str, ...], default: Any = _MISSING
    ) -> Any:
        """A string that must be one of `choices`."""
        value = self.text(key, default)
        if key in self.data and value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def strings(self, key: str, default: Any = _MISSING) -> tuple[str, ...]:
        """A list of strings, returned as a tuple."""
        value = self._get(key, list, "a list of strings", default)
        if value is None:
            return ()
        for item in value:
            if not isinstance(item, str):
                raise self.error(key, f"expected a list of strings, found {item!r}")
        return tuple(value)

    def duration(self, key: str, default: Any = _MISSING) -> Any:
        """A duration such as "3h", "90m", "1h30m", "45s" or "2d", in seconds."""
        value = self.text(key, default)
        if not isinstance(value, str):
            return value
        seconds = parse_duration(value)
        if seconds is None:
            raise self.error(
                key, f'expected a duration such as "3h" or "30m", got {value!r}'
            )
        if seconds > MAX_DURATION:  # a date that far out breaks time arithmetic
            raise self.error(key, f"must be at most 3650d (10 years), got {value!r}")
        return seconds

    def table(self, key: str, required: bool = False) -> Section:
        """A sub-table (an inline table or a [section]); empty if absent."""
        value = self._get(key, dict, "a table", _MISSING if required else {})
        return Section(value, (*self.path, key), self.file, self.locator)

    def tables(self, key: str) -> list[Section]:
        """An array of tables ([[key]] or a list of inline tables)."""
        value = self._get(key, list, "an array of tables", [])
        sections = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.error(key, f"entry {index + 1} must be a table")
            sections.append(
                Section(item, (*self.path, key, index), self.file, self.locator)
            )
        return sections

    def convert(self, key: str, value: str, parse: Callable[[str], T]) -> T:
        """Apply `parse` to `value`, turning a ValueError into a ConfigError on `key`."""
        try:
            return parse(value)
        except ValueError as e:
            raise self.error(key, str(e)) from e

    def done(self) -> None:
        """Reject keys that were never read: they are typos or unsupported."""
        unknown = sorted(set(self.data) - self._seen)
        if unknown:
            raise self.error(unknown[0], "unknown key (check the spelling; see README)")


def parse_duration(text: str) -> int | None:
    """Parse "1h30m"-style durations into seconds; None when malformed."""
    match = _DURATION.match(text)
    if not match or not any(match.groups()):
        return None
    d, h, m, s = (int(g) if g else 0 for g in match.groups())
    return ((d * 24 + h) * 60 + m) * 60 + s


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += (
            f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
        )
    return out
