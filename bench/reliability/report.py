"""One row per reliability check, and the table `bench/reliability` prints (issue 5)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

COLUMNS = (
    ("check", "check"),
    ("faults", "faults injected"),
    ("messages", "messages"),
    ("tickets", "tickets"),
    ("duplicates", "duplicates"),
    ("lost", "lost"),
    ("answers_sent", "answers sent"),
    ("duplicate_answers", "duplicate answers"),
    ("ack_window_answers", "of them in SMTP's ack window"),
    ("crashes", "crashes"),
    ("hangs", "hangs"),
)


@dataclass
class Row:
    """What one check did and what went wrong. `crashes` counts unhandled exceptions or
    bot exits we did not cause (our own SIGKILLs are `faults`); `hangs` counts waits past
    their limit. A check passes when duplicates, lost, crashes, hangs and the duplicate
    answers outside SMTP's ack window are all 0 and `problems` is empty."""

    check: str
    faults: int = 0
    messages: int = 0
    tickets: int = 0
    duplicates: int = 0
    lost: int = 0
    answers_sent: int = 0
    duplicate_answers: int = 0
    # Of duplicate_answers, the copies SMTP itself cannot avoid: the bot died just after
    # the server stored the answer, before the server's "250" reached it (see chaos.py).
    ack_window_answers: int = 0
    crashes: int = 0
    hangs: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)  # other failed expectations, one line each

    @property
    def passed(self) -> bool:
        avoidable = self.duplicate_answers - self.ack_window_answers
        bad = self.duplicates + self.lost + avoidable + self.crashes + self.hangs
        return bad == 0 and not self.problems

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"passed": self.passed}


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table, ready to paste into the README."""
    header = [title for _, title in COLUMNS] + ["seconds", "result"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [str(getattr(row, name)) for name, _ in COLUMNS]
        cells += [f"{row.seconds:.0f}", "pass" if row.passed else "FAIL"]
        lines.append("| " + " | ".join(cells) + " |")
    problems = [f"- {row.check}: {p}" for row in rows for p in row.problems]
    return "\n".join(lines + ([""] + problems if problems else []))
