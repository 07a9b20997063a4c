"""Key bindings: translated labels, the user's keymap, the list for help.

Every binding has an id (``screen.action``) so a team can remap keys in
``[ui] keymap``. Labels are written in English with `N_` and translated
when a screen is built (`translate_bindings`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from textual.binding import Binding
from textual.dom import DOMNode

from shareinbox.i18n import _


def translate_bindings(node: DOMNode) -> None:
    """Give this node's bindings labels in the UI language."""
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            dataclasses.replace(b, description=_(b.description)) if b.description else b
            for b in bindings
        ]


def binding_rows(nodes: list[Any]) -> list[tuple[str, str, str]]:
    """(keys, label, id) for every binding of these nodes, for the help screen."""
    seen: set[tuple[str, str]] = set()
    rows: list[tuple[str, str, str]] = []
    for node in nodes:
        for key, binding in node._bindings:
            if not binding.description or binding.system:
                continue
            ident = binding.id or binding.action
            if (ident, key) in seen:
                continue
            seen.add((ident, key))
            rows.append((key, binding.description, binding.id or ""))
    merged: dict[str, tuple[list[str], str, str]] = {}
    for key, label, ident in rows:
        entry = merged.setdefault(ident or label, ([], label, ident))
        entry[0].append(key)
    return [(",".join(keys), label, ident) for keys, label, ident in merged.values()]


def keymap_of(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """The ``[ui] keymap`` setting as Textual's keymap (binding id -> keys)."""
    return {ident: keys for ident, keys in pairs}


__all__ = ["Binding", "binding_rows", "keymap_of", "translate_bindings"]
