"""Reading each section of the config file into its dataclass.

Kept apart from `config.py` (the dataclasses and the lookup) so each reader
stays short. Every reader calls `Section.done()` so unknown keys are refused.
"""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

from shareinbox import config as c
from shareinbox.config_reader import Section

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}\$?$")


def read_config(root: Section, path: Path) -> c.Config:
    """Validate the whole document."""
    shop = _shop(root.table("shop"))
    sla = _sla(root.table("sla"))
    server = _server(root.table("server"))
    accounts = tuple(_account(s) for s in root.tables("account"))
    staff = tuple(_staff(s) for s in root.tables("staff"))
    rules = tuple(_rule(s) for s in root.tables("rule"))
    spam = _spam(root.table("spam"))
    orders = _orders(root.table("orders"))
    ui = _ui(root.table("ui"))
    templates = root.table("templates")
    templates_dir = templates.text("dir", "")
    templates.done()
    waiting = root.table("waiting")
    reasons = waiting.strings("reasons", list(c.DEFAULT_WAITING_REASONS))
    waiting.done()
    root.done()
    _unique(root, "account", [a.name for a in accounts], "name")
    _unique(root, "staff", [s.login for s in staff], "login")
    config = c.Config(
        path=path,
        shop=shop,
        sla=sla,
        server=server,
        accounts=accounts,
        staff=staff,
        rules=rules,
        spam=spam,
        orders=orders,
        ui=ui,
        templates_dir=Path(templates_dir).expanduser() if templates_dir else None,
        waiting_reasons=reasons or c.DEFAULT_WAITING_REASONS,
    )
    _check_rule_targets(root, config)
    return config


def _shop(s: Section) -> c.ShopConfig:
    tz = s.text("timezone", "Asia/Tokyo")
    s.convert("timezone", tz, c.check_timezone)
    shop = c.ShopConfig(
        name=s.text("name", "Shop"),
        timezone=tz,
        language=s.choice("language", ("ja", "en"), ""),
        signature=s.text("signature", ""),
    )
    s.done()
    return shop


def _sla(s: Section) -> c.SlaConfig:
    hours = s.table("business_hours")
    days = hours.convert("days", hours.text("days", "mon-fri"), _parse_days)
    start = hours.convert("start", hours.text("start", "09:00"), _parse_time)
    end = hours.convert("end", hours.text("end", "18:00"), _parse_time)
    if end <= start:
        raise hours.error("end", "must be later than start")
    hours.done()
    holidays = tuple(
        s.convert("holidays", day, date.fromisoformat)
        for day in s.strings("holidays", [])
    )
    sla = c.SlaConfig(
        first_response=s.duration("first_response", "3h"),
        business_hours=c.BusinessHours(days=days, start=start, end=end),
        holidays=holidays,
        reminder_before=s.duration("reminder_before", "0s"),
    )
    s.done()
    return sla


def _server(s: Section) -> c.ServerConfig:
    from shareinbox import paths

    data_dir = Path(s.text("data_dir", str(paths.default_data_dir()))).expanduser()
    socket = s.text("socket", "")
    server = c.ServerConfig(
        data_dir=data_dir,
        socket=Path(socket).expanduser() if socket else data_dir / "shareinbox.sock",
        group=s.text("group", ""),
        lock_timeout=s.duration("lock_timeout", "10m"),
        poll_interval=s.duration("poll_interval", "2m"),
        idle_restart=s.duration("idle_restart", "20m"),
        release_on_disconnect=s.duration("release_on_disconnect", "30s"),
        history_days=s.integer("history_days", 14, low=0, high=36500),
    )
    if not 60 <= server.idle_restart <= 29 * 60:
        raise s.error("idle_restart", "must be between 1m and 29m (RFC 2177)")
    s.done()
    return server


def _security(s: Section, host: str, default: str) -> str:
    security: str = s.choice("security", c.SECURITY, default)
    if security == "none" and not c.is_loopback(host):
        raise s.error(
            "security",
            f'"none" sends the password in clear text; it is allowed only for '
            f"127.0.0.1, ::1 or localhost, not {host!r}. Use tls or starttls.",
        )
    return security


def _imap(s: Section) -> c.ImapConfig:
    host = s.text("host")
    security = _security(s, host, "tls")
    imap = c.ImapConfig(
        host=host,
        username=s.text("username"),
        port=s.integer("port", 993 if security == "tls" else 143, low=1, high=65535),
        security=security,
        folders=s.strings("folders", ["INBOX"]) or ("INBOX",),
        sent_folder=s.text("sent_folder", "Sent"),
        idle=s.flag("idle", True),
    )
    s.done()
    return imap


def _smtp(s: Section, relay: bool = False) -> c.SmtpConfig:
    host = s.text("host")
    security = _security(s, host, "starttls")
    smtp = c.SmtpConfig(
        host=host,
        username=s.text("username", ""),
        port=s.integer("port", 465 if security == "tls" else 587, low=1, high=65535),
        security=security,
        password_command=s.text("password_command", "") if relay else "",
    )
    s.done()
    return smtp


def _account(s: Section) -> c.AccountConfig:
    relays = []
    for r in s.tables("relay"):
        relay = c.RelayConfig(
            domains=tuple(d.lower().lstrip("@") for d in r.strings("domains")),
            smtp=_smtp(r.table("smtp", required=True), relay=True),
            name=r.text("name", ""),
            from_address=r.text("from", ""),
        )
        if relay.from_address and "@" not in relay.from_address:
            raise r.error("from", f"not a mail address: {relay.from_address!r}")
        relays.append(relay)
        r.done()
    account = c.AccountConfig(
        name=s.text("name"),
        address=s.text("address"),
        imap=_imap(s.table("imap", required=True)),
        smtp=_smtp(s.table("smtp", required=True)),
        password_command=s.text("password_command", ""),
        charset=s.choice("charset", ("utf-8", "iso-2022-jp"), "utf-8"),
        sent_by_server=s.flag("sent_by_server", False),
        from_name=s.text("from_name", ""),
        relays=tuple(relays),
    )
    if "@" not in account.address:
        raise s.error("address", f"not a mail address: {account.address!r}")
    s.done()
    return account


def _staff(s: Section) -> c.StaffConfig:
    staff = c.StaffConfig(
        login=s.text("login"),
        name=s.text("name"),
        role=s.choice("role", c.ROLES, "agent"),
        needs_approval=s.flag("needs_approval", False),
        email=s.text("email", ""),
    )
    if not _LOGIN.match(staff.login):
        raise s.error("login", f"not a Unix login name: {staff.login!r}")
    s.done()
    return staff


def _rule(s: Section) -> c.RuleConfig:
    headers = []
    for h in s.tables("header"):
        headers.append((h.text("name").lower(), h.text("contains")))
        h.done()
    status = s.choice("set_status", c.STATUSES, "")
    rule = c.RuleConfig(
        name=s.text("name"),
        match=s.choice("match", ("all", "any"), "all"),
        account=s.text("account", ""),
        from_=tuple(x.lower() for x in s.strings("from", [])),
        to=tuple(x.lower() for x in s.strings("to", [])),
        subject=s.strings("subject", []),
        body=s.strings("body", []),
        header=tuple(headers),
        keywords=s.strings("keywords", []),
        keywords_match=s.choice("keywords_match", ("all", "any"), "any"),
        set_status=status,
        assign=s.text("assign", ""),
        tags=s.strings("tags", []),
        category=s.text("category", ""),
        spam=s.flag("spam", False),
        notify=s.flag("notify", True),
        stop=s.flag("stop", False),
    )
    s.done()
    return rule


def _spam(s: Section) -> c.SpamConfig:
    spam = c.SpamConfig(
        honour_headers=s.flag("honour_headers", True),
        block=tuple(x.lower() for x in s.strings("block", [])),
    )
    s.done()
    return spam


def _orders(s: Section) -> c.OrdersConfig:
    patterns = s.strings("patterns", [])
    for pattern in patterns:
        s.convert("patterns", pattern, _compile)
    url = s.text("url", "")
    if url and "{order_id}" not in url:
        raise s.error("url", "must contain {order_id}")
    orders = c.OrdersConfig(
        patterns=patterns,
        url=url,
        command=s.text("command", ""),
        timeout=s.integer("timeout", 10, low=1, high=120),
    )
    s.done()
    return orders


def _ui(s: Section) -> c.UiConfig:
    keymap = s.table("keymap")
    pairs = tuple((key, keymap.text(key)) for key in sorted(keymap.data))
    keymap.done()
    ui = c.UiConfig(
        color_system=s.choice(
            "color_system", ("auto", "standard", "256", "truecolor", "none"), "auto"
        ),
        mouse=s.flag("mouse", True),
        animations=s.flag("animations", False),
        keymap=pairs,
    )
    s.done()
    return ui


def _parse_days(text: str) -> tuple[int, ...]:
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in c.DAYS or (last and last not in c.DAYS):
            raise ValueError(
                f'expected days such as "mon-fri" or "mon,wed,sat", got {text!r}'
            )
        a = c.DAYS.index(first)
        b = c.DAYS.index(last) if last else a
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return tuple(sorted(days))


def _parse_time(text: str) -> time:
    match = _TIME.match(text)
    if not match:
        raise ValueError(f'expected a time such as "09:00", got {text!r}')
    return time(int(match.group(1)), int(match.group(2)))


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise ValueError(f"not a valid regular expression {pattern!r}: {e}") from e


def _unique(root: Section, table: str, values: list[str], key: str) -> None:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            section = root.tables(table)[index]
            raise section.error(key, f"duplicate {key} {value!r}")
        seen.add(value)


def _check_rule_targets(root: Section, config: c.Config) -> None:
    logins = {s.login for s in config.staff}
    accounts = {a.name for a in config.accounts}
    for index, rule in enumerate(config.rules):
        section = root.tables("rule")[index]
        if rule.assign and rule.assign not in logins:
            raise section.error("assign", f"no [[staff]] with login {rule.assign!r}")
        if rule.account and rule.account not in accounts:
            raise section.error("account", f"no [[account]] named {rule.account!r}")
