"""Which benchmarks `bench.run_all` runs, in order.

Each entry names a module that defines ``run(ctx: bench.mailserver.Context)
-> list[bench.report.Section]``. To add a benchmark (the TUI's, the SMTP
sender's), write that module and add a line here; a module that does not
exist yet is reported as "not built yet" instead of failing the run.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from bench.mailserver import Context
from bench.report import Section

BenchFunction = Callable[[Context], list[Section]]


@dataclass(frozen=True)
class Bench:
    """One registered benchmark."""

    name: str  # what `--only` selects
    module: str
    about: str


BENCHES: tuple[Bench, ...] = (
    Bench("sync", "bench.sync", "initial and no-change sync vs mbsync and imapclient"),
    Bench("search", "bench.search", "search latency at the largest size"),
    Bench("newmail", "bench.newmail", "new mail on the server -> connected clients"),
    Bench("memory", "bench.memory", "daemon peak RSS, with a 25 MB message"),
    Bench("locks", "bench.locks", "50 clients racing to claim one thread"),
    Bench("views", "bench.views", "thread views at 100k threads"),
    Bench("tui", "bench.tui", "TUI first screen, key repaint, memory"),
    Bench("smtp", "bench.smtp", "SMTP sending"),
)


def load(bench: Bench) -> BenchFunction | None:
    """The benchmark's ``run`` function; None when its module (or its ``run``)
    is not there yet."""
    try:
        module = importlib.import_module(bench.module)
    except ModuleNotFoundError as e:
        if e.name != bench.module:
            raise
        return None
    function: BenchFunction | None = getattr(module, "run", None)
    return function
