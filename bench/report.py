"""Figures, their targets, and the Markdown page they are written to.

A benchmark returns `Section`s of `Figure`s. A figure carries its value, the
target it is held to (a `Target`: below or above a bound, or no target) and
so whether it met it; `render` writes every section as a Markdown table with
the machine described on top.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Target:
    """A bound a figure must stay under (`below`) or reach (`above`)."""

    bound: float
    below: bool = True
    text: str = ""

    def met(self, value: float) -> bool:
        """True when `value` is on the right side of the bound."""
        return value <= self.bound if self.below else value >= self.bound

    def describe(self, unit: str) -> str:
        """How the target reads in a table."""
        if self.text:
            return self.text
        return f"{'≤' if self.below else '≥'} {_number(self.bound)} {unit}".strip()


def under(bound: float, text: str = "") -> Target:
    """A target of "`bound` or less"."""
    return Target(bound, below=True, text=text)


def at_least(bound: float, text: str = "") -> Target:
    """A target of "at least `bound`"."""
    return Target(bound, below=False, text=text)


@dataclass
class Figure:
    """One measured value, with its unit and (optionally) its target."""

    label: str
    value: float | None
    unit: str = ""
    target: Target | None = None
    note: str = ""

    @property
    def met(self) -> bool | None:
        """Whether the target was met (None: no target or no value)."""
        if self.target is None or self.value is None:
            return None
        return self.target.met(self.value)

    def cells(self) -> list[str]:
        """The figure as a table row: what, value, target, verdict, note."""
        value = "—" if self.value is None else f"{_number(self.value)} {self.unit}"
        target = self.target.describe(self.unit) if self.target else ""
        verdict = {True: "met", False: "**missed**", None: ""}[self.met]
        return [self.label, value.strip(), target, verdict, self.note]


@dataclass
class Section:
    """A titled table of figures, with free text after it."""

    title: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        """Append a figure (and print it, so a long run shows progress)."""
        self.figures.append(figure)
        print("  " + " | ".join(c for c in figure.cells() if c), flush=True)
        return figure

    def markdown(self) -> str:
        """The section as Markdown."""
        lines = [f"## {self.title}", ""]
        if self.figures:
            lines += ["| what | measured | target | | note |", "|---|---|---|---|---|"]
            lines += ["| " + " | ".join(f.cells()) + " |" for f in self.figures]
            lines.append("")
        for note in self.notes:
            lines += [note, ""]
        return "\n".join(lines)


def size_label(count: int) -> str:
    """A mailbox size for a label: 10k, 100k, 300."""
    return f"{count // 1000}k" if count >= 1000 and count % 1000 == 0 else str(count)


def _number(value: float) -> str:
    if value == int(value) and abs(value) >= 10:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 0.1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError:
        return "not installed"
    return (done.stdout or done.stderr).strip().splitlines()[0] if done else ""


def machine() -> dict[str, str]:
    """The machine and the software versions, for the top of the page."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "unknown"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "RAM": memory,
        "kernel": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "Dovecot": _first_line(["dovecot", "--version"]),
        "mbsync": _first_line(["mbsync", "--version"]),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def render(sections: list[Section], about: dict[str, str], intro: list[str]) -> str:
    """The generated part of the benchmarks page."""
    lines = [*intro, ""]
    lines += ["| machine | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in about.items()]
    lines.append("")
    missed = [f for s in sections for f in s.figures if f.met is False]
    met = [f for s in sections for f in s.figures if f.met is True]
    lines += [f"Targets met: {len(met)}; missed: {len(missed)}.", ""]
    return "\n".join(lines) + "\n" + "\n".join(s.markdown() for s in sections)
