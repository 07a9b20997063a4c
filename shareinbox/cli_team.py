"""The team commands of the CLI: threads, show, search, history, claim,
release, assign, status, note, memo, audit.

Every command talks to the daemon through `shareinbox.client.SyncClient`;
none opens the database. Reading commands print a table (`cli_output`) or,
with ``--json``, the daemon's JSON. A conflict exits with 3, other errors
with 1 (`shareinbox.cli.main` maps the errors).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shareinbox import cli_output as out
from shareinbox.client import SyncClient
from shareinbox.config import Config, load_config
from shareinbox.errors import ProtocolError


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    """The arguments of team command `name`."""
    if name == "threads":
        parser.add_argument(
            "--status", choices=["new", "open", "waiting", "done", "spam"]
        )
        parser.add_argument("--assignee", help="LOGIN, me or none")
        parser.add_argument("--account")
        parser.add_argument("--view", help="overdue, due_today, unassigned, tag:T, ...")
        parser.add_argument("--limit", type=int, default=50)
    elif name in ("show", "claim"):
        parser.add_argument("thread", type=int)
    elif name == "search":
        parser.add_argument("query", nargs="+")
        parser.add_argument("--limit", type=int, default=50)
    elif name == "history":
        parser.add_argument("address")
    elif name == "release":
        parser.add_argument("thread", type=int)
        parser.add_argument(
            "--force", action="store_true", help="someone else's (supervisor)"
        )
    elif name == "assign":
        parser.add_argument("thread", type=int)
        parser.add_argument("login", help="a staff login, me or none")
    elif name == "status":
        parser.add_argument("thread", type=int)
        parser.add_argument(
            "status", choices=["new", "open", "waiting", "done", "spam"]
        )
        parser.add_argument("--reason", help="why it waits (see [waiting] reasons)")
        parser.add_argument("--until", help="waiting until DATE or ISO time")
    elif name == "note":
        parser.add_argument("thread", type=int)
        parser.add_argument("text", nargs="+", help="the note; - reads standard input")
    elif name == "memo":
        _memo_arguments(parser)
    elif name == "audit":
        parser.add_argument("--verify", action="store_true")
        parser.add_argument("--staff", help="only this login's actions")
        parser.add_argument("--thread", type=int)
        parser.add_argument("--since", help="DATE or ISO time")
        parser.add_argument("--until", help="DATE (inclusive) or ISO time")
        parser.add_argument("--limit", type=int, default=200)


def _memo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="+", help="what was said; - reads standard input")
    parser.add_argument("--thread", type=int)
    parser.add_argument("--customer", help="the customer's address")
    parser.add_argument("--phone", default="")
    parser.add_argument("--direction", choices=["in", "out"], default="in")
    parser.add_argument("--at", help="when the call was (default: now)")


def parse_when(text: str, tz: ZoneInfo, *, end_of_day: bool = False) -> float:
    """A date (``2026-05-01``) or ISO time as epoch seconds in the shop's zone.

    A bare date means the start of that day, or its end with `end_of_day`.
    """
    try:
        if len(text) == 10:
            day = datetime.combine(datetime.fromisoformat(text).date(), time(0), tz)
            return (day + timedelta(days=1) if end_of_day else day).timestamp()
        moment = datetime.fromisoformat(text)
    except ValueError as e:
        raise ProtocolError(
            f"not a date or ISO time: {text!r} (e.g. 2026-05-01)"
        ) from e
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.timestamp()


def _session(args: argparse.Namespace) -> tuple[Config, SyncClient]:
    config = load_config(args.config)
    return config, SyncClient(config.server.socket, as_login=args.as_login)


def _text_arg(words: list[str]) -> str:
    return sys.stdin.read() if words == ["-"] else " ".join(words)


def _print(args: argparse.Namespace, result: Any, table: Any, *extra: Any) -> int:
    if args.json:
        out.print_json(result)
    else:
        table(result, *extra)
    return 0


def run_threads(args: argparse.Namespace) -> int:
    """`threads`: a page of threads."""
    config, client = _session(args)
    with client:
        result = client.call(
            "list_threads",
            view=args.view or args.status or "all",
            status=args.status if args.view else None,
            assignee=args.assignee,
            account=args.account,
            limit=args.limit,
        )
    return _print(args, result["threads"], out.threads_table, config)


def run_show(args: argparse.Namespace) -> int:
    """`show THREAD`."""
    config, client = _session(args)
    with client:
        result = client.call("show_thread", thread_id=args.thread)
    return _print(args, result, out.thread_detail, config)


def run_search(args: argparse.Namespace) -> int:
    """`search QUERY`."""
    config, client = _session(args)
    with client:
        result = client.call("search", query=" ".join(args.query), limit=args.limit)
    return _print(args, result["threads"], out.threads_table, config)


def run_history(args: argparse.Namespace) -> int:
    """`history ADDRESS`."""
    config, client = _session(args)
    with client:
        result = client.call("customer_history", address=args.address)
    return _print(args, result, out.history, config)


def _changed(args: argparse.Namespace, op: str, verb: str, **call_args: Any) -> int:
    _config, client = _session(args)
    with client:
        thread = client.call(op, **call_args)
    return _print(args, thread, out.thread_line, verb)


def run_claim(args: argparse.Namespace) -> int:
    """`claim THREAD`."""
    return _changed(args, "claim", "claimed", thread_id=args.thread)


def run_release(args: argparse.Namespace) -> int:
    """`release THREAD [--force]`."""
    return _changed(
        args, "release", "released", thread_id=args.thread, force=args.force
    )


def run_assign(args: argparse.Namespace) -> int:
    """`assign THREAD LOGIN|me|none`."""
    _config, client = _session(args)
    login = {"none": None, "me": client.staff["login"]}.get(args.login, args.login)
    with client:
        thread = client.call("assign", thread_id=args.thread, login=login)
    return _print(args, thread, out.thread_line, "assigned")


def run_status(args: argparse.Namespace) -> int:
    """`status THREAD S [--reason R] [--until D]`."""
    config = load_config(args.config)
    until = parse_when(args.until, config.shop.tz) if args.until else None
    return _changed(
        args,
        "set_status",
        "updated",
        thread_id=args.thread,
        status=args.status,
        reason=args.reason,
        until=until,
    )


def run_note(args: argparse.Namespace) -> int:
    """`note THREAD TEXT`."""
    _config, client = _session(args)
    with client:
        note = client.call("add_note", thread_id=args.thread, text=_text_arg(args.text))
    return _print(
        args, note, lambda n: print(f"note {n['id']} added to thread {n['thread_id']}")
    )


def run_memo(args: argparse.Namespace) -> int:
    """`memo TEXT [--thread ID] [--customer ADDRESS] [--phone P] [--at D]`."""
    config, client = _session(args)
    with client:
        customer_id = None
        if args.customer:
            history = client.call("customer_history", address=args.customer)
            customer_id = history["customer"]["id"]
        memo = client.call(
            "add_memo",
            text=_text_arg(args.text),
            thread_id=args.thread,
            customer_id=customer_id,
            phone=args.phone,
            direction=args.direction,
            called_at=parse_when(args.at, config.shop.tz) if args.at else None,
        )
    return _print(args, memo, lambda m: print(f"memo {m['id']} recorded"))


def run_audit(args: argparse.Namespace) -> int:
    """`audit [--verify] [--staff L] [--thread ID] [--since D] [--until D]`."""
    config, client = _session(args)
    tz = config.shop.tz
    with client:
        if args.verify:
            report = client.call("audit_verify")
            _print(args, report, out.audit_report)
            return 0 if report["ok"] else 1
        result = client.call(
            "audit_list",
            actor=args.staff,
            thread_id=args.thread,
            since=parse_when(args.since, tz) if args.since else None,
            until=parse_when(args.until, tz, end_of_day=True) if args.until else None,
            limit=args.limit,
        )
    return _print(args, result["entries"], out.audit_table)
