"""The Japanese catalog covers every UI string; .po files are read correctly."""

from __future__ import annotations

import ast
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
    found: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id in ("_", "N_") and args and isinstance(args[0], str):
                found.add(("", args[0]))
            elif node.func.id == "pgettext" and len(args) == 2:
                found.add((str(args[0]), str(args[1])))
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
