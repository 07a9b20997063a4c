"""Looking an order up: the order system's link and the shop's order command.

``[orders] url`` is a link with ``{order_id}``; the id is URL-quoted into
it. ``[orders] command`` is run without a shell, the order id as its last
argument, with ``[orders] timeout``; it prints one JSON object such as::

    {"status": "発送済み", "items": [{"name": "湯呑み", "quantity": 2}],
     "shipping": {"carrier": "ヤマト運輸", "tracking": "1234-5678-9012"}}

Every failure — the command missing, exiting non-zero, too slow, printing
something else — comes back as a `LookupResult` with an error message;
nothing here raises into the caller.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shlex
import signal
import subprocess
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

log = logging.getLogger(__name__)
MAX_OUTPUT = 256 * 1024
MAX_ID = 100
# Look-ups run in the daemon's small operation pool: two at a time at most,
# so slow order systems never hold up the team's other requests.
_RUNNING = threading.BoundedSemaphore(2)


def order_url(template: str, order_id: str) -> str | None:
    """The order system's link for an order (None when no url is set)."""
    if not template:
        return None
    return template.replace("{order_id}", quote(order_id, safe=""))


@dataclass(frozen=True)
class LookupResult:
    """What the order command said, or why it said nothing useful."""

    order_id: str
    ok: bool
    error: str = ""
    status: str = ""
    items: tuple[Any, ...] = ()
    shipping: Any = None

    def as_json(self) -> dict[str, Any]:
        """The result as clients see it."""
        return {
            "order_id": self.order_id,
            "ok": self.ok,
            "error": self.error or None,
            "status": self.status,
            "items": list(self.items),
            "shipping": self.shipping,
        }


def _failed(order_id: str, error: str) -> LookupResult:
    log.info("order lookup failed: %s", error)
    return LookupResult(order_id, False, error=error)


def run_lookup(command: str, order_id: str, timeout: float) -> LookupResult:
    """Run the order command for `order_id` and read its JSON."""
    if not command:
        return _failed(order_id, "no [orders] command is configured")
    if (
        not order_id
        or len(order_id) > MAX_ID
        or not order_id.isprintable()
        or order_id.startswith("-")  # never an option of the command
    ):
        return _failed(order_id, "not an order number")
    try:
        argv = [*shlex.split(command), order_id]
    except ValueError as e:
        return _failed(order_id, f"[orders] command cannot be split: {e}")
    if not _RUNNING.acquire(blocking=False):
        return _failed(order_id, "other order look-ups are running; try again shortly")
    try:
        returncode, stdout, stderr = _run(argv, timeout)
    except subprocess.TimeoutExpired:
        return _failed(order_id, f"the order command took longer than {timeout:g} s")
    except OSError as e:
        return _failed(order_id, f"the order command could not run: {e.strerror or e}")
    finally:
        _RUNNING.release()
    if returncode != 0:
        tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        said = f": {tail[0][:200]}" if tail else ""
        return _failed(order_id, f"the order command failed (exit {returncode}){said}")
    return parse_output(order_id, stdout)


def _run(argv: list[str], timeout: float) -> tuple[int, bytes, bytes]:
    """Run `argv` in its own process group; on timeout kill the whole group.

    Killing only the command would leave a child of it (a shell script's
    ``curl``) holding the pipes open, and the wait would never end.
    """
    process = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return process.returncode, stdout, stderr


def parse_output(order_id: str, output: bytes) -> LookupResult:
    """Validate the command's output: one JSON object (see the module docstring)."""
    if len(output) > MAX_OUTPUT:
        return _failed(
            order_id, f"the order command printed more than {MAX_OUTPUT} bytes"
        )
    try:
        data = json.loads(output.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        return _failed(order_id, f"the order command did not print JSON: {e}")
    if not isinstance(data, dict):
        return _failed(order_id, "the order command printed JSON but not an object")
    status, items = data.get("status", ""), data.get("items", [])
    if not isinstance(status, str):
        return _failed(order_id, "the order command's status is not a string")
    if not isinstance(items, list):
        return _failed(order_id, "the order command's items are not a list")
    shipping = data.get("shipping")
    if shipping is not None and not isinstance(shipping, str | dict):
        return _failed(
            order_id, "the order command's shipping is not text or an object"
        )
    return LookupResult(
        order_id, True, status=status, items=tuple(items), shipping=shipping
    )
