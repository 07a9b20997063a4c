"""``shareinbox tui`` (and bare ``shareinbox``): the terminal UI.

The language and the terminal settings ([ui]) are applied before Textual is
imported: Textual reads its environment (colour system, animations) at import.
"""

from __future__ import annotations

import argparse
import os

from shareinbox.config import Config, load_config

COLOR_SYSTEMS = {"standard": "standard", "256": "256", "truecolor": "truecolor"}


def terminal_environment(config: Config) -> None:
    """Set Textual's environment from ``[ui]`` (before Textual is imported)."""
    system = config.ui.color_system
    if system in COLOR_SYSTEMS:
        os.environ["TEXTUAL_COLOR_SYSTEM"] = COLOR_SYSTEMS[system]
    elif system == "none":
        os.environ["NO_COLOR"] = "1"
    if not config.ui.animations:
        os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


def run_tui(args: argparse.Namespace) -> int:
    """Run the TUI until the user quits."""
    config = load_config(args.config)
    terminal_environment(config)
    from shareinbox import i18n

    i18n.setup(config.language)
    from shareinbox.app import make_app
    from shareinbox.client import Client

    async def connect() -> Client:
        return await Client.connect(config.server.socket, as_login=args.as_login)

    app = make_app(config, connect)
    app.run(mouse=config.ui.mouse)
    return 0
