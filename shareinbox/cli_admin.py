"""Set-up commands: `init`, `doctor`, `password set`."""

from __future__ import annotations

import argparse
import functools
import getpass
import os
import smtplib
import socket
import ssl
import stat
import sys
from pathlib import Path

from shareinbox import paths, secrets
from shareinbox.config import AccountConfig, Config, find_config_path, load_config
from shareinbox.errors import AuthError, ConfigError, ShareinboxError
from shareinbox.skeleton import render_skeleton
from shareinbox.store.db import Store
from shareinbox.sync.routes import relay_name


def run_init(args: argparse.Namespace) -> int:
    """Write a config skeleton (unless one exists) and create the database."""
    path = find_config_path(args.config)
    if path.exists() and not args.force:
        print(f"config: {path} exists, left as it is")
    else:
        data_dir = Path(args.data_dir) if args.data_dir else paths.default_data_dir()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            render_skeleton(data_dir.expanduser().absolute()), encoding="utf-8"
        )
        print(f"config: wrote {path}")
    config = load_config(path)
    data_dir = config.server.data_dir
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(data_dir, 0o700)
    db_path = paths.database_file(data_dir)
    existed = db_path.exists()
    Store(db_path).close()
    print(f"database: {db_path} {'already up to date' if existed else 'created'}")
    return 0


def run_password(args: argparse.Namespace) -> int:
    """`password set ACCOUNT[.RELAY]`: read a password without echo and store it."""
    config = load_config(args.config)
    _check_password_key(config, args.account)
    if not secrets.keyring_usable():
        raise AuthError(
            secrets.HEADLESS_HINT.format(env=secrets.env_var_name(args.account)[20:])
        )
    password = getpass.getpass(f"Password for {args.account}: ")
    if not password:
        print("shareinbox: empty password, nothing stored", file=sys.stderr)
        return 1
    secrets.set_password(args.account, password)
    print(f"stored the password of {args.account} in the keyring")
    return 0


def _check_password_key(config: Config, key: str) -> None:
    """An account name, or ``account.relay`` for a relay's own login."""
    try:
        config.account(key)
        return
    except ConfigError:
        name, _, relay = key.rpartition(".")
        if not name:
            raise
    account = config.account(name)
    relays = [relay_name(account, i) for i in range(len(account.relays))]
    if relay not in relays:
        raise ConfigError(
            f"account {name!r} has no relay named {relay!r} "
            f"(its relays: {', '.join(relays) or 'none'})"
        )


class _Report:
    def __init__(self) -> None:
        self.problems = 0

    def ok(self, what: str) -> None:
        print(f"  ok    {what}")

    def bad(self, what: str, fix: str) -> None:
        self.problems += 1
        print(f"  FAIL  {what}\n        -> {fix}")


def run_doctor(args: argparse.Namespace) -> int:
    """Check everything a working installation needs; exit 1 on any problem."""
    report = _Report()
    print("config")
    try:
        config = load_config(args.config)
    except ShareinboxError as e:
        report.bad(e.message, "fix the file, then run `shareinbox doctor` again")
        return 1
    report.ok(
        f"{config.path}: {len(config.accounts)} account(s), {len(config.staff)} staff"
    )
    _check_data_dir(config, report)
    for account in config.accounts:
        print(f"account {account.name}")
        _check_account(account, report)
    _check_socket(config, report)
    print(
        "no problems found" if not report.problems else f"{report.problems} problem(s)"
    )
    return 0 if not report.problems else 1


def _check_data_dir(config: Config, report: _Report) -> None:
    print("data dir")
    data_dir = config.server.data_dir
    if not data_dir.is_dir():
        report.bad(f"{data_dir} does not exist", "run `shareinbox init`")
        return
    mode = stat.S_IMODE(data_dir.stat().st_mode)
    if mode & 0o077:
        report.bad(f"{data_dir} is mode {mode:o}", f"chmod 700 {data_dir}")
    else:
        report.ok(f"{data_dir} (mode {mode:o})")
    db = paths.database_file(data_dir)
    if not db.exists():
        report.bad(f"{db} does not exist", "run `shareinbox init`")
    elif stat.S_IMODE(db.stat().st_mode) & 0o077:
        report.bad(f"{db} is readable by others", f"chmod 600 {db}")
    else:
        report.ok(f"{db} (mode 600)")


def _check_account(account: AccountConfig, report: _Report) -> None:
    try:
        password = secrets.get_password(account.name, account.password_command)
    except AuthError as e:
        report.bad(e.message, "see README, 'Passwords'")
        return
    report.ok("password found")
    from shareinbox.sync.connect import imap_connect

    try:
        client = imap_connect(account.imap, password, timeout=15)
    except ShareinboxError as e:
        report.bad(f"IMAP: {e.message}", "check imap.host, port, security and username")
    else:
        caps = sorted(
            c.decode() if isinstance(c, bytes) else str(c)
            for c in client.capabilities()
        )
        client.logout()
        report.ok(f"IMAP login at {account.imap.host}:{account.imap.port}")
        print(f"        capabilities: {' '.join(caps)}")
    try:
        _smtp_login(account, password)
    except (OSError, smtplib.SMTPException) as e:
        report.bad(
            f"SMTP {account.smtp.host}:{account.smtp.port}: {type(e).__name__}: {e}",
            "check smtp.host, port, security and username",
        )
    else:
        report.ok(f"SMTP login at {account.smtp.host}:{account.smtp.port}")
    for index in range(len(account.relays)):
        _check_relay(account, index, report)


def _check_relay(account: AccountConfig, index: int, report: _Report) -> None:
    """Log in to a mall relay with its own password source."""
    from shareinbox.sync.smtp import SmtpTransport

    relay, name = account.relays[index], relay_name(account, index)
    key = f"{account.name}.{name}"
    where = f"{relay.smtp.host}:{relay.smtp.port}"
    password = functools.partial(secrets.get_password, key, relay.smtp.password_command)
    try:
        SmtpTransport(relay.smtp, password, timeout=15).check()
    except ShareinboxError as e:
        report.bad(
            f"relay {name}: {e.message}",
            f"check the relay's smtp settings and its password ({key})",
        )
    else:
        report.ok(f"relay {name}: SMTP login at {where}")


def _smtp_login(account: AccountConfig, password: str) -> None:
    cfg = account.smtp
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if cfg.security == "tls":
        smtp = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=15, context=context)
    else:
        smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=15)
    with smtp:
        smtp.ehlo()
        if cfg.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if cfg.username:
            smtp.login(cfg.username, password)


def _check_socket(config: Config, report: _Report) -> None:
    print("daemon")
    path = config.server.socket
    if not path.exists():
        report.bad(f"no socket at {path}", "start the daemon: `shareinbox daemon`")
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        try:
            sock.connect(str(path))
        except OSError as e:
            report.bad(
                f"cannot connect to {path}: {e.strerror}", "is the daemon running?"
            )
            return
    report.ok(f"daemon answers on {path}")
