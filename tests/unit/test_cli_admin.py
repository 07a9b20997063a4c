"""`init`, `password set` and `doctor` through the real command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from shareinbox import cli, secrets
from shareinbox.errors import AuthError
from tests.conftest import MemoryKeyring
from tests.fixtures.configs import account_block, write_config
from tests.fixtures.dovecot import DovecotServer


def test_init_twice_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.toml"
    data = tmp_path / "data"
    assert cli.main(["init", "--config", str(config), "--data-dir", str(data)]) == 0
    first = config.read_text()
    db = data / "shareinbox.db"
    assert db.stat().st_mode & 0o777 == 0o600
    assert data.stat().st_mode & 0o777 == 0o700
    assert "created" in capsys.readouterr().out
    assert cli.main(["init", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "left as it is" in out
    assert "already up to date" in out
    assert config.read_text() == first


def test_config_error_exits_1_with_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[shop]\nname = "x"\nlanguge = "ja"\n')
    assert cli.main(["--config", str(path), "doctor"]) == 1
    out = capsys.readouterr().out
    assert f"{path}:3: key 'shop.languge': unknown key" in out


def test_password_lookup_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated: MemoryKeyring
) -> None:
    with pytest.raises(AuthError) as info:
        secrets.get_password("support")
    assert "SHAREINBOX_PASSWORD_SUPPORT" in str(info.value)
    monkeypatch.setenv("SHAREINBOX_PASSWORD_SUPPORT", "from-env")
    assert secrets.get_password("support") == "from-env"
    secrets.set_password("support", "from-keyring")
    assert secrets.get_password("support") == "from-keyring"
    script = tmp_path / "pw.sh"
    script.write_text("#!/bin/sh\necho from-command\n")
    script.chmod(0o700)
    assert secrets.get_password("support", str(script)) == "from-command"


def test_failing_password_command_does_not_leak(tmp_path: Path) -> None:
    script = tmp_path / "pw.sh"
    script.write_text("#!/bin/sh\necho hunter2 >&2\nexit 3\n")
    script.chmod(0o700)
    with pytest.raises(AuthError) as info:
        secrets.get_password("support", str(script))
    assert "status 3" in str(info.value)
    assert "hunter2" not in str(info.value)


def test_password_set_without_keyring_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    path = write_config(tmp_path, accounts=account_block("support", "u"))
    assert cli.main(["--config", str(path), "password", "set", "support"]) == 1
    err = capsys.readouterr().err
    assert "password_command" in err
    assert "SHAREINBOX_PASSWORD_SUPPORT" in err


@pytest.mark.imap
def test_doctor_against_dovecot(
    tmp_path: Path,
    imap: DovecotServer,
    imap_user: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_config(tmp_path, accounts=account_block("support", imap_user, imap, 1))
    assert cli.main(["--config", str(path), "init"]) == 0
    monkeypatch.setenv("SHAREINBOX_PASSWORD_SUPPORT", imap.password)
    code = cli.main(["--config", str(path), "doctor"])
    out = capsys.readouterr().out
    assert "ok    IMAP login at 127.0.0.1" in out
    assert "QRESYNC" in out
    assert "FAIL  SMTP 127.0.0.1:1" in out  # nothing listens on port 1
    assert "FAIL  no socket" in out
    assert code == 1
    assert imap.password not in out

    monkeypatch.setattr(
        imap, "password", "Wr0ng-Pa55"
    )  # Dovecot still wants the real one
    monkeypatch.setenv("SHAREINBOX_PASSWORD_SUPPORT", "Wr0ng-Pa55")
    cli.main(["--config", str(path), "doctor"])
    out = capsys.readouterr().out
    assert "refused the login" in out
    assert "Wr0ng-Pa55" not in out
