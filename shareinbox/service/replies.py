"""Writing a reply: the draft, its files, the confirmation, submitting it.

A draft belongs to its author and its thread. Saving needs the thread's
reply lock and renews it (the client saves as the person types, so a
dropped SSH session loses nothing and keeps the lock alive while typing).
The first save fills in To/Cc (reply or reply-all), the ``Re:`` subject
and the threading headers from the message answered. Files are uploaded by
the client, which reads them with the staff member's own permissions.
``submit`` sends the reply to approval (staff with ``needs_approval``) or
to the queue, and frees the lock; ``then_status`` is the status the thread
takes once the mail is sent (default: unchanged).
"""

from __future__ import annotations

import base64
import binascii
import sqlite3
from typing import Any

from shareinbox.errors import NotFound, ProtocolError
from shareinbox.service import outbox_views as views
from shareinbox.service.core import Context, operation
from shareinbox.service.locks import free_lock, renew
from shareinbox.store import outbox
from shareinbox.sync import compose, mimeout, presend, routes
from shareinbox.sync.filenames import sanitize_filename
from shareinbox.sync.mailtypes import Address
from shareinbox.sync.parse import parse_message

MAX_BODY = 200_000
MAX_FILE = 15 * 1024 * 1024
MAX_FILES_TOTAL = 18 * 1024 * 1024


def _create(ctx: Context, conn: sqlite3.Connection, thread_id: int) -> sqlite3.Row:
    thread = conn.execute(
        "SELECT t.account_id, a.name FROM thread t JOIN account a"
        " ON a.id = t.account_id WHERE t.id = ?",
        (thread_id,),
    ).fetchone()
    if thread is None:
        raise NotFound(f"no thread with id {thread_id}")
    account = ctx.config.account(thread["name"])
    headers = _reply_headers(conn, thread_id, account.address, reply_all=False)
    draft_id = outbox.insert_draft(
        conn, thread_id=thread_id, account_id=thread["account_id"],
        author=ctx.actor.login, message_id=compose.new_message_id(account.address),
        in_reply_to=headers.in_reply_to, refs=headers.references, now=ctx.now(),
        to_json=_parties_json(headers.to, conn),
        cc_json=_parties_json(headers.cc, conn),
        subject=headers.subject, body="",
    )  # fmt: skip
    row = outbox.get(conn, draft_id)
    assert row is not None
    ctx.audit(conn, "draft.create", target=f"outbox:{draft_id}", thread_id=thread_id)
    views.state_event(ctx, conn, row, "draft", None)
    return row


def _reply_headers(
    conn: sqlite3.Connection, thread_id: int, own: str, *, reply_all: bool
) -> compose.ReplyHeaders:
    found = outbox.original_message(conn, thread_id)
    if found is None:
        return compose.ReplyHeaders((), (), "Re:", None, ())
    parsed = parse_message(bytes(found["raw"]))
    original = compose.Original(
        message_id=parsed.message_id, subject=parsed.subject, from_=parsed.from_,
        reply_to=parsed.reply_to, to=parsed.to, cc=parsed.cc,
        references=parsed.references, in_reply_to=parsed.in_reply_to,
    )  # fmt: skip
    return compose.reply_headers(original, [own], reply_all=reply_all)


def _parties_json(
    parties: tuple[Any, ...], conn: sqlite3.Connection | None = None
) -> str:
    """To/Cc as stored; a nameless address takes its customer's name."""
    items = []
    for party in parties:
        name = party.name
        if not name and conn is not None:
            name = outbox.name_of_address(conn, party.addr)
        items.append({"name": name, "addr": party.addr})
    return outbox.parties_json(items)


def own_draft(
    ctx: Context, conn: sqlite3.Connection, thread_id: int, *, create: bool
) -> sqlite3.Row:
    row = outbox.draft_of(conn, thread_id, ctx.actor.login)
    if row is not None:
        return row
    if not create:
        raise NotFound(f"you have no draft for thread {thread_id}")
    return _create(ctx, conn, thread_id)


@operation("save_draft")
def save_draft(
    ctx: Context,
    thread_id: int,
    body: str | None = None,
    subject: str | None = None,
    to: list[Any] | None = None,
    cc: list[Any] | None = None,
    reply_all: bool | None = None,
    template: str | None = None,
    then_status: str | None = None,
    attachments: list[Any] | None = None,
) -> dict[str, Any]:
    """Create or update the caller's draft for a thread (renews the lock).

    Args:
        body, subject: replace what the draft holds.
        to, cc: replace the recipients (addresses or ``{name, addr}``).
        template: the template used; without a body, the draft's body (and
            subject, if the template has one) is that template rendered for
            this thread.
        reply_all: recompute To/Cc from the answered message (reply or all).
        then_status: open | waiting | done once sent (null: unchanged).
        attachments: ids of the attached files to keep (others are removed).
    """
    if template is not None and body is None:
        body, rendered_subject = _from_template(ctx, thread_id, template)
        subject = subject if subject is not None else rendered_subject or None
    fields = draft_fields(body=body, subject=subject, template=template,
                     then_status=then_status, to=to, cc=cc)  # fmt: skip
    with ctx.store.write() as conn:
        renew(ctx, thread_id)
        row = own_draft(ctx, conn, thread_id, create=True)
        if reply_all is not None and to is None and cc is None:
            headers = _reply_headers(
                conn, thread_id, ctx.config.account(row["account"]).address,
                reply_all=reply_all,
            )  # fmt: skip
            fields["to_json"] = _parties_json(headers.to, conn)
            fields["cc_json"] = _parties_json(headers.cc, conn)
        outbox.update(conn, int(row["id"]), ctx.now(), **fields)
        if attachments is not None:
            keep = {int(a) for a in attachments if isinstance(a, int)}
            for file in outbox.attachments(conn, int(row["id"])):
                if file["id"] not in keep:
                    outbox.remove_attachment(conn, int(row["id"]), int(file["id"]))
        fresh = outbox.get(conn, int(row["id"]))
        assert fresh is not None
        return views.outbox_json(ctx, conn, fresh)


def draft_fields(
    *,
    body: str | None,
    subject: str | None,
    template: str | None = None,
    then_status: str | None = None,
    to: list[Any] | None = None,
    cc: list[Any] | None = None,
) -> dict[str, Any]:
    """The outbox columns a draft edit sets, each checked (ProtocolError)."""
    if body is not None and len(body) > MAX_BODY:
        raise ProtocolError(f"a reply may hold at most {MAX_BODY} characters")
    fields: dict[str, Any] = {"body": body, "template": template}
    if subject is not None:
        fields["subject"] = mimeout.single_line(subject)
    if then_status is not None:
        fields["after_status"] = views.check_then_status(then_status)
    if to is not None:
        fields["to_json"] = outbox.parties_json(views.parse_parties(to, "To"))
    if cc is not None:
        fields["cc_json"] = outbox.parties_json(views.parse_parties(cc, "Cc"))
    return {k: v for k, v in fields.items() if v is not None}


def _from_template(ctx: Context, thread_id: int, name: str) -> tuple[str, str]:
    """(body, subject) of template `name` rendered for a reply to the thread."""
    from shareinbox.reply import render_template
    from shareinbox.service.templates_ops import reply_context, thread_library

    with ctx.store.read() as conn:
        context = reply_context(ctx, conn, thread_id)
        library = thread_library(ctx, conn, thread_id, name)
    rendered = render_template(library, name, context)
    return rendered.body, compose.tidy_subject(rendered.subject)


@operation("get_draft")
def get_draft(ctx: Context, thread_id: int) -> dict[str, Any] | None:
    """The caller's draft for a thread (with a reviewer's comment), or null."""
    with ctx.store.read() as conn:
        row = outbox.draft_of(conn, thread_id, ctx.actor.login)
        return views.outbox_json(ctx, conn, row) if row is not None else None


@operation("attach")
def attach(
    ctx: Context,
    thread_id: int,
    filename: str,
    data_b64: str,
    content_type: str | None = None,
) -> dict[str, Any]:
    """Add a file (read by the client) to the caller's draft; renews the lock."""
    try:
        data = base64.b64decode(data_b64, validate=True)
    except (binascii.Error, ValueError) as e:
        raise ProtocolError("attach: data_b64 is not base64") from e
    name = sanitize_filename(filename, "attachment")
    kind = mimeout.check_content_type(content_type or compose.guess_type(name))
    if len(data) > MAX_FILE:
        raise ProtocolError(
            f"{name} is {len(data) // 1048576} MB; a file may be at most "
            f"{MAX_FILE // 1048576} MB"
        )
    with ctx.store.write() as conn:
        renew(ctx, thread_id)
        row = own_draft(ctx, conn, thread_id, create=True)
        total = sum(a["size"] for a in outbox.attachments(conn, int(row["id"])))
        if total + len(data) > MAX_FILES_TOTAL:
            raise ProtocolError(
                f"the files would add up to more than {MAX_FILES_TOTAL // 1048576} MB,"
                " more than mail servers accept; share a link instead"
            )
        file_id = outbox.add_attachment(conn, int(row["id"]), name, kind, data,
                                        now=ctx.now())  # fmt: skip
        ctx.audit(conn, "draft.attach", target=f"outbox:{row['id']}",
                  thread_id=thread_id, detail={"file": name, "size": len(data)})  # fmt: skip
        fresh = outbox.get(conn, int(row["id"]))
        assert fresh is not None
        return {"attachment_id": file_id, "draft": views.outbox_json(ctx, conn, fresh)}


@operation("discard_draft")
def discard_draft(ctx: Context, thread_id: int) -> dict[str, Any]:
    """Throw the caller's draft away and give back the thread's lock."""
    with ctx.store.write() as conn:
        row = own_draft(ctx, conn, thread_id, create=False)
        outbox.delete(conn, int(row["id"]))
        ctx.audit(conn, "draft.discard", target=f"outbox:{row['id']}",
                  thread_id=thread_id)  # fmt: skip
        views.state_event(ctx, conn, row, "discarded", "draft")
        lock = conn.execute(
            "SELECT locked_by FROM thread WHERE id = ?", (thread_id,)
        ).fetchone()
        if lock is not None and lock[0] == ctx.actor.login:
            free_lock(ctx, conn, thread_id, ctx.actor.login, "cancelled")
        return {"discarded": int(row["id"])}


def _party(address: Address) -> dict[str, str]:
    return {"name": address.name, "addr": address.addr}


def confirmation(
    ctx: Context, conn: sqlite3.Connection, row: sqlite3.Row
) -> dict[str, Any]:
    """What the person confirms: recipients, subject, files, warnings, problems."""
    account = ctx.config.account(row["account"])
    files = outbox.attachments(conn, int(row["id"]))
    problems: list[str] = []
    route = ""
    try:
        route = routes.describe(routes.route_for(account, views.recipients(row)))
    except ProtocolError as e:
        problems.append(e.message)
    customer = outbox.customer_name(conn, int(row["thread_id"]))
    warnings = [
        {"code": f.code, "message": f.message}
        for f in presend.check_reply(row["body"], len(files), customer)
    ]
    for other in outbox.pending_for_thread(conn, int(row["thread_id"])):
        if other["id"] != row["id"]:
            warnings.append({
                "code": "pending_reply",
                "message": f"another reply to this thread is {other['state']} "
                f"(#{other['id']} by {ctx.staff_name(other['author'])})",
            })  # fmt: skip
    return {
        "outbox_id": row["id"],
        "from": _party(views.sender_of(ctx, account, views.recipients(row))),
        "to": outbox.parties(row["to_json"]),
        "cc": outbox.parties(row["cc_json"]),
        "subject": row["subject"],
        "attachments": [{"filename": f["filename"], "size": f["size"]} for f in files],
        "route": route,
        "needs_approval": ctx.actor.needs_approval,
        "warnings": warnings,
        "problems": problems,
    }


@operation("preview_send")
def preview_send(ctx: Context, thread_id: int) -> dict[str, Any]:
    """The confirmation of the caller's draft (see `confirmation`)."""
    with ctx.store.read() as conn:
        return confirmation(ctx, conn, own_draft(ctx, conn, thread_id, create=False))
