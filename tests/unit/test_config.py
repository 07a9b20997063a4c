"""Config loading: the lookup order and every kind of error names file, line, key."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from shareinbox.config import find_config_path, load_config, parse_config
from shareinbox.config_reader import parse_duration
from shareinbox.errors import ConfigError
from tests.fixtures.configs import account_block, write_config

GOOD = """\
[shop]
name = "Example Shop"
timezone = "Asia/Tokyo"
language = "ja"

[sla]
first_response = "3h"
business_hours = { days = "mon-fri", start = "09:00", end = "18:00" }
holidays = ["2027-01-01"]

[server]
data_dir = "/var/lib/shareinbox"
group = "support"

[[account]]
name = "support"
address = "support@example.test"
imap = { host = "imap.example.test", port = 993, security = "tls", username = "support@example.test", folders = ["INBOX"], sent_folder = "Sent" }
smtp = { host = "smtp.example.test", port = 587, security = "starttls", username = "support@example.test" }
password_command = "pass show shop/support"

[[staff]]
login = "tanaka"
name = "田中 花子"
role = "supervisor"
needs_approval = false
"""


def test_design_example_loads() -> None:
    config = parse_config(GOOD, Path("/etc/x.toml"))
    assert config.shop.name == "Example Shop"
    assert config.language == "ja"
    assert config.sla.first_response == 3 * 3600
    assert config.sla.business_hours.days == (0, 1, 2, 3, 4)
    assert config.sla.business_hours.end == time(18, 0)
    assert config.server.socket == Path("/var/lib/shareinbox/shareinbox.sock")
    account = config.account("support")
    assert account.imap.folders == ("INBOX",)
    assert account.smtp.security == "starttls"
    assert config.staff_by_login("tanaka") is not None
    assert config.staff_by_login("nobody") is None


def _error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_config(text, Path("/etc/shareinbox/config.toml"))
    return info.value


@pytest.mark.parametrize(
    ("change", "line", "key", "words"),
    [
        pytest.param(("[server]", "[server]\ncolour = 1"), 12, "server.colour", "unknown key",
                     id="unknown-key"),
        pytest.param(("port = 993", 'port = "993"'), 18, "account[1].imap.port", "integer",
                     id="wrong-type"),
        pytest.param(('name = "support"\n', ""), 15, "account[1].name", "required",
                     id="missing-account-field"),
        pytest.param(('security = "tls"', 'security = "none"'), 18,
                     "account[1].imap.security", "127.0.0.1", id="none-not-loopback"),
        pytest.param(('role = "supervisor"', 'role = "boss"'), 25, "staff[1].role",
                     "admin, supervisor, agent", id="bad-choice"),
        pytest.param(('first_response = "3h"', 'first_response = "soon"'), 7,
                     "sla.first_response", "duration", id="bad-duration"),
        pytest.param(('timezone = "Asia/Tokyo"', 'timezone = "Mars/Base"'), 3,
                     "shop.timezone", "time zone", id="bad-timezone"),
        pytest.param(('days = "mon-fri"', 'days = "weekdays"'), 8,
                     "sla.business_hours.days", "mon-fri", id="bad-days"),
        pytest.param(('group = "support"', 'group = "support"\nhistory_days = -1'),
                     14, "server.history_days", "between 0", id="negative-history"),
    ],
)  # fmt: skip
def test_errors_name_file_line_and_key(
    change: tuple[str, str], line: int, key: str, words: str
) -> None:
    old, new = change
    assert old in GOOD
    error = _error(GOOD.replace(old, new, 1))
    assert error.path == "/etc/shareinbox/config.toml"
    assert error.key == key
    assert error.line == line
    assert words in str(error)
    assert str(error).startswith(f"/etc/shareinbox/config.toml:{line}: key '{key}'")


def test_history_days() -> None:
    assert parse_config(GOOD, Path("x")).server.history_days == 14
    text = GOOD.replace('group = "support"', 'group = "support"\nhistory_days = 0')
    assert parse_config(text, Path("x")).server.history_days == 0


def test_missing_imap_table_is_named() -> None:
    text = GOOD.replace(GOOD[GOOD.index("imap = {") : GOOD.index("smtp = {")], "")
    error = _error(text)
    assert error.key == "account[1].imap"
    assert "required" in str(error)


def test_security_none_allowed_on_loopback() -> None:
    text = GOOD.replace('host = "imap.example.test", port = 993, security = "tls"',
                        'host = "127.0.0.1", port = 143, security = "none"')  # fmt: skip
    assert parse_config(text, Path("x")).accounts[0].imap.security == "none"


def test_toml_syntax_error_has_line() -> None:
    error = _error(GOOD.replace('name = "Example Shop"', 'name = "Example Shop'))
    assert error.line == 2
    assert "not valid TOML" in str(error)


def test_duplicate_staff_login() -> None:
    extra = '\n[[staff]]\nlogin = "tanaka"\nname = "other"\n'
    error = _error(GOOD + extra)
    assert error.key == "staff[2].login"
    assert error.line == 29


def test_rule_must_assign_known_staff() -> None:
    rule = '\n[[rule]]\nname = "returns"\nsubject = ["返品"]\nassign = "ghost"\n'
    error = _error(GOOD + rule)
    assert error.key == "rule[1].assign"


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = Path(tmp_path / "home/.config/shareinbox/config.toml")
    assert find_config_path(None) == user
    monkeypatch.setenv("SHAREINBOX_CONFIG", str(tmp_path / "env.toml"))
    assert find_config_path(None) == tmp_path / "env.toml"
    assert find_config_path(str(tmp_path / "x.toml")) == tmp_path / "x.toml"


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="shareinbox init"):
        load_config(tmp_path / "nope.toml")


def test_written_test_config_loads(tmp_path: Path) -> None:
    path = write_config(tmp_path, accounts=account_block("support", "u1"))
    config = load_config(path)
    assert config.accounts[0].imap.security == "starttls"
    assert [s.role for s in config.staff] == ["admin", "supervisor", "agent", "agent"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("3h", 10800), ("90m", 5400), ("1h30m", 5400), ("45s", 45), ("2d", 172800),
     ("", None), ("3x", None), ("h", None)],
)  # fmt: skip
def test_durations(text: str, seconds: int | None) -> None:
    assert parse_duration(text) == seconds


_RELAY = """
[[account.relay]]
name = "rakuten"
domains = ["fw.rakuten.ne.jp"]
smtp = { host = "sub.fw.rakuten.ne.jp", port = 587, security = "starttls", username = "shop" }
from = "%s"
"""


def test_a_relay_names_the_from_address_the_mall_registered() -> None:
    config = parse_config(
        GOOD.replace("\n[[staff]]", _RELAY % "Shop@Example.jp" + "\n[[staff]]", 1),
        Path("/etc/shareinbox/config.toml"),
    )
    (account,) = config.accounts
    assert account.relays[0].from_address == "Shop@Example.jp"
    assert account.own_addresses == {"support@example.test", "shop@example.jp"}


def test_a_relay_from_that_is_no_address_is_named() -> None:
    error = _error(GOOD.replace("\n[[staff]]", _RELAY % "shop" + "\n[[staff]]", 1))
    assert error.key is not None
    assert error.key.endswith(".from")
    assert error.line is not None
    assert "not a mail address" in str(error)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert load_config(path).shop.name == "Example Shop"


def test_a_file_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(GOOD.replace("Example Shop", "例").encode("utf-8")
                     .replace("例".encode(), "例".encode("shift_jis")))  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == 2
    assert "not UTF-8" in str(caught.value)
