"""The Japanese catalog covers every UI string; .po files are read correctly."""

from __future__ import annotations

import ast
import tokenize
from pathlib import Path

import pytest

from shareinbox import i18n
from shareinbox.config import DEFAULT_WAITING_REASONS
from shareinbox.widgets.cells import STATUS_NAMES, STATUS_SHORT
from shareinbox.widgets.sidebar import VIEW_NAMES

ROOT = Path(i18n.__file__).resolve().parent
PO = ROOT / "locale" / "ja" / "LC_MESSAGES" / "shareinbox.po"
HISTORY_KINDS = ("in", "out", "note", "memo", "status", "assign")


def _literal_msgids() -> set[tuple[str, str]]:
    """The literal strings given to _, N_ and pgettext, found with tokenize
    (ast.parse can fail in 3.11 while other threads of the suite run)."""
    found: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*.py"):
        with path.open("rb") as source:
            tokens = [t for t in tokenize.tokenize(source.readline)
                      if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)]  # fmt: skip
        for i, token in enumerate(tokens[:-2]):
            if token.type != tokenize.NAME or tokens[i + 1].string != "(":
                continue
            first = tokens[i + 2]
            if first.type != tokenize.STRING:
                continue
            if token.string in ("_", "N_"):
                found.add(("", ast.literal_eval(first.string)))
            elif token.string == "pgettext" and tokens[i + 4].type == tokenize.STRING:
                found.add(
                    (
                        ast.literal_eval(first.string),
                        ast.literal_eval(tokens[i + 4].string),
                    )
                )
    return found


def test_every_ui_string_has_a_japanese_translation() -> None:
    catalog = i18n.read_po(PO)
    wanted = _literal_msgids()
    wanted |= {("status", n) for n in STATUS_NAMES.values()}
    wanted |= {("status-short", n) for n in STATUS_SHORT.values()}
    wanted |= {("view", n) for n in VIEW_NAMES.values()}
    wanted |= {("history", k) for k in HISTORY_KINDS}
    wanted |= {("", r) for r in DEFAULT_WAITING_REASONS}
    assert len(wanted) > 100
    missing = sorted(
        (ctx, msg) for ctx, msg in wanted
        if (f"{ctx}\x04{msg}" if ctx else msg) not in catalog
    )  # fmt: skip
    assert missing == []


def test_po_reader_handles_contexts_continuations_and_fuzzy(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr "Language: ja\\n"\n\n'
        'msgctxt "view"\nmsgid "Open"\nmsgstr "対応中"\n\n'
        'msgid "Open"\nmsgstr "開く"\n\n'
        'msgid "two "\n"lines"\nmsgstr ""\n"二行\\n"\n\n'
        '#, fuzzy\nmsgid "Draft"\nmsgstr "下書き"\n',
        encoding="utf-8",
    )
    catalog = i18n.read_po(po)
    assert catalog == {"view\x04Open": "対応中", "Open": "開く", "two lines": "二行\n"}


@pytest.mark.parametrize(
    ("language", "claim"), [("ja", "対応開始"), ("en", "Claim"), ("fr", "Claim")]
)
def test_setup_chooses_the_catalog(language: str, claim: str) -> None:
    try:
        i18n.setup(language)
        assert i18n._("Claim") == claim
        assert i18n.pgettext("view", "Back today") == (
            "今日戻る" if language == "ja" else "Back today"
        )
    finally:
        i18n.setup("en")
