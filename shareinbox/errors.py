"""The error types of shareinbox: one base class and one subclass per domain.

Every message is written for the person who sees it: it says what happened and,
where possible, what to do about it. No message ever contains a password.
"""

from __future__ import annotations


class ShareinboxError(Exception):
    """Base class of every error shareinbox raises on purpose.

    Attributes:
        exit_code: the process exit code the CLI uses for this error.
    """

    exit_code = 1

    def __init__(self, message: str, *, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.title = title or type(self).__name__


class ConfigError(ShareinboxError):
    """The configuration file is missing, unreadable or wrong."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.key = key
        prefix = ""
        if path:
            prefix = path if line is None else f"{path}:{line}"
        if key:
            prefix = f"{prefix}: key '{key}'" if prefix else f"key '{key}'"
        super().__init__(f"{prefix}: {message}" if prefix else message)


class AuthError(ShareinboxError):
    """A login was refused or no password could be found."""


class SyncError(ShareinboxError):
    """Talking to a mail server failed."""


class StoreError(ShareinboxError):
    """The database could not be opened, migrated or written."""


class ProtocolError(ShareinboxError):
    """The daemon and a client disagreed about the socket protocol."""


class PermissionDenied(ShareinboxError):
    """The acting staff member may not do this."""


class NotFound(ShareinboxError):
    """The thread, message or other object asked for does not exist."""


class Conflict(ShareinboxError):
    """Someone else got there first: a lock is held, a reply already approved."""

    exit_code = 3


class TemplateError(ShareinboxError):
    """A reply template could not be loaded or rendered."""


class DaemonUnavailable(ShareinboxError):
    """The daemon is not running or its socket cannot be reached."""
