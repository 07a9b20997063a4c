"""Where shareinbox looks for its files by default.

Tests point ``XDG_*`` and ``HOME`` at a temporary directory, so these functions
must read the environment each time rather than cache it.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "shareinbox"


def user_config_file() -> Path:
    """``~/.config/shareinbox/config.toml`` (or the platform's equivalent)."""
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def system_config_file() -> Path:
    """``/etc/shareinbox/config.toml``."""
    return Path("/etc") / APP / "config.toml"


def default_data_dir() -> Path:
    """The data dir used when the config names none (the user's data dir)."""
    return Path(platformdirs.user_data_dir(APP))


def database_file(data_dir: Path) -> Path:
    """The SQLite file inside a data dir."""
    return data_dir / "shareinbox.db"


def lock_file(data_dir: Path) -> Path:
    """The file a running daemon holds an exclusive lock on."""
    return data_dir / "daemon.lock"


def log_file(data_dir: Path) -> Path:
    """The daemon's log file."""
    return data_dir / "daemon.log"


def outbox_dir(data_dir: Path) -> Path:
    """Where outgoing attachments are copied while a reply waits to be sent."""
    return data_dir / "outbox"
