"""Every reading CLI command, on hostile mail, prints nothing a terminal runs.

The mail's subject, sender name, body, attachment file name and a tag carry
screen clears, an OSC 52 clipboard write, a C1 CSI, Rich markup and a bidi
override. Tables and text must show none of those bytes (markup shown as
literal text); ``--json`` must be valid JSON that keeps the text, escaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shareinbox.cli import main
from shareinbox.config import load_config
from tests.daemon.harness import InProcessDaemon, remove_tree, short_dir
from tests.fixtures.configs import account_block, write_config
from tests.fixtures.seed import seed_thread

EVIL = (
    "注文{{ 7*7 }}{% raw %}\x1b[2J\x1b]52;c;ZXZpbA==\x07\x9b31m[link=https://evil.example]"
    "click[/link][/]\u202etxt.exe[@click=app.quit]\x08x\x7f\x85"
)
SHOWN = "[link=https://evil.example]click[/link][/]"
CUSTOMER = "evil@example.jp"
# Bytes a terminal acts on: C0 but newline, DEL, C1, bidi embeddings,
# overrides and isolates.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass
class World:
    """A daemon holding one hostile thread, and the files the commands read."""

    daemon: InProcessDaemon
    thread_id: int
    eml: Path
    templates: Path

    def cli(self, *argv: str) -> list[str]:
        """Arguments of a command run as the supervisor."""
        return ["--config", str(self.daemon.config.path), "--as", "tanaka", *argv]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    socket_dir = short_dir()
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "evil.j2").write_text(
        f"---\nname: evil\ntitle: {EVIL}\ncategory: x\nsubject: Re: {{{{ thread.subject }}}}\n---\n"
        "{{ customer.name }}\n",
        encoding="utf-8",
    )
    extra = (
        f'socket = "{socket_dir / "s.sock"}"\n\n[templates]\ndir = "{templates}"\n\n'
        '[orders]\npatterns = ["ORD[^ ]+"]\n\n'
        f'[[rule]]\nname = "tag it"\nsubject = ["注文"]\ntags = ["t"]\n'
    )
    path = write_config(
        tmp_path, accounts=account_block("support", "support"), extra=extra
    )
    daemon = InProcessDaemon(load_config(path)).start()
    thread_id = seed_thread(
        daemon.store,
        subject=EVIL,
        customer_addr=CUSTOMER,
        customer_name=EVIL,
        body=f"{EVIL}\rover\nORD\x1b]52;c;eA==\x07-1 です\n",
        tags=[EVIL],
        attachments=[(f"{EVIL}.pdf", "application/pdf", b"%PDF-1.4")],
    )
    eml = tmp_path / "evil.eml"
    eml.write_bytes(
        b"From: =?utf-8?b?"
        + _b64(EVIL)
        + b"?= <evil@example.jp>\r\nTo: support@example.test\r\n"
        b"Subject: =?utf-8?b?" + _b64(EVIL) + b"?=\r\n\r\n"
        b"ORD\x1b]52;c;eA==\x07-1\r\n"
    )
    yield World(daemon, thread_id, eml, templates)
    daemon.stop()
    remove_tree(socket_dir)


def _b64(text: str) -> bytes:
    import base64

    return base64.b64encode(text.encode("utf-8"))


def _act(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """Team actions that leave hostile text in notes, the audit and the outbox."""
    t = str(world.thread_id)
    body = world.eml.with_name("body.txt")
    body.write_text(f"{EVIL}\n", encoding="utf-8")
    for argv in (
        ("note", t, EVIL),
        ("claim", t),
        ("reply", t, "--body-file", str(body), "--subject", EVIL),
    ):
        assert main(world.cli(*argv)) == 0, capsys.readouterr()
    capsys.readouterr()


READING = [
    ("threads",),
    ("show", "{t}"),
    ("search", "注文"),
    ("history", CUSTOMER),
    ("audit",),
    ("outbox",),
    ("outbox", "1"),
    ("report",),
    ("templates", "list"),
    ("templates", "show", "evil"),
    ("templates", "show", "evil", "--thread", "{t}"),
    ("rules", "test", "{eml}"),
]


def _argv(world: World, command: tuple[str, ...]) -> list[str]:
    fill = {"t": str(world.thread_id), "eml": str(world.eml)}
    return world.cli(*(part.format(**fill) for part in command))


# Commands whose output shows the hostile subject or name as it is.
SHOWS_TEXT = {("threads",), ("show", "{t}"), ("search", "注文"), ("history", CUSTOMER)}
JSON_LESS = {("templates", "show", "evil")}  # prints the template file itself


@pytest.mark.parametrize("command", READING, ids=" ".join)
def test_output_holds_no_control_characters_and_json_is_escaped(
    world: World, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    _act(world, capsys)
    assert main(_argv(world, command)) == 0
    printed = capsys.readouterr()
    assert not UNSAFE.findall(printed.out), printed.out
    assert not UNSAFE.findall(printed.err)
    if command in SHOWS_TEXT:
        assert SHOWN in printed.out  # Rich markup shown as text
    if command in JSON_LESS:
        return
    assert main([*_argv(world, command), "--json"]) == 0
    printed_json = capsys.readouterr().out
    assert not UNSAFE.findall(printed_json)
    value = json.loads(printed_json)
    if command in SHOWS_TEXT:  # escaped, not lost
        assert any(EVIL in text for text in _strings(value))


def _strings(value: object) -> Iterator[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_a_template_preview_shows_the_customers_jinja_as_text(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = _argv(world, ("templates", "show", "evil", "--thread", "{t}"))
    assert main(argv) == 0
    shown = capsys.readouterr().out
    assert "注文{{ 7*7 }}{% raw %}" in shown
    assert SHOWN in shown


def test_undecodable_bytes_in_an_argument_give_a_clear_answer(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """A non-UTF-8 argument reaches Python as a lone surrogate; it used to end
    in a UnicodeEncodeError traceback in the client."""
    argument = b"\xff\xfe".decode("utf-8", "surrogateescape")
    assert main(world.cli("search", argument + "注文")) == 0
    assert "no threads" in capsys.readouterr().out
    assert main(world.cli("history", argument + "@example.jp")) == 1
    error = capsys.readouterr().err
    assert "no customer with the address \ufffd\ufffd@example.jp" in error


def test_a_mail_dated_year_9999_is_shown(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its Date was stored, and showing it in Asia/Tokyo overflowed datetime:
    ``show`` answered with an internal error instead of the mail."""
    from shareinbox.store.ingest import Incoming, Mailbox, PlainPolicy, ingest
    from shareinbox.sync.parse import parse_message

    raw = (
        b"Date: Fri, 31 Dec 9999 23:00:00 +0000\r\nFrom: far@example.jp\r\n"
        b"Subject: future\r\nMessage-ID: <future@example.jp>\r\n\r\nfrom the future\r\n"
    )
    with world.daemon.store.write() as conn:
        stored = ingest(
            conn,
            Mailbox(1, frozenset({"support@example.test"})),
            Incoming(raw, parse_message(raw), 1_767_225_600.0),
            policy=PlainPolicy(),
            now=1_767_225_600.0,
        )
        conn.execute(
            "UPDATE message SET date_at = 253402297200 WHERE id = ?",
            (stored.message_id,),
        )  # a row stored before dates were checked
    assert main(world.cli("show", str(stored.thread_id))) == 0
    assert "from the future" in capsys.readouterr().out
    assert parse_message(raw).date is None
