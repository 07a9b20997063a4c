"""Every config section: a wrong type, an unknown key and a missing required
key each give a ConfigError naming the file, the line and the dotted key.

The base file uses every way TOML spells a table: ``[a.b]`` sub-tables of an
array element, ``[[a.b]]`` arrays inside one, dotted keys and inline tables.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shareinbox.config import parse_config
from shareinbox.errors import ConfigError

BASE = """\
[shop]
name = "Shop"
timezone = "Asia/Tokyo"

[sla]
first_response = "3h"
holidays = ["2027-01-01"]

[sla.business_hours]
days = "mon-fri"
start = "09:00"

[server]
data_dir = "/var/lib/shareinbox"
group = "support"

[[account]]
name = "support"
address = "support@example.test"

[account.imap]
host = "imap1.example.test"
username = "support@example.test"
port = 993

[account.smtp]
host = "smtp1.example.test"
port = 587

[[account.relay]]
domains = ["example.org"]
smtp = { host = "relay1.example.test", port = 465, security = "tls" }

[[account]]
name = "sales"
address = "sales@example.test"
imap.host = "imap2.example.test"
imap.username = "sales@example.test"
smtp = { host = "smtp2.example.test", port = 25 }

[[account.relay]]
domains = ["example.net"]
name = "relay-two"

[account.relay.smtp]
host = "relay2.example.test"

[[staff]]
login = "tanaka"
name = "田中"

[[rule]]
name = "返品"
assign = "tanaka"

[[rule.header]]
name = "X-Shop"
contains = "rakuten"

[spam]
block = ["@spam.example"]

[orders]
url = "https://shop.example/orders/{order_id}"

[ui]
mouse = true

[ui.keymap]
"thread.save" = "s"

[templates]
dir = "/srv/templates"

[waiting]
reasons = ["customer"]
"""

# (old line, new line or None to delete, key, the line the error must name)
# A new line of the form "after:X" inserts X after the old line.
CASES = [
    ('name = "Shop"', "name = 1", "shop.name", None),
    ("[shop]", "after:nmae = 'x'", "shop.nmae", None),
    ('first_response = "3h"', "first_response = 3", "sla.first_response", None),
    ('holidays = ["2027-01-01"]', "holidays = [20270101]", "sla.holidays", None),
    ('start = "09:00"', "start = 9", "sla.business_hours.start", None),
    ('days = "mon-fri"', "after:dais = 'x'", "sla.business_hours.dais", None),
    ('group = "support"', "group = false", "server.group", None),
    ('group = "support"', "after:sockett = 'x'", "server.sockett", None),
    ('name = "support"', "name = 1", "account[1].name", None),
    ('name = "support"', "after:adress = 'x'", "account[1].adress", None),
    ('name = "support"', None, "account[1].name", ("[[account]]", 1)),
    ("port = 993", 'port = "993"', "account[1].imap.port", None),
    ("port = 993", "after:prot = 1", "account[1].imap.prot", None),
    ('host = "imap1.example.test"', None, "account[1].imap.host", "[account.imap]"),
    ("port = 587", 'port = "587"', "account[1].smtp.port", None),
    ("port = 587", "after:hots = 'x'", "account[1].smtp.hots", None),
    ('host = "smtp1.example.test"', None, "account[1].smtp.host", "[account.smtp]"),
    (
        'domains = ["example.org"]',
        'domains = "example.org"',
        "account[1].relay[1].domains",
        None,
    ),
    (
        'domains = ["example.org"]',
        "after:domain = []",
        "account[1].relay[1].domain",
        None,
    ),
    (
        'domains = ["example.org"]',
        None,
        "account[1].relay[1].domains",
        ("[[account.relay]]", 1),
    ),
    (
        'smtp = { host = "relay1.example.test", port = 465, security = "tls" }',
        'smtp = { host = "relay1.example.test", port = "465" }',
        "account[1].relay[1].smtp.port",
        None,
    ),
    ('name = "sales"', "name = []", "account[2].name", None),
    ('imap.host = "imap2.example.test"', "imap.host = 2", "account[2].imap.host", None),
    (
        'imap.username = "sales@example.test"',
        "after:imap.user = 'x'",
        "account[2].imap.user",
        None,
    ),
    (
        'imap.username = "sales@example.test"',
        None,
        "account[2].imap.username",
        'imap.host = "imap2.example.test"',
    ),
    (
        'smtp = { host = "smtp2.example.test", port = 25 }',
        'smtp = { host = "smtp2.example.test", port = 25, tls = true }',
        "account[2].smtp.tls",
        None,
    ),
    (
        'smtp = { host = "smtp2.example.test", port = 25 }',
        "smtp = { port = 25 }",
        "account[2].smtp.host",
        "smtp = { port = 25 }",
    ),
    ('name = "relay-two"', "name = 2", "account[2].relay[1].name", None),
    ('host = "relay2.example.test"', "host = 2", "account[2].relay[1].smtp.host", None),
    (
        'host = "relay2.example.test"',
        "after:prt = 1",
        "account[2].relay[1].smtp.prt",
        None,
    ),
    (
        'host = "relay2.example.test"',
        None,
        "account[2].relay[1].smtp.host",
        "[account.relay.smtp]",
    ),
    ('login = "tanaka"', "login = 1", "staff[1].login", None),
    ('login = "tanaka"', "after:rol = 'x'", "staff[1].rol", None),
    ('name = "田中"', None, "staff[1].name", "[[staff]]"),
    ('name = "返品"', "name = true", "rule[1].name", None),
    ('name = "返品"', "after:asign = 'x'", "rule[1].asign", None),
    ('name = "返品"', None, "rule[1].name", "[[rule]]"),
    ('contains = "rakuten"', "contains = 1", "rule[1].header[1].contains", None),
    ('contains = "rakuten"', "after:contain = 'x'", "rule[1].header[1].contain", None),
    ('contains = "rakuten"', None, "rule[1].header[1].contains", "[[rule.header]]"),
    ('block = ["@spam.example"]', "block = '@spam.example'", "spam.block", None),
    ('block = ["@spam.example"]', "after:blocks = []", "spam.blocks", None),
    ('url = "https://shop.example/orders/{order_id}"', "url = 1", "orders.url", None),
    (
        'url = "https://shop.example/orders/{order_id}"',
        "after:timeot = 1",
        "orders.timeot",
        None,
    ),
    ("mouse = true", 'mouse = "yes"', "ui.mouse", None),
    ("mouse = true", "after:colour = 'x'", "ui.colour", None),
    ('"thread.save" = "s"', '"thread.save" = 1', "ui.keymap.thread.save", None),
    ('dir = "/srv/templates"', "dir = 1", "templates.dir", None),
    ('dir = "/srv/templates"', "after:directory = 'x'", "templates.directory", None),
    ('reasons = ["customer"]', "reasons = 'customer'", "waiting.reasons", None),
    ('reasons = ["customer"]', "after:reason = []", "waiting.reason", None),
]


def _edit(old: str, new: str | None) -> str:
    lines = BASE.splitlines()
    assert lines.count(old) == 1, old
    at = lines.index(old)
    if new is None:
        del lines[at]
    elif new.startswith("after:"):
        lines.insert(at + 1, new.removeprefix("after:"))
    else:
        lines[at] = new
    return "\n".join(lines) + "\n"


def _line(text: str, spec: str | tuple[str, int]) -> int:
    wanted, nth = (spec, 1) if isinstance(spec, str) else spec
    numbers = [n for n, line in enumerate(text.splitlines(), 1) if line == wanted]
    return numbers[nth - 1]


def test_the_base_file_is_valid() -> None:
    config = parse_config(BASE, Path("/etc/shareinbox/config.toml"))
    assert [a.name for a in config.accounts] == ["support", "sales"]
    assert config.accounts[1].relays[0].smtp.host == "relay2.example.test"


@pytest.mark.parametrize(
    ("old", "new", "key", "where"), CASES, ids=[f"{c[2]}:{c[1]}" for c in CASES]
)
def test_each_error_names_file_line_and_key(
    old: str, new: str | None, key: str, where: str | tuple[str, int] | None
) -> None:
    text = _edit(old, new)
    path = Path("/etc/shareinbox/config.toml")
    with pytest.raises(ConfigError) as raised:
        parse_config(text, path)
    error = raised.value
    if where is None:
        assert new is not None
        where = new.removeprefix("after:")
    assert (error.path, error.line, error.key) == (str(path), _line(text, where), key)
    assert str(error).startswith(f"{path}:{error.line}: key '{key}': ")


@pytest.mark.parametrize(
    ("text", "line", "key", "words"),
    [
        ('[[shop]]\nname = "x"\n', 1, "shop", "expected a table"),
        ("[sla]\n\nfirst_response = \"99999999999999999999d\"\n", 3,
         "sla.first_response", "at most 3650d"),
        ('[server]\nlock_timeout = "4000d"\n', 2, "server.lock_timeout", "at most"),
        ('[account]\nname = "x"\n', 1, "account", "expected an array of tables"),
        ("[shop]\nname = 'a'\nname = 'b'\n", 3, None, "not valid TOML"),
    ],
)  # fmt: skip
def test_whole_sections_and_out_of_range_values(
    text: str, line: int, key: str | None, words: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, Path("/etc/shareinbox/config.toml"))
    assert (raised.value.line, raised.value.key) == (line, key)
    assert words in raised.value.message
