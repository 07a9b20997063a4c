"""Run every registered benchmark and write docs/benchmarks.md.

    python -m bench.run_all             # quick: 10k messages
    python -m bench.run_all --full      # 10k and 100k messages (about 25 minutes)
    python -m bench.run_all --only sync,search --output /tmp/b.md

Needs Dovecot and mbsync (Debian ``dovecot-imapd``, ``isync``) and must run as
root or as a user Dovecot can serve mail for. Each figure is printed as it
is measured; the page is written at the end, with the machine described and
each figure beside its target.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from bench import registry
from bench.mailserver import Context, Options
from bench.report import Section, machine, render

ROOT = Path(__file__).resolve().parents[1]
QUICK = (10_000,)
FULL = (10_000, 100_000)


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="10k and 100k messages")
    parser.add_argument(
        "--sizes", help="comma-separated mailbox sizes (overrides --full)"
    )
    parser.add_argument("--only", help="comma-separated benchmark names")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--profile", type=Path, help="cProfile of the largest initial sync"
    )
    return parser.parse_args(argv)


def selected(only: str | None) -> list[registry.Bench]:
    """The benchmarks to run, in registry order."""
    if not only:
        return list(registry.BENCHES)
    names = {name.strip() for name in only.split(",")}
    unknown = names - {b.name for b in registry.BENCHES}
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    return [b for b in registry.BENCHES if b.name in names]


def run(benches: list[registry.Bench], ctx: Context) -> list[Section]:
    """Run each benchmark; a failure is reported in its section, not fatal."""
    sections: list[Section] = []
    for bench in benches:
        function = registry.load(bench)
        if function is None:
            print(f"== {bench.name}: not built yet ({bench.module})", flush=True)
            continue
        print(f"== {bench.name}: {bench.about}", flush=True)
        start = time.monotonic()
        try:
            sections += function(ctx)
        except Exception:
            trace = traceback.format_exc()
            print(trace, file=sys.stderr, flush=True)
            last = trace.strip().splitlines()[-1]
            sections.append(Section(f"{bench.name}: failed", notes=[f"`{last}`"]))
        print(f"   ({time.monotonic() - start:.0f} s)", flush=True)
    return sections


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write the page."""
    args = parse(argv)
    if args.sizes:
        sizes = tuple(int(s) for s in args.sizes.split(","))
    else:
        sizes = FULL if args.full else QUICK
    benches = selected(args.only)
    about = machine()
    for key, value in about.items():
        print(f"{key}: {value}")
    ctx = Context(Options(sizes=sizes, profile=args.profile))
    start = time.monotonic()
    try:
        sections = run(benches, ctx)
    finally:
        ctx.close()
    minutes = (time.monotonic() - start) / 60
    intro = [
        "Written by `make bench` (`python -m bench.run_all"
        f"{' --full' if sizes == FULL else ''}`) in {minutes:.0f} minutes; "
        f"mailbox sizes {', '.join(f'{s:,}' for s in sizes)} messages. "
        "Figures are single runs on a shared machine; the notes under each "
        "table say how they were measured.",
    ]
    page = render(sections, about, intro)
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        page += "\n" + notes.read_text(encoding="utf-8")
    args.output.write_text(page, encoding="utf-8")
    print(f"wrote {args.output}")
    return 1 if any(s.title.endswith("failed") for s in sections) else 0


if __name__ == "__main__":
    sys.exit(main())
