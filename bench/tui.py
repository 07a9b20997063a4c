"""The TUI at 100k threads: first screen, key-to-paint latency, memory.

Fills a store with N threads (`bench.views.fill`), starts the real daemon
(``python -m shareinbox daemon``), runs the real TUI (``python -m shareinbox``)
in a pseudo-terminal of 120x40 and measures from the bytes it writes:

- first screen: process start until the first rows of the list are drawn;
- j, k and PgDn: key written until the last byte of the repaint (then the
  terminal stays quiet for `QUIET` s), p50 and p95, in the default view
  (new, ~5k threads) and in "all" (~95k threads, pages read while scrolling);
- the resident memory (RSS) of the TUI and of the daemon afterwards.

    python bench/tui.py [--threads 100000] [--presses 100]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.views import fill  # noqa: E402
from shareinbox import paths  # noqa: E402
from shareinbox.client import SyncClient  # noqa: E402
from shareinbox.store.db import Store  # noqa: E402

QUIET = 0.08  # seconds without output that end a repaint
SIZE = (40, 120)  # rows, columns
CONFIG = """[shop]
timezone = "Asia/Tokyo"
language = "en"
[server]
data_dir = "{data}"
socket = "{socket}"
[[staff]]
login = "root"
name = "root"
role = "admin"
[[staff]]
login = "suzuki"
name = "鈴木"
"""
KEYS = {"j": b"j", "k": b"k", "PgDn": b"\x1b[6~"}


class Terminal:
    """A process on a pseudo-terminal, with timed reads of what it writes."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", *SIZE, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                     env=env, start_new_session=True)  # fmt: skip
        os.close(slave)
        self.output = bytearray()

    def read_until(self, needle: bytes, timeout: float = 60.0) -> float:
        """Read until `needle` was written; return the seconds since start."""
        deadline = time.perf_counter() + timeout
        while needle not in self.output:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{needle!r} not written in {timeout} s")
            self._read(0.5)
        return time.perf_counter() - self.started

    def settle(self) -> float:
        """Read until quiet; return the time of the last byte (perf_counter)."""
        last = time.perf_counter()
        while self._read(QUIET):
            last = time.perf_counter()
        return last

    def press(self, key: bytes) -> float:
        """Write a key; return the seconds until its repaint ended."""
        self.settle()
        start = time.perf_counter()
        os.write(self.master, key)
        return self.settle() - start

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            self.output += os.read(self.master, 65536)
        except OSError:
            return False
        return True

    def close(self) -> None:
        """Quit the app (ctrl+q), then make sure it is gone."""
        os.write(self.master, b"\x11")
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        os.close(self.master)


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _percentiles(label: str, seconds: list[float]) -> None:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(
        f"{label:<28} p50 {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms   (n={len(ms)})"
    )


def _keys(term: Terminal, view: str, presses: int) -> None:
    for name in ("j", "k"):
        _percentiles(
            f"{view}: {name}", [term.press(KEYS[name]) for _ in range(presses)]
        )
    downs = [term.press(KEYS["PgDn"]) for _ in range(max(presses // 4, 10))]
    _percentiles(f"{view}: PgDn", downs)


def main() -> int:
    """Fill a store, start the daemon and the TUI, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=100)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="si-tui-"))
    socket_dir = Path(tempfile.mkdtemp(prefix="si-"))
    config = directory / "config.toml"
    config.write_text(
        CONFIG.format(data=directory / "data", socket=socket_dir / "s.sock")
    )
    (directory / "data").mkdir(mode=0o700)
    store = Store(paths.database_file(directory / "data"))
    started = time.perf_counter()
    fill(store, args.threads, time.time())
    store.close()
    print(f"filled {args.threads} threads in {time.perf_counter() - started:.1f} s")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color",
           "COLORTERM": "truecolor", "LANG": "C.UTF-8"}  # fmt: skip
    daemon = subprocess.Popen([sys.executable, "-m", "shareinbox", "daemon", "--config",
                               str(config)], env=env, stderr=subprocess.DEVNULL)  # fmt: skip
    term = None
    try:
        _wait_for_daemon(socket_dir / "s.sock")
        _daemon_calls(socket_dir / "s.sock")
        term = Terminal([sys.executable, "-m", "shareinbox", "--config", str(config),
                         "--as", "suzuki"], env)  # fmt: skip
        frame = term.read_until(b"\x1b[")
        first = term.read_until("について".encode())
        print(f"process start -> first frame     {frame * 1000:7.0f} ms")
        print(f"process start -> rows drawn      {first * 1000:7.0f} ms")
        print(f"first frame -> rows drawn        {(first - frame) * 1000:7.0f} ms")
        _keys(term, "new", args.presses)
        term.press(b"v")
        for _ in range(9):
            term.press(b"\x1b[B")  # down to "All"
        term.settle()
        mark = len(term.output)
        start = time.perf_counter()
        os.write(term.master, b"\r")
        while b"All (" not in term.output[mark:]:
            term._read(0.5)
        switched = time.perf_counter() - start
        print(f"Enter -> view all (95k) listed   {switched * 1000:7.1f} ms")
        _keys(term, "all", args.presses)
        print(f"TUI RSS                          {rss_mb(term.proc.pid):7.1f} MB")
        print(f"daemon RSS                       {rss_mb(daemon.pid):7.1f} MB")
    finally:
        if term is not None:
            term.close()
        daemon.terminate()
        daemon.wait(30)
        shutil.rmtree(directory, ignore_errors=True)
        shutil.rmtree(socket_dir, ignore_errors=True)
    return 0


def _daemon_calls(socket: Path) -> None:
    """What the first screen asks the daemon, timed (the first call warms it up,
    as a daemon that has been running all day is)."""
    with SyncClient(socket, as_login="suzuki") as client:
        for label in ("cold", "warm"):
            for op, args in (("list_threads", {"view": "new"}), ("view_counts", {})):
                start = time.perf_counter()
                client.call(op, **args)
                ms = (time.perf_counter() - start) * 1000
                print(f"daemon {op} ({label}){'':<12} {ms:7.1f} ms")


def _wait_for_daemon(socket: Path, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while True:
        try:
            SyncClient(socket, timeout=5).close()
            return
        except Exception:
            if time.perf_counter() > deadline:
                raise
            time.sleep(0.05)


if __name__ == "__main__":
    sys.exit(main())
