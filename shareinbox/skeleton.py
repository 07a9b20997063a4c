"""The commented config skeleton that `shareinbox init` writes."""

from __future__ import annotations

import getpass
from pathlib import Path

SKELETON = """\
# shareinbox configuration. Every key is described in README.md ("Configuration").
# A password never goes in this file: see password_command below, or run
# `shareinbox password set ACCOUNT`.

[shop]
name = "Example Shop"
timezone = "Asia/Tokyo"
# language = "ja"                 # UI language, ja | en; default: from $LANG
# signature = "Example Shop support\\nsupport@example.test"

[sla]
first_response = "3h"             # counted in business hours
business_hours = {{ days = "mon-fri", start = "09:00", end = "18:00" }}
# holidays = ["2027-01-01", "2027-01-02"]
# reminder_before = "30m"         # toast this long before a deadline

[server]
data_dir = "{data_dir}"
# socket = "/run/shareinbox/shareinbox.sock"   # default: <data_dir>/shareinbox.sock
# group = "support"               # Unix group allowed to connect

# [[account]]
# name = "support"
# address = "support@example.test"
# imap = {{ host = "imap.example.test", port = 993, security = "tls", username = "support@example.test", folders = ["INBOX"], sent_folder = "Sent" }}
# smtp = {{ host = "smtp.example.test", port = 587, security = "starttls", username = "support@example.test" }}
# password_command = "cat /etc/shareinbox/support.pass"   # else keyring, else $SHAREINBOX_PASSWORD_SUPPORT
# charset = "utf-8"               # or "iso-2022-jp" (falls back to UTF-8 when a character does not fit)
# sent_by_server = false          # true for Gmail / Microsoft 365, which file sent mail themselves

[[staff]]
login = "{login}"
name = "{login}"
role = "admin"                    # admin | supervisor | agent
needs_approval = false            # true: this person's replies wait for a supervisor
"""


def render_skeleton(data_dir: Path, login: str | None = None) -> str:
    """The skeleton text for a data dir and the first admin's login."""
    return SKELETON.format(data_dir=str(data_dir), login=login or _login())


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "admin"
