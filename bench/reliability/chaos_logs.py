"""Reading the chaos bots' stderr: crashes, unexpected errors, and busy loops.

A log is split into records at each logging line ("2026-11-26 02:13:39,912 ERROR name:
..."); the lines that follow (a traceback, our hooks' "chaos:" notices) belong to the
record before them. The poison's own errors are expected and left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench.reliability.chaos_poison import POISON_ERROR

_RECORD = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d{3} ([A-Z]+) ")
_SWEEP = "helpdesk.runner: run: "
SPIN_WINDOW = 5.0  # seconds ...
SPIN_SWEEPS = 20  # ... in which more sweeps than this are a busy loop, not IDLE waking


@dataclass
class LogReport:
    crashes: list[str] = field(default_factory=list)  # tracebacks: "RuntimeError: boom"
    errors: list[str] = field(default_factory=list)  # ERROR/CRITICAL records without one
    most_sweeps: int = 0  # the most "run:" lines within SPIN_WINDOW seconds


def _records(text: str) -> list[tuple[str, list[str]]]:
    """(level, lines) per record; text before the first record has level ""."""
    records: list[tuple[str, list[str]]] = [("", [])]
    for line in text.splitlines():
        match = _RECORD.match(line)
        if match:
            records.append((match.group(2), [line]))
        else:
            records[-1][1].append(line)
    return records


def _exception_lines(lines: list[str]) -> list[str]:
    """The last line of each traceback in a record: ["RuntimeError: boom"]."""
    found, inside = [], False
    for line in lines:
        if line.startswith("Traceback (most recent call last):"):
            inside = True
        elif inside and line and not line[0].isspace():
            found.append(line)
            inside = False
    return found


def _most_sweeps(text: str) -> int:
    moments = [
        datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S").timestamp()
        for line in text.splitlines()
        if _SWEEP in line and (match := _RECORD.match(line))
    ]
    most, start = 0, 0
    for end, moment in enumerate(moments):
        while moment - moments[start] > SPIN_WINDOW:
            start += 1
        most = max(most, end - start + 1)
    return most


def read_log(path: Path) -> LogReport:
    """What one bot's stderr shows, the poison's expected errors left out."""
    text = path.read_text(encoding="utf-8", errors="replace")
    report = LogReport(most_sweeps=_most_sweeps(text))
    for level, lines in _records(text):
        block = "\n".join(lines)
        if POISON_ERROR in block:
            continue
        if exceptions := _exception_lines(lines):
            report.crashes += exceptions
        elif level in ("ERROR", "CRITICAL"):
            report.errors.append(lines[0][24:200])
    return report
