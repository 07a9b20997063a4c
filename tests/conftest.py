"""Fixtures shared by every test: isolation, the Dovecot server, configs."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from tests.fixtures import dovecot


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in memory (we do not own the system keyring)."""

    priority = 1

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def isolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MemoryKeyring]:
    """Point HOME and the XDG dirs at tmp; use an in-memory keyring."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_RUNTIME_DIR", "run"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    for var in ("SHAREINBOX_CONFIG", "NO_COLOR", "TEXTUAL_THEME", "COLORTERM"):
        monkeypatch.delenv(var, raising=False)
    for var in list(os.environ):
        if var.startswith("SHAREINBOX_PASSWORD_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("LANG", "C.UTF-8")
    ring = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[dovecot.DovecotServer]:
    """One Dovecot for the whole session (skipped locally if not installed)."""
    if not dovecot.available():
        if os.environ.get("CI") == "true":
            pytest.fail("dovecot is not installed (apt-get install dovecot-imapd)")
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    base = Path(tempfile.mkdtemp(prefix="shareinbox-dovecot-"))
    server = dovecot.DovecotServer(base)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def imap(
    dovecot_server: dovecot.DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> dovecot.DovecotServer:
    """The Dovecot server, with its certificate trusted by this test."""
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot_server.cert))
    return dovecot_server


@pytest.fixture
def imap_user(imap: dovecot.DovecotServer) -> str:
    """A fresh IMAP user with an empty mailbox."""
    return imap.new_user()
