"""The reply commands of the CLI: reply, outbox, approve, reject, retry, withdraw.

``reply`` claims the thread, saves the draft in the daemon (from a template
or a file), attaches files (read here, with the caller's own permissions),
prints the confirmation (recipients, subject, files, warnings) and, with
``--send``, submits it: to approval for staff who need it, else to the
queue. Warnings stop ``--send`` unless confirmed (a terminal asks) or
``--yes`` is given. A lock held by someone else or a reply already decided
exits with 3.
"""

from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path
from typing import Any

from shareinbox import cli_output as out
from shareinbox.client import SyncClient
from shareinbox.config import load_config
from shareinbox.errors import ShareinboxError
from shareinbox.text import clean, one_line

STATES = ("draft", "awaiting_approval", "queued", "sending", "sent", "failed")


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    """The arguments of reply command `name`."""
    if name == "reply":
        parser.add_argument("thread", type=int)
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--template", help="render this reply template")
        source.add_argument("--body-file", help="the reply text; - reads stdin")
        parser.add_argument("--subject", help="replace the subject")
        parser.add_argument("--all", action="store_true", help="reply to all")
        parser.add_argument(
            "--attach", action="append", default=[], metavar="FILE", help="attach"
        )
        parser.add_argument(
            "--then", choices=["open", "waiting", "done"], help="status once sent"
        )
        parser.add_argument("--send", action="store_true", help="submit the reply")
        parser.add_argument(
            "--yes", action="store_true", help="send even with warnings"
        )
    elif name == "outbox":
        parser.add_argument("id", type=int, nargs="?", help="show this reply in full")
        parser.add_argument("--state", choices=STATES)
        parser.add_argument("--limit", type=int, default=50)
    elif name == "approve":
        parser.add_argument("id", type=int)
        parser.add_argument("--body-file", help="the edited text; - reads stdin")
        parser.add_argument("--subject", help="the edited subject")
        for field in ("to", "cc"):
            parser.add_argument(f"--{field}", action="append", metavar="ADDRESS",
                                help=f"the {field.title()} recipients instead (repeat it)")  # fmt: skip
    elif name == "reject":
        parser.add_argument("id", type=int)
        parser.add_argument(
            "--reason", required=True, help="what the author should fix"
        )
    elif name == "withdraw":
        parser.add_argument("id", type=int)
    elif name == "retry":
        parser.add_argument("id", type=int)
        parser.add_argument(
            "--edit", action="store_true", help="make it a draft again instead"
        )


def _client(args: argparse.Namespace) -> SyncClient:
    config = load_config(args.config)
    return SyncClient(config.server.socket, as_login=args.as_login)


def _read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ShareinboxError(f"cannot read {path}: {e}") from e


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise ShareinboxError(f"cannot attach {path}: {e.strerror or e}") from e


def _party(p: dict[str, Any]) -> str:
    return one_line(f"{p['name']} <{p['addr']}>" if p["name"] else p["addr"])


def print_confirmation(preview: dict[str, Any]) -> None:
    """Recipients, subject, files, route, then warnings and problems."""
    print(f"reply {preview['outbox_id']}")
    print(f"  From:    {_party(preview['from'])}")
    print(f"  To:      {', '.join(_party(p) for p in preview['to']) or '(nobody)'}")
    if preview["cc"]:
        print(f"  Cc:      {', '.join(_party(p) for p in preview['cc'])}")
    print(f"  Subject: {one_line(preview['subject'])}")
    for file in preview["attachments"]:
        print(f"  File:    {one_line(file['filename'])} ({file['size']} bytes)")
    if preview["route"]:
        print(f"  Via:     {preview['route']}")
    for warning in preview["warnings"]:
        print(f"  warning: {one_line(warning['message'])}")
    for problem in preview["problems"]:
        print(f"  problem: {one_line(problem)}")


def _confirmed(preview: dict[str, Any], yes: bool) -> bool:
    if not preview["warnings"] or yes:
        return True
    if not sys.stdin.isatty():
        print(
            "not sent: there are warnings; check them, then add --yes", file=sys.stderr
        )
        return False
    answer = input("Send anyway? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def _save(client: SyncClient, args: argparse.Namespace) -> dict[str, Any]:
    draft: dict[str, Any] = {"thread_id": args.thread}
    if args.body_file:
        draft["body"] = _read_text(args.body_file)
    if args.template:
        draft["template"] = args.template
    if args.subject is not None:
        draft["subject"] = args.subject
    if args.all:
        draft["reply_all"] = True
    if args.then:
        draft["then_status"] = args.then
    files = [(Path(p).name, _read_file(p)) for p in args.attach]
    client.call("claim", thread_id=args.thread)
    saved: dict[str, Any] = client.call("save_draft", **draft)
    for name, data in files:
        client.call("attach", thread_id=args.thread, filename=name,
                    data_b64=base64.b64encode(data).decode("ascii"))  # fmt: skip
    return saved


def run_reply(args: argparse.Namespace) -> int:
    """`reply THREAD (--template NAME | --body-file F) [--all] [--attach F]... [--send]`."""
    with _client(args) as client:
        _save(client, args)
        preview = client.call("preview_send", thread_id=args.thread)
        if not args.json:
            print_confirmation(preview)
        if not args.send:
            if args.json:
                out.print_json(preview)
            else:
                print(
                    f"draft saved; send it with: shareinbox reply {args.thread} --send"
                )
            return 0
        if preview["problems"] or not _confirmed(preview, args.yes):
            return 1
        result = client.call("submit", thread_id=args.thread, then_status=args.then)
    if args.json:
        out.print_json(result)
    elif result["state"] == "awaiting_approval":
        print(f"reply {result['id']} is waiting for a supervisor's approval")
    else:
        print(f"reply {result['id']} queued for sending")
    return 0


def run_outbox(args: argparse.Namespace) -> int:
    """`outbox [ID] [--state S]`: the outgoing queue, or one reply in full."""
    with _client(args) as client:
        if args.id is not None:
            entry = client.call("get_outbox", outbox_id=args.id)
            if args.json:
                out.print_json(entry)
            else:
                outbox_entry(entry)
            return 0
        result = client.call("list_outbox", state=args.state, limit=args.limit)
    if args.json:
        out.print_json(result["outbox"])
    else:
        outbox_table(result["outbox"])
    return 0


def outbox_table(entries: list[dict[str, Any]]) -> None:
    """The outbox as an aligned table."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, show_edge=False)
    for name in ("ID", "STATE", "THREAD", "AUTHOR", "TRIES", "TO"):
        table.add_column(name, no_wrap=True)
    table.add_column("SUBJECT / ERROR", no_wrap=True, overflow="ellipsis")
    for e in entries:
        to = ", ".join(p["addr"] for p in e["to"])
        note = e["last_error"] if e["state"] in ("failed", "queued") and e[
            "last_error"
        ] else e["subject"]  # fmt: skip
        table.add_row(*(Text(one_line(str(v))) for v in (
            e["id"], e["state"], e["thread_id"], e["author"], e["attempts"], to, note,
        )))  # fmt: skip
    width = None if sys.stdout.isatty() else 200
    Console(highlight=False, markup=False, emoji=False, width=width).print(table)
    if not entries:
        print("the outbox is empty")


def outbox_entry(entry: dict[str, Any]) -> None:
    """One reply in full: state, people, review comment, error, body."""
    print(f"reply {entry['id']} ({entry['state']}) to thread {entry['thread_id']}")
    print(f"  author:  {entry['author_name']} ({entry['author']})")
    print(f"  To:      {', '.join(_party(p) for p in entry['to'])}")
    if entry["cc"]:
        print(f"  Cc:      {', '.join(_party(p) for p in entry['cc'])}")
    print(f"  Subject: {one_line(entry['subject'])}")
    for file in entry["attachments"]:
        print(f"  File:    {one_line(file['filename'])} ({file['size']} bytes)")
    if entry["approved_by"]:
        print(f"  approved by {entry['approved_by']}")
    if entry["review_comment"]:
        print(f"  sent back: {one_line(entry['review_comment'])}")
    if entry["last_error"]:
        print(f"  error:   {one_line(entry['last_error'])}")
    print()
    print(clean(entry["body"]))


def run_approve(args: argparse.Namespace) -> int:
    """`approve ID [--body-file F] [--subject S] [--to A]... [--cc A]...`."""
    body = _read_text(args.body_file) if args.body_file else None
    edits = {"body": body, "subject": args.subject, "to": args.to, "cc": args.cc}
    with _client(args) as client:
        result = client.call(
            "approve", outbox_id=args.id, **{k: v for k, v in edits.items() if v}
        )
    return _done(args, result, "approved and queued")


def run_reject(args: argparse.Namespace) -> int:
    """`reject ID --reason R`."""
    with _client(args) as client:
        result = client.call("reject", outbox_id=args.id, reason=args.reason)
    return _done(args, result, "sent back to its author")


def run_retry(args: argparse.Namespace) -> int:
    """`retry ID [--edit]`."""
    op = "edit_failed" if args.edit else "retry"
    with _client(args) as client:
        result = client.call(op, outbox_id=args.id)
    return _done(args, result, "is a draft again" if args.edit else "queued again")


def run_withdraw(args: argparse.Namespace) -> int:
    """`withdraw ID`: a reply awaiting approval or queued becomes a draft again."""
    with _client(args) as client:
        result = client.call("withdraw", outbox_id=args.id)
    return _done(args, result, "is a draft again")


def _done(args: argparse.Namespace, result: dict[str, Any], verb: str) -> int:
    if args.json:
        out.print_json(result)
    else:
        print(f"reply {result['id']} {verb}")
    return 0
