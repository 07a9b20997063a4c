"""Claim latency: 50 clients race to claim one thread, over and over.

Starts a daemon (a separate process, on a temporary data dir), connects 50
clients acting as 50 agents, and in each round has all of them claim the
same thread at once; the winner releases it for the next round. Prints each
round's outcome (exactly one winner is required) and the claim latency
percentiles as one client sees them (send to reply).

    python bench/locks.py [--rounds 100] [--clients 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import Figure, Section, at_least, under  # noqa: E402
from shareinbox.client import Client  # noqa: E402
from shareinbox.daemon import protocol  # noqa: E402
from shareinbox.errors import Conflict  # noqa: E402

CONFIG = """[shop]
name = "Bench"
timezone = "Asia/Tokyo"
[server]
data_dir = "{data}"
socket = "{socket}"
[[staff]]
login = "root"
name = "root"
role = "admin"
"""


def _write_config(directory: Path, clients: int) -> Path:
    text = CONFIG.format(data=directory / "data", socket=directory / "s.sock")
    for n in range(clients):
        text += f'[[staff]]\nlogin = "agent{n:02d}"\nname = "担当{n}"\nrole = "agent"\n'
    path = directory / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _seed(config_path: Path) -> None:
    from shareinbox import paths
    from shareinbox.config import load_config
    from shareinbox.store.db import Store

    config = load_config(config_path)
    store = Store(paths.database_file(config.server.data_dir))
    with store.write() as conn:
        conn.execute("INSERT INTO account (name) VALUES ('support')")
        conn.execute(
            "INSERT INTO thread (account_id, subject, created_at, updated_at,"
            " last_message_at) VALUES (1, '競争', 0, 0, 0)"
        )
    store.close()


def _hello(socket_path: Path, login: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(str(socket_path))
    sock.sendall(protocol.encode({"type": "hello", "version": 1, "as": login}))
    sock.makefile("rb").readline()  # welcome; nothing else is sent before a request
    return sock


def _wire_race(
    socket_path: Path, clients: int, rounds: int
) -> tuple[list[float], list[int]]:
    """Raw sockets: all requests written, then replies timed as they arrive."""
    socks = [_hello(socket_path, f"agent{n:02d}") for n in range(clients)]
    latencies: list[float] = []
    winners: list[int] = []
    claim = protocol.encode(
        {"type": "request", "id": 1, "op": "claim", "args": {"thread_id": 1}}
    )
    release = protocol.encode(
        {"type": "request", "id": 2, "op": "release", "args": {"thread_id": 1}}
    )
    with selectors.DefaultSelector() as selector:
        for index, sock in enumerate(socks):
            selector.register(sock, selectors.EVENT_READ, index)
        for _ in range(rounds):
            replies: dict[int, bytes] = {}
            start = time.perf_counter()
            for sock in socks:
                sock.sendall(claim)
            while len(replies) < clients:
                for key, _ in selector.select():
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                    replies[key.data] = replies.get(key.data, b"") + data
                    if data.endswith(b"\n"):
                        latencies.append(time.perf_counter() - start)
            won = [i for i, raw in replies.items() if protocol.decode(raw)["ok"]]
            winners.append(len(won))
            for i in won:
                socks[i].sendall(release)
                socks[i].recv(65536)
    for sock in socks:
        sock.close()
    return latencies, winners


async def _timed(client: Client, op: str, **args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    try:
        result: Any = await client.call(op, **args)
    except Conflict as e:
        result = e
    return time.perf_counter() - start, result


async def _race(
    socket: Path, clients: int, rounds: int
) -> tuple[list[float], list[int]]:
    conns = [
        await Client.connect(socket, as_login=f"agent{n:02d}") for n in range(clients)
    ]
    latencies: list[float] = []
    winners: list[int] = []
    try:
        for _ in range(rounds):
            results = await asyncio.gather(
                *(_timed(c, "claim", thread_id=1) for c in conns)
            )
            latencies += [t for t, _ in results]
            won = [i for i, (_, r) in enumerate(results) if isinstance(r, dict)]
            winners.append(len(won))
            for i in won:
                await conns[i].call("release", thread_id=1)
    finally:
        for c in conns:
            await c.close()
    return latencies, winners


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def _report(label: str, latencies: list[float], winners: list[int]) -> bool:
    print(
        f"{label}: rounds with exactly one winner {sum(w == 1 for w in winners)}/{len(winners)}"
    )
    _print_latency("  claim latency ms", latencies)
    return all(w == 1 for w in winners)


def _print_latency(label: str, seconds: list[float]) -> None:
    ms = [x * 1000 for x in seconds]
    print(
        f"{label}: p50 {_percentile(ms, 50):.2f}  p90 {_percentile(ms, 90):.2f}  "
        f"p99 {_percentile(ms, 99):.2f}  max {max(ms):.2f}  (target p99 < 20)"
    )


Results = tuple[list[float], list[int]]


def race(clients: int, rounds: int) -> tuple[Results, Results]:
    """Both races against a real daemon process: (raw sockets, `Client`)."""
    directory = Path(tempfile.mkdtemp(prefix="si-bench-"))
    config = _write_config(directory, clients)
    _seed(config)
    daemon = subprocess.Popen(
        [sys.executable, "-m", "shareinbox", "daemon", "--config", str(config)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    socket_path = directory / "s.sock"
    try:
        while not socket_path.exists():
            time.sleep(0.05)
        wire = _wire_race(socket_path, clients, rounds)
        library = asyncio.run(_race(socket_path, clients, rounds))
    finally:
        daemon.terminate()
        daemon.wait(30)
        shutil.rmtree(directory, ignore_errors=True)
    return wire, library


def run(ctx: object) -> list[Section]:
    """The claim race as figures (`bench.run_all`)."""
    clients, rounds = 50, 100
    section = Section(f"Claim latency, {clients} clients racing for one thread")
    for label, (latencies, winners) in zip(
        ("raw sockets", "`Client`, 50 in one process"),
        race(clients, rounds),
        strict=True,
    ):
        one = sum(w == 1 for w in winners)
        section.add(
            Figure(
                f"{label}: rounds with exactly one winner",
                one,
                f"of {rounds}",
                at_least(rounds, f"{rounds} of {rounds}"),
            )
        )
        ms = [x * 1000 for x in latencies]
        section.add(Figure(f"{label}: p50", _percentile(ms, 50), "ms"))
        section.add(
            Figure(
                f"{label}: p99",
                _percentile(ms, 99),
                "ms",
                under(20),
                note=f"max {max(ms):.1f} ms",
            )
        )
    section.notes.append(
        f"A real daemon process on a temporary data dir; {clients} clients act as"
        f" {clients} agents and in each of {rounds} rounds all claim the same"
        " thread at once; the winner releases it. Latency runs from the start of"
        " the round (all requests written back to back) to each reply, so the"
        " last reply of a round includes the 49 requests queued before it."
    )
    return [section]


def main() -> int:
    """Run both races against a real daemon process and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    print(f"{args.clients} clients racing for one thread, {args.rounds} rounds")
    wire, library = race(args.clients, args.rounds)
    ok = _report("raw sockets (the daemon as seen on the wire)", *wire)
    ok &= _report("shareinbox.client.Client, all 50 in one asyncio process", *library)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
