"""The UI language: stdlib gettext over the `.po` catalogs in ``locale/``.

The catalogs are read straight from the committed ``.po`` files (no compiled
``.mo`` is needed). Call `setup` once, before the screens are built;
`_` and `pgettext` look strings up in the chosen catalog and fall back to the
English source text. Binding labels are written with `N_` (a marker only) and
translated when a screen is created (`translate_bindings`), so the language
chosen at start-up is the one every label uses.
"""

from __future__ import annotations

import ast
import gettext
import logging
from pathlib import Path

log = logging.getLogger(__name__)

DOMAIN = "shareinbox"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "ja")
_CONTEXT = "\x04"


class PoTranslations(gettext.NullTranslations):
    """Translations read from a ``.po`` file (msgctxt, msgid, msgstr)."""

    def __init__(self, catalog: dict[str, str]) -> None:
        super().__init__()
        self._catalog = catalog

    def gettext(self, message: str) -> str:
        """The translation of `message`, or `message` itself."""
        return self._catalog.get(message) or message

    def pgettext(self, context: str, message: str) -> str:
        """The translation of `message` in `context`, or `message` itself."""
        return self._catalog.get(context + _CONTEXT + message) or message


def read_po(path: Path) -> dict[str, str]:
    """The msgid -> msgstr pairs of a ``.po`` file (fuzzy entries skipped).

    A msgid with a context is stored as ``context + "\x04" + msgid``.
    """
    entries: list[tuple[dict[str, str], bool]] = []
    entry: dict[str, str] = {}
    field, fuzzy, next_fuzzy = "", False, False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            next_fuzzy = True
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            entry[field] = entry.get(field, "") + ast.literal_eval(line)
            continue
        keyword, _sep, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and ("msgstr" in entry or not entry):
            if entry:
                entries.append((entry, fuzzy))
            entry, fuzzy, next_fuzzy = {}, next_fuzzy, False
        field = keyword
        entry[field] = ast.literal_eval(rest)
    if entry:
        entries.append((entry, fuzzy))
    catalog: dict[str, str] = {}
    for item, is_fuzzy in entries:
        if item.get("msgid") and item.get("msgstr") and not is_fuzzy:
            key = item["msgid"]
            if "msgctxt" in item:
                key = item["msgctxt"] + _CONTEXT + key
            catalog[key] = item["msgstr"]
    return catalog


_active: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def setup(language: str) -> str:
    """Choose the UI language ("ja" or "en"; anything else means English)."""
    global _active, _language
    _language = language if language in LANGUAGES else "en"
    path = LOCALE_DIR / _language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if _language == "en" or not path.exists():
        _active = gettext.NullTranslations()
    else:
        _active = PoTranslations(read_po(path))
    return _language


def language() -> str:
    """The language chosen by `setup`."""
    return _language


def _(message: str) -> str:
    """`message` in the UI language."""
    return _active.gettext(message)


def pgettext(context: str, message: str) -> str:
    """`message` in the UI language, where `context` tells homonyms apart."""
    return _active.pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for translation later (binding labels)."""
    return message
