"""The socket protocol between the daemon and its clients (version 1).

One JSON object per line, UTF-8, in both directions.

1. The client opens the socket and sends
   ``{"type": "hello", "version": 1, "client": "tui" | "cli", "as": null | "login"}``
   (``as`` is honoured only for a root peer).
2. The daemon answers ``{"type": "welcome", "version": 1, "staff": {login, name,
   role, needs_approval}, "last_seq": N}`` or ``{"type": "refused", "message": ...}``
   and closes.
3. Requests: ``{"type": "request", "id": 7, "op": "claim", "args": {...}}``; each
   gets exactly one reply: ``{"type": "reply", "id": 7, "ok": true, "result": ...}``
   or ``{"type": "reply", "id": 7, "ok": false, "error": {"kind": "Conflict",
   "title": ..., "message": ...}}``.
4. Events: ``{"type": "event", "seq": 123 | null, "kind": "thread.status",
   "thread_id": 3, "actor": "tanaka", "at": 1763800000.0, "data": {...}}``, pushed
   after the client sent the ``subscribe`` request (args ``{"since": seq}``: the
   daemon first replays the stored events after ``seq``). ``seq`` is null for
   passing events that are not stored (presence).

Operations (``op``: args -> result; see `shareinbox.service` for each one):

- ``whoami {}`` -> staff; ``subscribe {since}`` -> ``{"last_seq"}``;
  ``view_counts {}`` -> ``{view: count}``
- ``list_threads {view="all", limit=100, cursor=null, offset=null, status=null,
  assignee=null, account=null}`` -> ``{"threads": [Thread], "next": cursor|null,
  "total": n}``; views: all new open waiting done spam mine unassigned overdue
  due_today ``account:NAME`` ``tag:TAG``; cursor = ``[last_message_ts, id]``;
  ``thread_position {thread_id, view="all"}`` -> ``{"position": n|null}``
- ``show_thread {thread_id}`` -> ``{thread, messages, notes, memos, events,
  orders, outbox}`` (audited as a view)
- ``claim {thread_id}``, ``renew {thread_id}``, ``release {thread_id,
  force=false}``, ``assign {thread_id, login|null}``, ``set_status {thread_id,
  status, reason=null, until=null}``, ``add_note {thread_id, text}``,
  ``add_memo {text, thread_id=null, customer_id=null, phone="", direction="in",
  called_at=null}`` -> the changed Thread (memo/note: their row)
- ``search {query, limit=100}`` -> ``{"threads": [Thread]}``
- ``customer_history {address=null, customer_id=null}`` -> ``{customer,
  addresses, threads, timeline}``; ``merge_customers {address, into_address}``
- ``audit_list {actor, thread_id, since, until, limit}``, ``audit_verify {}``
- ``set_presence {thread_id|null}``, ``get_attachment {message_id, index}`` ->
  ``{filename, content_type, size, data_b64}``, ``account_status {}``
- Replies (`shareinbox.service.replies`, `.review`): ``save_draft {thread_id,
  body, subject, to, cc, reply_all, template, then_status, attachments}``
  (needs and renews the lock) -> Outbox; ``get_draft {thread_id}`` ->
  Outbox|null; ``attach {thread_id, filename, data_b64, content_type}`` ->
  ``{attachment_id, draft}``; ``discard_draft {thread_id}``; ``preview_send
  {thread_id}`` -> ``{outbox_id, from, to, cc, subject, attachments, route,
  needs_approval, warnings: [{code, message}], problems: [str]}``; ``submit
  {thread_id, then_status}`` -> Outbox + ``warnings``; ``list_outbox {state,
  limit}`` -> ``{outbox, counts}``; ``get_outbox {outbox_id}``; ``approve
  {outbox_id, body}`` and ``reject {outbox_id, reason}`` (supervisors);
  ``retry {outbox_id}``, ``edit_failed {outbox_id}``, ``withdraw
  {outbox_id}`` (author or supervisor)

Event kinds: ``thread.new``, ``message.new``, ``thread.status``,
``thread.assigned``, ``thread.lock``, ``thread.note``, ``thread.memo``,
``customer.merged``, ``outbox.state`` (``{outbox_id, state, previous, author,
subject}``; state ``discarded`` for a thrown-away draft), ``approval.requested``
(``{outbox_id, author, subject}``), ``approval.decided`` (``{outbox_id,
decision: approved|rejected, by, author, reason|edited}``), ``account.error``, ``account.ok`` (stored, with a seq)
and, not stored (seq null): ``presence`` (``{"thread_id", "viewers": [login]}``)
and ``resync`` (``{"last_seq"}``: the client was too far behind, or ahead of
this database; it reloads what it shows instead of replaying).

Short operations (claim, renew, release, assign, set_status, set_presence,
whoami) run on the daemon's event loop when nobody is writing; the others
run in a thread pool. A client may have up to 16 requests in flight per
connection; replies may come back in any order (match them by ``id``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from shareinbox.errors import PermissionDenied, ProtocolError, ShareinboxError

VERSION = 1
MAX_LINE = 64 * 1024 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")


def encode(message: dict[str, Any]) -> bytes:
    """One message as a JSON line.

    A lone surrogate (an undecodable byte of a command-line argument, or an
    error message quoting one) becomes U+FFFD: UTF-8 cannot carry it, and a
    request must fail with a clear answer, not an encoding traceback.
    """
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode() + b"\n"
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text).encode() + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    """Parse one line; ProtocolError when it is not a JSON object with a type."""
    try:
        message = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        # RecursionError: "[[[[..." nested deeper than Python's stack
        raise ProtocolError(f"not a JSON line: {e}") from e
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ProtocolError("a message must be a JSON object with a 'type'")
    return message


def error_payload(error: ShareinboxError) -> dict[str, str]:
    """The ``error`` member of a failed reply."""
    from shareinbox import errors

    # A subclass defined elsewhere travels as its nearest shareinbox.errors
    # class, so the client keeps the exit code (3 for a Conflict).
    kind = next(
        cls.__name__
        for cls in type(error).__mro__
        if getattr(errors, cls.__name__, None) is cls
    )
    return {
        "kind": kind,
        "title": error.title,
        "message": error.message,
    }


def error_from_payload(payload: dict[str, Any]) -> ShareinboxError:
    """Rebuild the ShareinboxError subclass named in a failed reply."""
    from shareinbox import errors

    kind = getattr(errors, str(payload.get("kind", "")), None)
    cls = (
        kind
        if isinstance(kind, type) and issubclass(kind, ShareinboxError)
        else ShareinboxError
    )
    message = str(payload.get("message", "unknown error"))
    if cls is errors.ConfigError:
        return errors.ConfigError(message)
    error = cls.__new__(cls)
    ShareinboxError.__init__(error, message, title=str(payload.get("title") or ""))
    return error


def hello(as_login: str | None, client: str) -> dict[str, Any]:
    """The first message of a client."""
    return {"type": "hello", "version": VERSION, "client": client, "as": as_login}


def welcome_of(message: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """(staff, last_seq) from the daemon's answer to hello, or raise.

    Raises:
        PermissionDenied: the daemon refused the connection (its message says why).
        ProtocolError: not a welcome, or another protocol version.
    """
    if message.get("type") == "refused":
        raise PermissionDenied(
            str(message.get("message", "refused")), title="Not allowed"
        )
    if message.get("type") != "welcome" or not isinstance(message.get("staff"), dict):
        raise ProtocolError(f"unexpected answer to hello: {message.get('type')!r}")
    if message.get("version") != VERSION:
        raise ProtocolError(
            f"the daemon speaks protocol {message.get('version')}, this client "
            f"{VERSION}: restart the daemon after an upgrade"
        )
    return message["staff"], int(message.get("last_seq") or 0)


def result_of(reply: dict[str, Any]) -> Any:
    """The result of a reply, or the error it carries raised."""
    if reply.get("ok"):
        return reply.get("result")
    error = reply.get("error")
    raise error_from_payload(error if isinstance(error, dict) else {})
