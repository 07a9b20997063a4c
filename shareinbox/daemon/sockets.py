"""The listening socket: where it lives, who may open it, cleaning it up.

The socket is mode 0660 and group-owned by ``[server] group`` (when that
group exists), so only the daemon's user and the support group can connect;
who a connection then acts as comes from the peer credentials.
"""

from __future__ import annotations

import asyncio
import contextlib
import grp
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path

from shareinbox.config import Config
from shareinbox.daemon import protocol
from shareinbox.errors import StoreError

log = logging.getLogger(__name__)

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def _in_use(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


async def bind_socket(config: Config, handler: Handler) -> asyncio.AbstractServer:
    """Listen on the configured socket with the right mode and group.

    Raises:
        StoreError: another process answers on the socket already.
    """
    path = config.server.socket
    if not path.parent.exists():
        # Made here (no systemd RuntimeDirectory): the group must reach it.
        path.parent.mkdir(parents=True, mode=0o750)
        os.chmod(path.parent, 0o750)
        _set_group(path.parent, config.server.group)
    elif config.server.group and path.parent == config.server.data_dir:
        log.warning(
            "the socket %s is inside the private data dir: only the daemon's user "
            "can reach it; set [server] socket to e.g. /run/shareinbox/shareinbox.sock",
            path,
        )
    if path.exists() or path.is_symlink():
        if _in_use(path):
            raise StoreError(
                f"another daemon answers on {path}; stop it first or set a "
                "different [server] socket"
            )
        path.unlink()
    server = await asyncio.start_unix_server(
        handler, str(path), limit=protocol.MAX_LINE
    )
    os.chmod(path, 0o660)
    _set_group(path, config.server.group)
    return server


def _set_group(path: Path, group: str) -> None:
    if not group:
        return
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        log.warning(
            "group %r does not exist: %s stays in the daemon's group", group, path
        )
        return
    try:
        os.chown(path, -1, gid)
    except PermissionError:
        log.warning(
            "cannot give %s to group %r: the daemon's user is not in it", path, group
        )


def remove_socket(path: Path) -> None:
    """Remove the socket file (gone already is fine)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
