"""Handing a message to an SMTP server (or, in the demo, to a directory).

`SmtpTransport` speaks SMTP over implicit TLS, STARTTLS or (loopback only)
plain TCP, logs in when the config names a username, and splits DATA so the
caller can record "the server may now have the mail" durably *before* the
final dot is sent (``before_commit``): a daemon killed at any point then
knows on restart whether the mail can have left. Errors come back as
`SendError`: ``temporary`` (4xx, connection refused, timeouts: retry later),
permanent (5xx, TLS or login failure: a person must act), or ``uncertain``
(the connection broke after the final dot, before the answer).
`FileTransport` writes ``.eml`` files instead (the demo mode).
"""

from __future__ import annotations

import os
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from shareinbox.config import SmtpConfig
from shareinbox.errors import SyncError

_LEADING_DOT = re.compile(rb"(?m)^\.")


class SendError(SyncError):
    """The server did not take the mail.

    Attributes:
        temporary: trying again later may work (4xx, server unreachable).
        uncertain: the connection broke after the mail was complete; the
            server may have taken it.
    """

    def __init__(
        self, message: str, *, temporary: bool, uncertain: bool = False
    ) -> None:
        super().__init__(message, title="Sending failed")
        self.temporary = temporary
        self.uncertain = uncertain


@dataclass(frozen=True)
class Delivery:
    """The server took the mail: its answer, and recipients it refused."""

    reply: str
    refused: dict[str, str] = field(default_factory=dict)


class Transport(Protocol):
    """Something that hands a message to the world."""

    def send(
        self,
        sender: str,
        recipients: Sequence[str],
        raw: bytes,
        *,
        before_commit: Callable[[], None],
    ) -> Delivery:
        """Send `raw`; call `before_commit` just before the mail is complete.

        Raises:
            SendError: it was not sent (or may not have been: ``uncertain``).
        """
        ...


def _answer(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}"[:300]


def _by_code(where: str, code: int, text: bytes | str) -> SendError:
    return SendError(
        f"{where} answered {_answer(code, text)}", temporary=400 <= code < 500
    )


class SmtpTransport:
    """SMTP submission with the account's (or a relay's) settings.

    Args:
        cfg: host, port, security and username.
        password: returns the password (called only when a username is set).
        timeout: seconds for connecting and for each answer.
    """

    def __init__(
        self,
        cfg: SmtpConfig,
        password: Callable[[], str] | None = None,
        *,
        timeout: float = 60.0,
    ) -> None:
        self.cfg = cfg
        self._password = password
        self.timeout = timeout
        self.where = f"SMTP server {cfg.host}:{cfg.port}"

    def send(
        self,
        sender: str,
        recipients: Sequence[str],
        raw: bytes,
        *,
        before_commit: Callable[[], None],
    ) -> Delivery:
        """See `Transport.send`."""
        client = self._open()
        try:
            return self._transaction(client, sender, recipients, raw, before_commit)
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()

    def check(self) -> None:
        """Connect, secure and log in, then leave (``doctor``).

        Raises:
            SendError: as for `send`.
        """
        client = self._open()
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()

    def _open(self) -> smtplib.SMTP:
        cfg = self.cfg
        try:
            if cfg.security == "tls":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    cfg.host, cfg.port, timeout=self.timeout,
                    context=ssl.create_default_context(),
                )  # fmt: skip
            else:
                client = smtplib.SMTP(cfg.host, cfg.port, timeout=self.timeout)
        except (ssl.SSLError, smtplib.SMTPException, OSError) as e:
            raise self._classify(e) from e
        try:
            self._hello(client)
        except BaseException as e:
            client.close()
            if isinstance(e, ssl.SSLError | smtplib.SMTPException | OSError):
                raise self._classify(e) from e
            raise
        return client

    def _hello(self, client: smtplib.SMTP) -> None:
        client.ehlo()
        if self.cfg.security == "starttls":
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if self.cfg.username:
            self._login(client)

    def _classify(self, error: BaseException) -> SendError:
        """The SendError for a failure while connecting or logging in."""
        if isinstance(error, ssl.SSLError):
            return SendError(
                f"TLS with {self.where} failed: {error.reason or error}; check the "
                "host, port and certificate",
                temporary=False,
            )
        if isinstance(error, smtplib.SMTPNotSupportedError):
            return SendError(
                f"{self.where} does not offer {self.cfg.security.upper()} or AUTH; "
                "check the security setting",
                temporary=False,
            )
        if isinstance(error, smtplib.SMTPResponseException):
            return _by_code(self.where, error.smtp_code, error.smtp_error)
        return SendError(f"cannot reach {self.where}: {_why(error)}", temporary=True)

    def _login(self, client: smtplib.SMTP) -> None:
        password = self._password() if self._password else ""
        try:
            client.login(self.cfg.username, password)
        except smtplib.SMTPAuthenticationError as e:
            if 400 <= e.smtp_code < 500:
                raise _by_code(self.where, e.smtp_code, e.smtp_error) from e
            raise SendError(
                f"{self.where} refused the login of {self.cfg.username!r}; check "
                "the username and the password source",
                temporary=False,
            ) from None

    def _transaction(
        self,
        client: smtplib.SMTP,
        sender: str,
        recipients: Sequence[str],
        raw: bytes,
        before_commit: Callable[[], None],
    ) -> Delivery:
        committed = False
        try:
            code, text = client.mail(sender)
            if code != 250:
                raise _by_code(self.where, code, text)
            refused = self._recipients(client, recipients)
            code, text = client.docmd("DATA")
            if code != 354:
                raise _by_code(self.where, code, text)
            data = _LEADING_DOT.sub(b"..", raw)
            client.send(data if data.endswith(b"\r\n") else data + b"\r\n")
            before_commit()
            committed = True
            client.send(b".\r\n")
            code, text = client.getreply()
        except (smtplib.SMTPException, OSError) as e:
            if committed:
                raise SendError(
                    f"the connection to {self.where} broke after the mail was sent, "
                    f"before its answer: {_why(e)}",
                    temporary=True,
                    uncertain=True,
                ) from e
            raise SendError(
                f"{self.where} failed while sending: {_why(e)}", temporary=True
            ) from e
        if code != 250:
            raise _by_code(self.where, code, text)
        return Delivery(_answer(code, text), refused)

    def _recipients(
        self, client: smtplib.SMTP, recipients: Sequence[str]
    ) -> dict[str, str]:
        refused: dict[str, str] = {}
        worst = 0
        for address in recipients:
            code, text = client.rcpt(address)
            if code not in (250, 251):
                refused[address] = _answer(code, text)
                worst = max(worst, code)
        if len(refused) == len(recipients):
            client.rset()
            listed = "; ".join(f"{a}: {why}" for a, why in refused.items())
            raise SendError(
                f"{self.where} refused every recipient ({listed})",
                temporary=worst < 500,
            )
        return refused


def _why(error: BaseException) -> str:
    if isinstance(error, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused (is the server down?)"
    if isinstance(error, socket.gaierror):
        return "unknown host"
    return str(error) or type(error).__name__


class FileTransport:
    """Writes each message to ``<directory>/<time>-<n>.eml`` (the demo's outbox)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)

    def send(
        self,
        sender: str,
        recipients: Sequence[str],
        raw: bytes,
        *,
        before_commit: Callable[[], None],
    ) -> Delivery:
        """Write the message durably (temporary file, fsync, rename)."""
        name = f"{time.time_ns()}-{os.getpid()}.eml"
        temporary = self.directory / f".{name}.tmp"
        with open(temporary, "wb") as out:
            out.write(raw)
            out.flush()
            os.fsync(out.fileno())
        before_commit()
        os.replace(temporary, self.directory / name)
        return Delivery(f"250 written to {name}")
