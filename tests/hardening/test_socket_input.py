"""Garbage on the daemon's socket gets an answer, and the daemon keeps serving."""

from __future__ import annotations

import json
import socket

import pytest

from shareinbox.daemon import protocol
from shareinbox.errors import ProtocolError
from tests.daemon.harness import InProcessDaemon

NESTED = b"[" * 200_000 + b"\n"


def test_deeply_nested_json_is_a_protocol_error() -> None:
    """json.loads raised RecursionError, which nothing on the socket caught."""
    with pytest.raises(ProtocolError, match="not a JSON line"):
        protocol.decode(NESTED)


@pytest.mark.parametrize(
    "line",
    [NESTED, b"\xff\xfe\n", b"{\n", b'"just a string"\n', b'{"type": 1}\n'],
    ids=["nested", "not-utf8", "cut", "string", "bad-type"],
)
def test_garbage_as_hello_is_refused_and_the_daemon_serves_on(
    daemon: InProcessDaemon, line: bytes
) -> None:
    with socket.socket(socket.AF_UNIX) as raw:
        raw.settimeout(10)
        raw.connect(str(daemon.socket))
        raw.sendall(line)
        answer = raw.makefile("rb").readline()
    assert json.loads(answer)["type"] == "refused"
    with daemon.client("tanaka") as client:
        assert client.call("list_threads", view="all")["threads"] == []
