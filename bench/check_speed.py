"""How long `helpdesk check` takes per message: median and p95 over the sample mail.

Usage: python bench/check_speed.py [FOLDER] [--rounds N]
Targets: median under 50 ms per sample message (issue 3; with OCR's text cached, as a
second `check` of the same mail has it), and, reported apart (issue 13), the median
seconds Tesseract takes per scanned page, uncached (target 2 s). Prints a table and
writes bench/results/check_speed.json. A benchmark, not a test: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpdesk.pipeline import check_bytes  # noqa: E402
from helpdesk.settings import Settings  # noqa: E402


def measure(folder: Path, rounds: int) -> dict[str, object]:
    settings = Settings()
    messages = {p.name: p.read_bytes() for p in sorted(folder.glob("*.eml"))}
    for raw in messages.values():
        check_bytes(raw, settings)  # warm imports and caches once
    per_message: dict[str, float] = {}
    for name, raw in messages.items():
        timings = []
        for _ in range(rounds):
            start = time.perf_counter()
            check_bytes(raw, settings)
            timings.append((time.perf_counter() - start) * 1000)
        per_message[name] = statistics.median(timings)
    values = sorted(per_message.values())
    return {
        "messages": len(values),
        "rounds": rounds,
        "median_ms": round(statistics.median(values), 2),
        "p95_ms": round(values[int(0.95 * (len(values) - 1))], 2),
        "max_ms": round(values[-1], 2),
        "slowest": max(per_message, key=lambda k: per_message[k]),
        "target_median_ms": 50,
        "python": platform.python_version(),
    }


def measure_ocr(folder: Path, rounds: int) -> dict[str, object]:
    """Seconds per scanned page (every image OCR reads in the samples), nothing cached."""
    from parsers import ocr
    from parsers.attachments import inspect_attachments
    from parsers.message import parse_message

    if not ocr.tesseract_available():
        return {"ocr": "Tesseract is not installed"}
    reader = ocr.Ocr(limits=ocr.OcrLimits(pages=1000, seconds=10_000))
    pages: list[float] = []
    for path in sorted(folder.glob("*.eml")):
        attachments = parse_message(path.read_bytes()).attachments
        for _ in range(rounds):
            ocr._MEMORY.clear()
            before = len(ocr._MEMORY)
            start = time.perf_counter()
            inspect_attachments(attachments, max_bytes=25 * 1024 * 1024, ocr=reader)
            read = len(ocr._MEMORY) - before
            if read:
                pages.append((time.perf_counter() - start) / read)
    ocr._MEMORY.clear()
    return {
        "ocr_pages_timed": len(pages),
        "ocr_median_s_per_page": round(statistics.median(pages), 2) if pages else None,
        "ocr_max_s_per_page": round(max(pages), 2) if pages else None,
        "ocr_target_s_per_page": 2.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "tests" / "samples")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    result = measure(args.folder, args.rounds) | measure_ocr(args.folder, min(args.rounds, 2))
    for key, value in result.items():
        print(f"{key:18} {value}")
    out = ROOT / "bench" / "results" / "check_speed.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")
    return 0 if float(str(result["median_ms"])) < 50 else 1


if __name__ == "__main__":
    sys.exit(main())
