"""The team-rules commands: ``rules test``, ``spam``, ``orders``.

``rules test FILE.eml`` needs no daemon: it parses the file the way the
sync does and prints, for each ``[[rule]]`` in order, whether it matches and
why, then the spam verdict (headers and the config's block list; patterns
staff added live in the daemon's database and show with ``spam list``).
``spam`` and ``orders`` talk to the daemon.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from shareinbox.config import Config, RuleConfig, load_config
from shareinbox.errors import ProtocolError
from shareinbox.text import one_line

MAX_FILE = 50 * 1024 * 1024


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    """The arguments of `rules`, `spam` and `orders`."""
    if name == "rules":
        parser.add_argument("action", choices=["test"])
        parser.add_argument("file", help="a message file (.eml); - reads stdin")
        parser.add_argument("--account", help="the account it arrives in")
    elif name == "spam":
        parser.add_argument("action", choices=["list", "block", "unblock"])
        parser.add_argument("pattern", nargs="?", help="an address or @domain")
        parser.add_argument("--note", default="", help="why (block)")
    elif name == "orders":
        parser.add_argument("thread", type=int)
        parser.add_argument(
            "--lookup", action="store_true", help="ask the [orders] command"
        )


def _read(path: str) -> bytes:
    try:
        if path == "-":
            return sys.stdin.buffer.read(MAX_FILE + 1)
        with Path(path).open("rb") as f:
            data = f.read(MAX_FILE + 1)
    except OSError as e:
        raise ProtocolError(f"cannot read {path}: {e.strerror or e}") from e
    if len(data) > MAX_FILE:
        raise ProtocolError(f"{path} is larger than {MAX_FILE // 2**20} MB")
    return data


def actions(rule: RuleConfig) -> str:
    """A rule's actions in a few words."""
    done = []
    if rule.spam:
        done.append("spam")
    if rule.set_status:
        done.append(f"status {rule.set_status}")
    if rule.assign:
        done.append(f"assign {rule.assign}")
    if rule.tags:
        done.append(f"tags {', '.join(rule.tags)}")
    if rule.category:
        done.append(f"category {rule.category}")
    if not rule.notify:
        done.append("no notification")
    if rule.stop:
        done.append("stop")
    return "; ".join(done) or "nothing"


def rules_report(config: Config, raw: bytes, account: str) -> dict[str, Any]:
    """Which rules match a raw message, why, and the spam verdict."""
    from shareinbox.orders import find_order_ids
    from shareinbox.rules import MailFacts, evaluate, spam_verdict
    from shareinbox.sync.parse import parse_message

    parsed = parse_message(raw)
    facts = MailFacts.from_parsed(account, parsed, lambda: raw)
    spam = spam_verdict(
        facts, honour_headers=config.spam.honour_headers, blocked=config.spam.block
    )
    rules = [
        {
            "name": r.rule.name,
            "match": r.matched,
            "skipped": r.skipped,
            "why": r.reason,
            "actions": actions(r.rule),
        }
        for r in evaluate(config.rules, facts)
    ]
    text = f"{parsed.subject}\n{parsed.text}"
    return {
        "from": facts.sender,
        "subject": parsed.subject,
        "account": account,
        "spam": spam,
        "rules": rules,
        "orders": find_order_ids(text, config.orders.patterns),
    }


def _print_rules(report: dict[str, Any]) -> None:
    print(f"from {one_line(report['from'])}  subject {one_line(report['subject'])}")
    print(f"account {report['account']}")
    for index, rule in enumerate(report["rules"], 1):
        match = "yes" if rule["match"] else ("skipped" if rule["skipped"] else "no")
        print(f"{index}. {one_line(rule['name'])}: match {match}")
        print(f"   why: {one_line(rule['why'])}")
        if rule["match"]:
            print(f"   does: {one_line(rule['actions'])}")
    if not report["rules"]:
        print("no [[rule]] in the config")
    spam = report["spam"]
    print(f"spam: {'yes, ' + one_line(spam) if spam else 'no'}")
    if spam:
        print("   (spam goes to the spam view; no rule runs)")
    if report["orders"]:
        print(f"orders: {one_line(', '.join(report['orders']))}")


def run_rules(args: argparse.Namespace) -> int:
    """`rules test FILE.eml`: which rules match, and why."""
    config = load_config(args.config)
    account = args.account or (config.accounts[0].name if config.accounts else "")
    if args.account:
        config.account(args.account)  # ConfigError when unknown
    report = rules_report(config, _read(args.file), account)
    if args.json:
        from shareinbox.cli_output import print_json

        print_json(report)
    else:
        _print_rules(report)
    return 0


def run_spam(args: argparse.Namespace) -> int:
    """`spam list|block PATTERN|unblock PATTERN`."""
    from shareinbox.cli_output import print_json
    from shareinbox.client import SyncClient

    if args.action != "list" and not args.pattern:
        raise ProtocolError(f"spam {args.action} needs an address or @domain")
    config = load_config(args.config)
    with SyncClient(config.server.socket, as_login=args.as_login) as client:
        if args.action == "list":
            result = client.call("list_blocklist")
        elif args.action == "block":
            result = client.call("block", pattern=args.pattern, note=args.note)
        else:
            result = client.call("unblock", pattern=args.pattern)
    if args.json:
        print_json(result)
    elif args.action == "list":
        for entry in result["blocked"]:
            origin = "config" if entry["from_config"] else entry["added_by"]
            note = f"  {one_line(entry['note'])}" if entry["note"] else ""
            print(f"{entry['pattern']}  ({origin}){note}")
    elif args.action == "block":
        state = "blocked" if result["added"] else "already blocked"
        print(f"{result['entry']['pattern']} {state}")
    else:
        print(f"{result['removed']} unblocked")
    return 0


def hyperlink(text: str, url: str | None, tty: bool) -> str:
    """`text` as a terminal hyperlink (OSC 8) on a terminal, else "text <url>"."""
    if not url:
        return text
    safe = "".join(c for c in url if c.isprintable() and c not in "\x1b\x07")
    if not tty:
        return f"{text}  {safe}"
    return f"\x1b]8;;{safe}\x1b\\{text}\x1b]8;;\x1b\\"


def run_orders(args: argparse.Namespace) -> int:
    """`orders THREAD [--lookup]`: a thread's order numbers and links."""
    from shareinbox.cli_output import print_json
    from shareinbox.client import SyncClient

    config = load_config(args.config)
    with SyncClient(config.server.socket, as_login=args.as_login) as client:
        found = client.call("thread_orders", thread_id=args.thread)
        lookups = []
        if args.lookup:
            for order in found["orders"]:
                lookups.append(
                    client.call(
                        "order_info", thread_id=args.thread, order_id=order["order_id"]
                    )
                )
    if args.json:
        print_json({**found, "lookups": lookups})
        return 0
    tty = sys.stdout.isatty()
    for order in found["orders"]:
        print(hyperlink(one_line(order["order_id"]), order["url"], tty))
    if not found["orders"]:
        print(f"no order numbers in thread {args.thread}")
    for info in lookups:
        _print_lookup(info)
    return 0


def _print_lookup(info: dict[str, Any]) -> None:
    head = f"{one_line(info['order_id'])}:"
    if not info["ok"]:
        print(f"{head} lookup failed: {one_line(str(info['error']))}")
        return
    print(f"{head} {one_line(info['status'])}")
    for item in info["items"]:
        if isinstance(item, dict):
            print("   " + one_line(", ".join(f"{k} {v}" for k, v in item.items())))
        else:
            print("   " + one_line(str(item)))
    shipping = info["shipping"]
    if isinstance(shipping, dict):
        shipping = ", ".join(f"{k} {v}" for k, v in shipping.items())
    if shipping:
        print(f"   shipping: {one_line(str(shipping))}")
