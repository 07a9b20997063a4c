"""The headless layers never load Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import shareinbox

HEADLESS = (
    "shareinbox.store",
    "shareinbox.sync",
    "shareinbox.service",
    "shareinbox.daemon",
)


def _modules() -> list[str]:
    names = ["shareinbox.config", "shareinbox.secrets", "shareinbox.client"]
    for info in pkgutil.walk_packages(shareinbox.__path__, "shareinbox."):
        if info.name.startswith(HEADLESS) or info.name.startswith("shareinbox.reply"):
            names.append(info.name)
    return names


def test_headless_layers_do_not_import_textual() -> None:
    modules = [m for m in _modules() if _exists(m)]
    assert "shareinbox.store.db" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def _exists(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
