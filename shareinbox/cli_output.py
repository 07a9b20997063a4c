"""How the CLI prints what the daemon returns: tables, a thread, JSON.

Every string from mail (subjects, names, bodies, filenames) goes through
`shareinbox.text.clean` before it reaches the terminal, and is handed to Rich
as `Text` (never parsed as markup). Rich measures East-Asian wide characters,
so columns of Japanese text line up. JSON keeps Japanese readable but
escapes the C1 controls and bidi overrides that `json` leaves raw.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from shareinbox.config import Config
from shareinbox.text import clean, one_line

_JSON_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def print_json(value: Any) -> None:
    """`value` as indented JSON, safe for a terminal."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    print(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def _console() -> Console:
    return Console(
        file=sys.stdout,
        highlight=False,
        markup=False,
        emoji=False,
        width=None if sys.stdout.isatty() else 200,
    )


def _short_time(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso).strftime("%m-%d %H:%M")


def _cell(value: Any) -> Text:
    return Text(one_line(str(value)) if value is not None else "")


def threads_table(threads: list[dict[str, Any]], config: Config) -> None:
    """Threads as an aligned table."""
    table = Table(box=None, pad_edge=False, show_edge=False)
    for name in ("ID", "STATUS", "ASSIGNEE", "LOCK", "LAST", "DUE", "CUSTOMER"):
        table.add_column(name, no_wrap=True)
    table.add_column("SUBJECT", no_wrap=True, overflow="ellipsis")
    for t in threads:
        due = ("!" if t["overdue"] else "") + _short_time(t["first_response_due"])
        table.add_row(
            _cell(t["id"]), _cell(t["status"]), _cell(t["assignee"] or "-"),
            _cell(t["locked_by"] or ""), _cell(_short_time(t["last_message_at"])),
            _cell(due), _cell(t["customer_name"] or t["customer"] or ""),
            _cell(t["subject"]),
        )  # fmt: skip
    _console().print(table)
    if not threads:
        print("no threads")


def thread_line(thread: dict[str, Any], verb: str) -> None:
    """One line saying what happened to a thread."""
    lock = f", locked by {thread['locked_by']}" if thread["locked_by"] else ""
    until = (
        f" until {_short_time(thread['lock_expires_at'])}"
        if thread["locked_by"]
        else ""
    )
    print(
        f"{verb} thread {thread['id']}: {thread['status']}, "
        f"assignee {thread['assignee'] or 'none'}{lock}{until}"
    )


def thread_detail(result: dict[str, Any], config: Config) -> None:
    """A thread with its messages, notes, memos and events."""
    t = result["thread"]
    print(f"#{t['id']} {one_line(t['subject'])}")
    print(
        f"  status {t['status']}  assignee {t['assignee'] or '-'}  account {t['account']}"
    )
    print(
        f"  customer {one_line(t['customer_name'])} <{one_line(t['customer'] or '')}>"
    )
    if t["locked_by"]:
        print(f"  locked by {t['locked_by']} until {_short_time(t['lock_expires_at'])}")
    if t["first_response_due"]:
        late = " (overdue)" if t["overdue"] else ""
        print(f"  first response due {_short_time(t['first_response_due'])}{late}")
    if result["orders"]:
        from shareinbox.cli_ops import hyperlink
        from shareinbox.order_lookup import order_url

        tty = sys.stdout.isatty()
        links = [
            hyperlink(one_line(o), order_url(config.orders.url, o), tty)
            for o in result["orders"]
        ]
        print(f"  orders {', '.join(links)}")
    for m in result["messages"]:
        arrow = "<-" if m["direction"] == "in" else "->"
        print(
            f"\n{arrow} #{m['id']} {_short_time(m['date'])} {one_line(m['from_name'])} <{one_line(m['from'])}>"
        )
        print(f"   {one_line(m['subject'])}")
        for a in m["attachments"]:
            print(
                f"   [{a['index']}] {one_line(a['filename'])} ({a['content_type']}, {a['size']} bytes)"
            )
        print(clean(m["text"], tabsize=4))
    for n in result["notes"]:
        print(f"\nnote {n['author']} {_short_time(n['at'])}: {clean(n['text'])}")
    for memo in result["memos"]:
        print(
            f"\nmemo {memo['author']} {_short_time(memo['called_at'])} {one_line(memo['phone'])}: {clean(memo['text'])}"
        )
    if result["events"]:
        print()
        for e in result["events"]:
            print(
                f"  {_short_time(e['at'])} {e['actor'] or ''} {e['kind']} {_event_summary(e)}"
            )


def _event_summary(event: dict[str, Any]) -> str:
    data = event["data"]
    if "text" in data:  # rules, spam, reminders: a phrase of their own
        return one_line(str(data["text"]))
    for key in ("status", "assignee", "locked_by"):
        if key in data:
            return f"{key}={one_line(str(data[key]))}"
    return ""


def history(result: dict[str, Any], config: Config) -> None:
    """A customer's addresses, threads and timeline."""
    customer = result["customer"]
    print(f"customer {customer['id']} {one_line(customer['name'])}")
    print(
        "addresses: " + ", ".join(one_line(a["address"]) for a in result["addresses"])
    )
    threads_table(result["threads"], config)
    for item in result["timeline"]:
        what = item.get("summary") or item.get("text") or ""
        print(
            f"  {_short_time(item['at'])} {item['kind']:<6} #{item['thread_id'] or '-'} "
            f"{one_line(str(item['actor'] or ''))}: {one_line(str(what))}"
        )


def audit_table(entries: list[dict[str, Any]]) -> None:
    """Audit entries as a table."""
    table = Table(box=None, pad_edge=False, show_edge=False)
    for name in ("ID", "AT", "STAFF", "ACTION", "TARGET", "DETAIL"):
        table.add_column(name, no_wrap=True)
    for e in entries:
        detail = json.dumps(e["detail"], ensure_ascii=False, sort_keys=True)
        table.add_row(
            _cell(e["id"]),
            _cell(e["at"]),
            _cell(e["actor"]),
            _cell(e["action"]),
            _cell(e["target"]),
            _cell(detail),
        )
    _console().print(table)


def audit_report(report: dict[str, Any]) -> None:
    """The result of checking the chain."""
    if report["ok"]:
        print(f"audit trail intact: {report['rows']} rows verified")
        return
    print(
        f"AUDIT TRAIL BROKEN: {len(report['problems'])} problem(s) in {report['rows']} rows"
    )
    for problem in report["problems"]:
        print(f"  row {problem['row_id']}: {problem['problem']}")
