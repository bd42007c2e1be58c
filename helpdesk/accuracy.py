"""How well DECIDE matches a labelled folder of .eml files (labels.json beside them).

`python -m helpdesk.accuracy tests/samples` prints kind accuracy, exact accuracy (same
kind, schedule_change, complete and missing set) and every miss with the bot's reasons.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpdesk.decision import Decision
from helpdesk.errors import HelpdeskError
from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings

LABELS_FILE = "labels.json"


@dataclass(frozen=True)
class Miss:
    """One message where the bot and the label disagree."""

    filename: str
    expected: dict[str, Any]
    got: dict[str, Any]
    reasons: tuple[str, ...]


@dataclass
class Report:
    """Accuracy over one folder: `kind_accuracy == 1.0` means every kind matched."""

    total: int = 0
    kind_correct: int = 0
    exact_correct: int = 0
    misses: list[Miss] = field(default_factory=list)
    milliseconds: list[float] = field(default_factory=list)

    @property
    def kind_accuracy(self) -> float:
        return self.kind_correct / self.total if self.total else 0.0

    @property
    def exact_accuracy(self) -> float:
        return self.exact_correct / self.total if self.total else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.milliseconds) if self.milliseconds else 0.0


def comparable(decision: Decision) -> dict[str, Any]:
    """The labelled part of a decision: `{"kind": ..., "missing": [...], ...}`."""
    return {
        "kind": str(decision.kind),  # the plain id, as the label has it
        "schedule_change": decision.schedule_change,
        "complete": decision.complete,
        "missing": sorted(decision.missing),
        "kode_tender": decision.fields.get("kode_tender"),
    }


def _expected(label: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": label["kind"],
        "schedule_change": bool(label.get("schedule_change", False)),
        "complete": bool(label.get("complete", not label.get("missing"))),
        "missing": sorted(label.get("missing", [])),
        "kode_tender": label.get("kode_tender"),
    }


def accuracy_report(folder: Path, settings: Settings) -> Report:
    """Run DECIDE over every labelled message in `folder` and compare with its label."""
    labels: dict[str, dict[str, Any]] = json.loads((folder / LABELS_FILE).read_text("utf-8"))
    report = Report()
    for filename, label in sorted(labels.items()):
        raw = (folder / filename).read_bytes()
        started = time.perf_counter()
        try:
            decision = check_bytes(raw, settings)
            got = comparable(decision)
        except HelpdeskError as exc:
            decision = Decision(reasons=[str(exc)])
            got = comparable(decision) | {"kind": "unreadable"}
        report.milliseconds.append((time.perf_counter() - started) * 1000)
        expected = _expected(label)
        report.total += 1
        report.kind_correct += got["kind"] == expected["kind"]
        exact = all(
            got[key] == expected[key] for key in ("kind", "schedule_change", "complete", "missing")
        )
        report.exact_correct += exact
        if not exact or got["kode_tender"] != expected["kode_tender"]:
            report.misses.append(Miss(filename, expected, got, tuple(decision.reasons)))
    return report


def format_report(report: Report) -> str:
    """The report as the lines `main()` prints."""
    lines = [
        f"messages:       {report.total}",
        f"kind accuracy:  {report.kind_accuracy:.1%} ({report.kind_correct}/{report.total})",
        f"exact accuracy: {report.exact_accuracy:.1%} ({report.exact_correct}/{report.total})",
        f"median time:    {report.median_ms:.1f} ms per message",
    ]
    for miss in report.misses:
        lines.append(f"\nMISS {miss.filename}")
        for key, value in miss.expected.items():
            if miss.got[key] != value:
                lines.append(f"  {key}: expected {value!r}, got {miss.got[key]!r}")
        lines.extend(f"  - {reason}" for reason in miss.reasons)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the accuracy report for the folder named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m helpdesk.accuracy FOLDER", file=sys.stderr)
        return 2
    print(format_report(accuracy_report(Path(args[0]), Settings())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
