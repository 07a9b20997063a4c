"""Claim latency: 50 clients race to claim one thread, over and over.

Starts a daemon (a separate process, on a temporary data dir), connects 50
clients acting as 50 agents, and in each round has all of them claim the
same thread at once; the winner releases it for the next round. Prints each
round's outcome (exactly one winner is required) and the claim latency
percentiles as one client sees them (send to reply).

    python bench/locks.py [--rounds 50] [--clients 50] [--threads 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shareinbox.client import Client  # noqa: E402
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


def serve(config_path: str, threads: int, report: str) -> None:
    """The daemon process: the socket server with `threads` operation threads.

    It times each request inside the daemon (read to reply written) and writes
    the times to `report` when stopped.
    """
    from shareinbox import paths
    from shareinbox.config import load_config
    from shareinbox.daemon.connection import Connection
    from shareinbox.daemon.server import Server
    from shareinbox.store.db import Store

    config = load_config(config_path)
    store = Store(paths.database_file(config.server.data_dir))
    inside: list[float] = []

    class TimedServer(Server):
        async def _request(self, conn: Connection, line: bytes) -> None:
            start = time.perf_counter()
            await super()._request(conn, line)
            inside.append(time.perf_counter() - start)

    async def run() -> None:
        server = TimedServer(store, config, threads=threads)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await server.start()
        await stop.wait()
        await server.close()

    asyncio.run(run())
    store.close()
    Path(report).write_text("\n".join(str(x) for x in inside), encoding="utf-8")


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


def _print_latency(label: str, seconds: list[float]) -> None:
    ms = [x * 1000 for x in seconds]
    print(
        f"{label}: p50 {_percentile(ms, 50):.2f}  p90 {_percentile(ms, 90):.2f}  "
        f"p99 {_percentile(ms, 99):.2f}  max {max(ms):.2f}  (target p99 < 20)"
    )


def main() -> int:
    """Run the race and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--report", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.threads, args.report)
        return 0
    directory = Path(tempfile.mkdtemp(prefix="si-bench-"))
    config = _write_config(directory, args.clients)
    _seed(config)
    daemon = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            str(config),
            "--threads",
            str(args.threads),
            "--report",
            str(directory / "inside.txt"),
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    socket = directory / "s.sock"
    try:
        while not socket.exists():
            time.sleep(0.05)
        latencies, winners = asyncio.run(_race(socket, args.clients, args.rounds))
    finally:
        daemon.terminate()
        daemon.wait(30)
    ok = all(w == 1 for w in winners)
    print(
        f"{args.clients} clients x {args.rounds} rounds, {args.threads} operation threads"
    )
    print(
        f"rounds with exactly one winner: {sum(w == 1 for w in winners)}/{len(winners)}"
    )
    _print_latency("claim latency ms, as a client sees it", latencies)
    inside = (directory / "inside.txt").read_text(encoding="utf-8").split()
    _print_latency("request time ms inside the daemon  ", [float(x) for x in inside])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
