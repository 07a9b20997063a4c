"""Opening and logging in to an account's IMAP server.

TLS certificates are verified against the system store (``SSL_CERT_FILE`` is
honoured, which is how tests trust their self-signed certificate). Errors come
back as `SyncError`/`AuthError` that say what failed and never include the
password.
"""

from __future__ import annotations

import socket
import ssl

import imapclient
from imapclient.exceptions import IMAPClientError, LoginError

from shareinbox.config import ImapConfig
from shareinbox.errors import AuthError, SyncError


def imap_connect(
    cfg: ImapConfig, password: str, *, timeout: float = 30.0
) -> imapclient.IMAPClient:
    """Connect, secure and log in; return the logged-in client.

    Raises:
        AuthError: the server refused the login.
        SyncError: the server could not be reached or TLS failed.
    """
    where = f"{cfg.host}:{cfg.port}"
    context = ssl.create_default_context()
    try:
        client = imapclient.IMAPClient(
            cfg.host,
            port=cfg.port,
            ssl=cfg.security == "tls",
            ssl_context=context,
            timeout=timeout,
        )
        if cfg.security == "starttls":
            client.starttls(context)
    except ssl.SSLError as e:
        raise SyncError(
            f"TLS with {where} failed: {e.reason or e}", title="TLS error"
        ) from e
    except (OSError, IMAPClientError) as e:
        raise SyncError(
            f"cannot reach IMAP server {where}: {_why(e)}", title="Unreachable"
        ) from e
    try:
        client.login(cfg.username, password)
    except LoginError as e:
        _close(client)
        raise AuthError(
            f"IMAP server {where} refused the login of {cfg.username!r}; check the "
            "username and the password source",
            title="Login refused",
        ) from e
    except (OSError, IMAPClientError) as e:
        _close(client)
        raise SyncError(f"IMAP login at {where} failed: {_why(e)}") from e
    return client


def _why(error: BaseException) -> str:
    if isinstance(error, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return "unknown host"
    return str(error) or type(error).__name__


def _close(client: imapclient.IMAPClient) -> None:
    try:
        client.shutdown()
    except (OSError, IMAPClientError):
        pass
