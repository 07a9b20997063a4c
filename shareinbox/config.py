"""The configuration file: TOML read into frozen dataclasses.

Lookup order: ``--config PATH``, then ``$SHAREINBOX_CONFIG``, then the user config
dir (``~/.config/shareinbox/config.toml``), then ``/etc/shareinbox/config.toml``.
Every key is documented in README.md. An unknown key, a wrong type, a missing
required key or an unsafe setting is a `ConfigError` naming file, line and key:
the daemon never starts on a half-understood file.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shareinbox import paths
from shareinbox.config_reader import Locator, Section
from shareinbox.errors import ConfigError

SECURITY = ("tls", "starttls", "none")
ROLES = ("admin", "supervisor", "agent")
STATUSES = ("new", "open", "waiting", "done", "spam")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WAITING_REASONS = ("customer", "supplier", "warehouse", "refund", "other")


@dataclass(frozen=True)
class ShopConfig:
    """[shop]: who the team is."""

    name: str = "Shop"
    timezone: str = "Asia/Tokyo"
    language: str = ""  # "ja" | "en"; "" means: from $LANG
    signature: str = ""

    @property
    def tz(self) -> ZoneInfo:
        """The shop's time zone."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class BusinessHours:
    """When the team works: weekdays (0 = Monday) and a daily window."""

    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    start: time = time(9, 0)
    end: time = time(18, 0)


@dataclass(frozen=True)
class SlaConfig:
    """[sla]: the first-response target, counted in business hours."""

    first_response: int = 3 * 3600  # seconds of business time
    business_hours: BusinessHours = field(default_factory=BusinessHours)
    holidays: tuple[date, ...] = ()
    reminder_before: int = 0  # seconds; 0 = no reminder toast


@dataclass(frozen=True)
class ServerConfig:
    """[server]: where the daemon keeps its data and listens."""

    data_dir: Path
    socket: Path
    group: str = ""
    lock_timeout: int = 600  # a reply lock lapses after this without renewal
    poll_interval: int = 120  # folders other than INBOX are polled this often
    idle_restart: int = 20 * 60  # IDLE is re-issued this often (RFC 2177: < 29 min)
    release_on_disconnect: int = 30  # locks of a dropped client lapse after this
    history_days: int = 14  # first sync: older mail is filed as history (0: none)


@dataclass(frozen=True)
class ImapConfig:
    """The IMAP side of an account."""

    host: str
    username: str
    port: int = 993
    security: str = "tls"
    folders: tuple[str, ...] = ("INBOX",)
    sent_folder: str = "Sent"
    idle: bool = True


@dataclass(frozen=True)
class SmtpConfig:
    """An SMTP submission server (the account's own or a relay)."""

    host: str
    username: str = ""
    port: int = 587
    security: str = "starttls"
    password_command: str = ""  # relays have their own login


@dataclass(frozen=True)
class RelayConfig:
    """Replies to these recipient domains go through `smtp` (mall relays)."""

    domains: tuple[str, ...]
    smtp: SmtpConfig
    name: str = ""
    from_address: str = ""  # the From the mall registered (else the account's)


@dataclass(frozen=True)
class AccountConfig:
    """[[account]]: one mailbox the team shares."""

    name: str
    address: str
    imap: ImapConfig
    smtp: SmtpConfig
    password_command: str = ""
    charset: str = "utf-8"  # "utf-8" | "iso-2022-jp"
    sent_by_server: bool = False  # Gmail / Microsoft 365 store sent mail themselves
    from_name: str = ""
    relays: tuple[RelayConfig, ...] = ()

    @property
    def own_addresses(self) -> frozenset[str]:
        """Every address the team sends from: the account's and its relays'."""
        addresses = {self.address, *(r.from_address for r in self.relays)}
        return frozenset(a.strip().lower() for a in addresses if a)


@dataclass(frozen=True)
class StaffConfig:
    """[[staff]]: one person, known by their Unix login."""

    login: str
    name: str
    role: str = "agent"
    needs_approval: bool = False
    email: str = ""


@dataclass(frozen=True)
class RuleConfig:
    """[[rule]]: a sorting rule (振り分け), applied to new mail in order."""

    name: str
    match: str = "all"  # "all" conditions must hold, or "any"
    account: str = ""
    from_: tuple[str, ...] = ()  # addresses or "@domain"
    to: tuple[str, ...] = ()
    subject: tuple[str, ...] = ()  # substrings (case-insensitive, NFKC)
    body: tuple[str, ...] = ()
    header: tuple[tuple[str, str], ...] = ()  # (header name, substring)
    keywords: tuple[str, ...] = ()  # in subject or body
    keywords_match: str = "any"
    set_status: str = ""
    assign: str = ""
    tags: tuple[str, ...] = ()
    category: str = ""
    spam: bool = False
    notify: bool = True
    stop: bool = False


@dataclass(frozen=True)
class SpamConfig:
    """[spam]: spam handling."""

    honour_headers: bool = True
    block: tuple[str, ...] = ()  # addresses or "@domain"


@dataclass(frozen=True)
class OrdersConfig:
    """[orders]: order numbers found in mail and how to look them up."""

    patterns: tuple[str, ...] = ()  # extra regexes, besides Rakuten and Amazon
    url: str = ""  # e.g. "https://oms.example/search?q={order_id}"
    command: str = ""  # prints JSON for an order id given as its last argument
    timeout: int = 10


@dataclass(frozen=True)
class UiConfig:
    """[ui]: terminal settings for the TUI (matters over SSH)."""

    color_system: str = "auto"  # auto | standard | 256 | truecolor | none
    mouse: bool = True
    animations: bool = False
    keymap: tuple[tuple[str, str], ...] = ()  # (binding id, keys)


@dataclass(frozen=True)
class Config:
    """The whole configuration, as read from `path`."""

    path: Path
    shop: ShopConfig
    sla: SlaConfig
    server: ServerConfig
    accounts: tuple[AccountConfig, ...]
    staff: tuple[StaffConfig, ...]
    rules: tuple[RuleConfig, ...] = ()
    spam: SpamConfig = field(default_factory=SpamConfig)
    orders: OrdersConfig = field(default_factory=OrdersConfig)
    ui: UiConfig = field(default_factory=UiConfig)
    templates_dir: Path | None = None
    waiting_reasons: tuple[str, ...] = DEFAULT_WAITING_REASONS

    def account(self, name: str) -> AccountConfig:
        """The account called `name`; ConfigError if there is none."""
        for account in self.accounts:
            if account.name == name:
                return account
        raise ConfigError(f"no account named {name!r} in {self.path}")

    def staff_by_login(self, login: str) -> StaffConfig | None:
        """The staff entry for a Unix login, or None."""
        for person in self.staff:
            if person.login == login:
                return person
        return None

    @property
    def language(self) -> str:
        """The UI language: the config's, else from $LANG, else English."""
        if self.shop.language:
            return self.shop.language
        return language_from_env()


def language_from_env() -> str:
    """ "ja" when $LC_ALL/$LC_MESSAGES/$LANG start with ja, else "en"."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def find_config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the config file to use, following the documented lookup order."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("SHAREINBOX_CONFIG")
    if env:
        return Path(env)
    user = paths.user_config_file()
    if user.exists():
        return user
    system = paths.system_config_file()
    if system.exists():
        return system
    return user


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    """Find, read and validate the configuration file.

    Raises:
        ConfigError: the file is missing, not TOML, or not a valid config.
    """
    path = find_config_path(explicit)
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise ConfigError(
            "no configuration file; run `shareinbox init` to create one "
            "or point --config / $SHAREINBOX_CONFIG at it",
            path=str(path),
        ) from e
    except OSError as e:
        raise ConfigError(f"cannot read the file: {e}", path=str(path)) from e
    try:
        text = data.decode("utf-8-sig")  # Windows Notepad writes a BOM
    except UnicodeDecodeError as e:
        raise ConfigError(
            f"not UTF-8: byte 0x{data[e.start]:02x} cannot be read; "
            "save the file as UTF-8",
            path=str(path),
            line=data[: e.start].count(b"\n") + 1,
        ) from e
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    """Validate TOML `text` (read from `path`) into a `Config`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = _toml_error_line(str(e))
        raise ConfigError(f"not valid TOML: {e}", path=str(path), line=line) from e
    root = Section(data, (), str(path), Locator(text))
    from shareinbox.config_sections import read_config

    return read_config(root, path)


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and "localhost"."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_timezone(name: str) -> ZoneInfo:
    """The ZoneInfo for `name`; ValueError with a clear message otherwise."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"unknown time zone {name!r} (use e.g. Asia/Tokyo)") from e
