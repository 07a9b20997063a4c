"""The account's Sent folder: is a Message-ID there, and filing a copy.

Each call opens its own short IMAP session (sending is rare next to
syncing, and the sync worker's connection is busy with IDLE). The folder is
created when missing. Searching by Message-ID is how a restarted daemon
tells whether a mail it may have sent already left, and how filing a copy
twice is avoided.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

import imapclient
from imapclient.exceptions import IMAPClientError

from shareinbox.config import AccountConfig
from shareinbox.errors import SyncError
from shareinbox.sync.connect import imap_connect
from shareinbox.sync.imap import CONNECTION_ERRORS

log = logging.getLogger(__name__)


class SentFolder(Protocol):
    """Where an account's sent mail is kept."""

    def contains(self, message_id: str) -> bool:
        """True when a message with this Message-ID is in the folder."""
        ...

    def file(self, raw: bytes, message_id: str) -> bool:
        """Append `raw` unless its Message-ID is there; True if appended."""
        ...


class ImapSentFolder:
    """The Sent folder of an account on its IMAP server.

    Args:
        account: the account (its ``imap`` settings and ``sent_folder``).
        password: returns the account's password.
    """

    def __init__(self, account: AccountConfig, password: Callable[[], str]) -> None:
        self.account = account
        self.folder = account.imap.sent_folder
        self._password = password

    def _search(self, client: imapclient.IMAPClient, message_id: str) -> bool:
        if not client.folder_exists(self.folder):
            return False
        client.select_folder(self.folder, readonly=True)
        return bool(client.search(["HEADER", "Message-ID", message_id]))

    def contains(self, message_id: str) -> bool:
        """See `SentFolder.contains`.

        Raises:
            SyncError: the server could not be asked.
        """
        client = imap_connect(self.account.imap, self._password(), timeout=30)
        try:
            return self._search(client, message_id)
        except (*CONNECTION_ERRORS, IMAPClientError) as e:
            raise SyncError(f"cannot search the {self.folder} folder: {e}") from e
        finally:
            _logout(client)

    def file(self, raw: bytes, message_id: str) -> bool:
        """See `SentFolder.file`.

        Raises:
            SyncError: the server could not be reached or refused the append.
        """
        client = imap_connect(self.account.imap, self._password(), timeout=30)
        try:
            if self._search(client, message_id):
                return False
            if not client.folder_exists(self.folder):
                client.create_folder(self.folder)
            client.append(self.folder, raw, flags=("\\Seen",))
            return True
        except (*CONNECTION_ERRORS, IMAPClientError) as e:
            raise SyncError(f"cannot file the mail in {self.folder}: {e}") from e
        finally:
            _logout(client)


def _logout(client: imapclient.IMAPClient) -> None:
    try:
        client.logout()
    except CONNECTION_ERRORS:
        log.debug("IMAP logout failed; the connection is gone anyway")
