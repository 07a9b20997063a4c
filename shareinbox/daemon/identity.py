"""Who is on the other end of a connection: the kernel says, not the client.

The peer's uid comes from ``SO_PEERCRED`` on the accepted socket; the uid's
login (``pwd``) must be a ``[[staff]]`` entry. Only a root peer may ask to act
as another staff login (``as`` in hello): tests and admin repair.
"""

from __future__ import annotations

import pwd
import socket
import struct
from dataclasses import dataclass

from shareinbox.config import Config
from shareinbox.errors import PermissionDenied
from shareinbox.service.core import Actor

_UCRED = struct.Struct("3i")


@dataclass(frozen=True)
class Peer:
    """The process at the other end of a Unix socket."""

    pid: int
    uid: int
    gid: int


def peer_of(sock: socket.socket) -> Peer:
    """The peer credentials of a connected Unix socket (Linux SO_PEERCRED)."""
    raw = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _UCRED.size)
    pid, uid, gid = _UCRED.unpack(raw)
    return Peer(pid, uid, gid)


def login_of(uid: int) -> str | None:
    """The login name of a uid, or None when the uid has no passwd entry."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return None


def identify(config: Config, peer: Peer, requested_as: str | None) -> Actor:
    """The staff member a peer acts as.

    Raises:
        PermissionDenied: the login is not in [[staff]], or a non-root peer
            asked to act as someone else; the message says who to ask.
    """
    login = login_of(peer.uid)
    if login is None:
        raise PermissionDenied(
            f"uid {peer.uid} has no login name; ask an admin to give it one and "
            f"add it to [[staff]] in {config.path}"
        )
    via = ""
    if requested_as and requested_as != login:
        if peer.uid != 0:
            raise PermissionDenied(
                f"only root may act as another staff member; {login} asked to act "
                f"as {requested_as}"
            )
        login, via = requested_as, login
    staff = config.staff_by_login(login)
    if staff is None:
        raise PermissionDenied(
            f"{login} is not a staff member of this shared inbox: ask an admin to "
            f"add you to [[staff]] in {config.path}"
        )
    return Actor.from_staff(staff, via=via)
