"""What the benchmarks share in one run: a Dovecot, generated mailboxes, synced stores.

`Context` starts one private Dovecot on 127.0.0.1 (the test fixture's), fills
one mailbox per size straight into its maildir (`bench.mailgen`), and keeps
the data dir that ``shareinbox daemon --once`` synced for each size, so the
search, memory and new-mail benchmarks run on the store the sync benchmark
built instead of building their own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import imapclient

from bench.mailgen import MailboxGenerator
from tests.fixtures.dovecot import DovecotServer, _mail_owner

ROOT = Path(__file__).resolve().parents[1]
PASSWORD_ENV = "SHAREINBOX_PASSWORD_BENCH"
STAFF = 50  # agents agent00 … agent49, plus root

_CONFIG = """[shop]
name = "Bench"
timezone = "Asia/Tokyo"
language = "en"

[server]
data_dir = "{data}"
socket = "{socket}"
release_on_disconnect = "30s"

[[account]]
name = "bench"
address = "support@shop.example"
imap = {{ host = "127.0.0.1", port = {port}, security = "none", username = "{user}", folders = ["INBOX"], sent_folder = "" }}
smtp = {{ host = "127.0.0.1", port = 2525, security = "none" }}

[[staff]]
login = "root"
name = "root"
role = "admin"
"""


@dataclass
class Options:
    """What one run measures.

    Attributes:
        sizes: mailbox sizes (messages) for the sync benchmark; the largest
            one is used by the search, memory and new-mail benchmarks.
        work: a short temporary directory (AF_UNIX paths are short).
        profile: write a cProfile of the largest initial sync here.
    """

    sizes: tuple[int, ...]
    work: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="sib-")))
    profile: Path | None = None

    @property
    def largest(self) -> int:
        """The biggest mailbox of the run."""
        return max(self.sizes)


@dataclass
class Mailbox:
    """A generated mailbox on the Dovecot: its user, size and bytes."""

    user: str
    count: int
    size: int


@dataclass
class Synced:
    """A data dir synced by ``shareinbox daemon --once``, and what that cost."""

    config: Path
    data_dir: Path
    socket: Path
    seconds: float
    peak_rss_mb: float

    @property
    def database(self) -> Path:
        """The SQLite file."""
        return self.data_dir / "shareinbox.db"


class Context:
    """The shared state of one benchmark run (see the module docstring)."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.options.work.chmod(0o755)  # Dovecot's mail user reaches the maildir
        self._dovecot: DovecotServer | None = None
        self._mailboxes: dict[int, Mailbox] = {}
        self._synced: dict[int, Synced] = {}

    @property
    def dovecot(self) -> DovecotServer:
        """The run's Dovecot (started on first use)."""
        if self._dovecot is None:
            self._dovecot = DovecotServer(self.options.work / "dovecot")
            self._dovecot.start()
        return self._dovecot

    def mailbox(self, count: int) -> Mailbox:
        """A mailbox of `count` generated messages, indexed by Dovecot."""
        if count not in self._mailboxes:
            user = f"bench{count}"
            size = fill_maildir(self.dovecot.maildir(user), count)
            dovecot_index(self.dovecot, user)
            self._mailboxes[count] = Mailbox(user, count, size)
        return self._mailboxes[count]

    def env(self) -> dict[str, str]:
        """The environment of a daemon process of this run."""
        return {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            PASSWORD_ENV: self.dovecot.password,
        }

    def config(self, count: int) -> Path:
        """The config file of the data dir for the `count` mailbox."""
        mailbox = self.mailbox(count)
        directory = self.options.work / f"s{count}"
        directory.mkdir(exist_ok=True)
        path = directory / "config.toml"
        if not path.exists():
            text = _CONFIG.format(
                data=directory / "data", socket=directory / "s.sock",
                port=self.dovecot.port, user=mailbox.user,
            )  # fmt: skip
            for n in range(STAFF):
                text += f'\n[[staff]]\nlogin = "agent{n:02d}"\nname = "担当{n}"\n'
            path.write_text(text, encoding="utf-8")
        return path

    def synced(self, count: int) -> Synced:
        """The data dir after the initial ``daemon --once`` of `count` messages."""
        if count not in self._synced:
            config = self.config(count)
            seconds, rss, code = self.once(config)
            if code != 0:
                raise RuntimeError(f"daemon --once failed with exit code {code}")
            self._synced[count] = Synced(
                config, config.parent / "data", config.parent / "s.sock", seconds, rss
            )
        return self._synced[count]

    def once(self, config: Path) -> tuple[float, float, int]:
        """Run ``shareinbox daemon --once``: wall seconds, peak RSS (MB), exit code."""
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "shareinbox", "daemon", "--once",
             "--config", str(config)],
            cwd=ROOT, env=self.env(), stdout=subprocess.DEVNULL,
        )  # fmt: skip
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        return time.perf_counter() - start, usage.ru_maxrss / 1024, process.returncode

    @contextmanager
    def daemon(self, count: int) -> Iterator[subprocess.Popen[bytes]]:
        """The long-running daemon on the synced `count` data dir, until exit."""
        synced = self.synced(count)
        process = subprocess.Popen(
            [sys.executable, "-m", "shareinbox", "daemon", "--config",
             str(synced.config)],
            cwd=ROOT, env=self.env(), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not synced.socket.exists():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the daemon did not start")
                time.sleep(0.05)
            yield process
        finally:
            process.terminate()
            process.wait(60)

    def close(self) -> None:
        """Stop Dovecot and remove everything the run wrote."""
        if self._dovecot is not None:
            self._dovecot.stop()
        shutil.rmtree(self.options.work, ignore_errors=True)


def fill_maildir(maildir: Path, count: int) -> int:
    """Write `count` generated messages as maildir files; return total bytes."""
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    total = 0
    for number, (raw, when) in enumerate(MailboxGenerator(seed=7).messages(count)):
        data = raw.replace(b"\r\n", b"\n")
        stamp = int(when.timestamp())
        name = f"{stamp}.M{number}P1.bench,S={len(data)},W={len(raw)}:2,"
        path = maildir / "cur" / name
        path.write_bytes(data)
        os.utime(path, (stamp, stamp))
        total += len(raw)
    uid, gid = _mail_owner()
    subprocess.run(["chown", "-R", f"{uid}:{gid}", str(maildir)], check=True)
    return total


def imap_login(server: DovecotServer, user: str) -> imapclient.IMAPClient:
    """A plain imapclient session as `user`."""
    client = imapclient.IMAPClient(server.host, port=server.port, ssl=False)
    client.login(user, server.password)
    return client


def dovecot_index(server: DovecotServer, user: str) -> None:
    """Let Dovecot index a new maildir (first SELECT and a flag listing)."""
    client = imap_login(server, user)
    client.select_folder("INBOX", readonly=True)
    client._imap.uid("FETCH", "1:*", "(FLAGS RFC822.SIZE)")
    client.logout()


def wait_for_sync(socket: Path, after: float, timeout: float = 120.0) -> None:
    """Wait until the daemon on `socket` finished a sync pass after `after`."""
    from shareinbox.client import SyncClient

    deadline = time.monotonic() + timeout
    with SyncClient(socket, client="bench") as client:
        while True:
            accounts = client.call("account_status")["accounts"]
            if all((a["last_sync_ts"] or 0) >= after for a in accounts):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"no sync pass finished: {accounts}")
            time.sleep(0.05)


def peak_rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a running process, in MB (/proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.split()
    return int(fields["VmRSS"][0]) / 1024, int(fields["VmHWM"][0]) / 1024
