"""The one place that touches mail passwords.

A password is looked up, in order, from the account's ``password_command``
(its standard output, first line), the system keyring (service "shareinbox",
key = account name), and the environment variable
``SHAREINBOX_PASSWORD_<ACCOUNT>`` (account name upper-cased, non-alphanumerics
as ``_``). A password never reaches a log line, an exception message or the TUI:
errors say where we looked, never what we found.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
import subprocess

from shareinbox.errors import AuthError

log = logging.getLogger(__name__)
SERVICE = "shareinbox"
HEADLESS_HINT = (
    "No usable keyring backend was found (normal on a headless server over SSH). "
    "Use `password_command` in the account's config instead, for example "
    '`password_command = "cat /etc/shareinbox/support.pass"` with a file readable '
    "only by the daemon's user (chmod 600), or `pass show shop/support`; or set "
    "SHAREINBOX_PASSWORD_{env} in the daemon's environment (e.g. a systemd "
    "EnvironmentFile readable only by root)."
)


def env_var_name(account: str) -> str:
    """The environment variable that may hold the password of `account`."""
    return "SHAREINBOX_PASSWORD_" + re.sub(r"[^A-Za-z0-9]", "_", account).upper()


def get_password(account: str, password_command: str = "") -> str:
    """Find the password of `account`.

    Raises:
        AuthError: no source had a password (the message lists the sources).
    """
    if password_command:
        return _from_command(account, password_command)
    found = _from_keyring(account)
    if found:
        return found
    env = os.environ.get(env_var_name(account))
    if env:
        return env
    raise AuthError(
        f"no password for account {account!r}: set password_command in the config, "
        f"run `shareinbox password set {account}`, or set {env_var_name(account)}",
        title="No password",
    )


def _from_command(account: str, command: str) -> str:
    try:
        result = subprocess.run(
            shlex.split(command),
            capture_output=True,
            timeout=30,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as e:
        raise AuthError(
            f"password_command of account {account!r} could not run: {type(e).__name__}"
        ) from None
    if result.returncode != 0:
        raise AuthError(
            f"password_command of account {account!r} exited with "
            f"status {result.returncode}"
        )
    lines = result.stdout.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise AuthError(f"password_command of account {account!r} printed nothing")
    return lines[0]


def keyring_usable() -> bool:
    """True when a real keyring backend (not the fail/null one) is configured."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception:
        log.warning("keyring could not be loaded", exc_info=True)
        return False
    name = type(backend).__module__ + "." + type(backend).__name__
    return not isinstance(backend, fail.Keyring) and "null" not in name.lower()


def _from_keyring(account: str) -> str | None:
    if not keyring_usable():
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, account)
    except KeyringError:
        log.warning("keyring lookup failed for account %s", account, exc_info=False)
        return None


def set_password(account: str, password: str) -> None:
    """Store a password in the keyring.

    Raises:
        AuthError: there is no usable keyring backend (the message says what to
            use instead) or the backend refused.
    """
    if not keyring_usable():
        raise AuthError(HEADLESS_HINT.format(env=env_var_name(account)[20:]))
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, account, password)
    except KeyringError as e:
        raise AuthError(
            f"the keyring refused to store the password: {type(e).__name__}. "
            + HEADLESS_HINT.format(env=env_var_name(account)[20:])
        ) from None
