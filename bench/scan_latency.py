"""A 4-page scanned PDF from APPEND to answer with `helpdesk run` watching (issue 13).

Usage: python bench/scan_latency.py [--rounds N]
Starts Dovecot and aiosmtpd on 127.0.0.1 as the tests do, starts `helpdesk run`, appends
a text-only request, then a request whose only attachment is an image-only PDF of four
scanned pages, and times each from APPEND to the answer reaching the SMTP server. The
bot's process tree is sampled throughout: its memory growth while reading the scans is
reported beside the targets (15 s to answer, at most 100 MB more). Writes
bench/results/scan_latency.json; exits 1 when a target is missed. A benchmark, not a
test: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import TreeSampler, tree_pss_kb  # noqa: E402
from tests.support.bot import Bot, stop_watching, wait_until  # noqa: E402
from tests.support.messages import mail_bytes  # noqa: E402
from tests.support.scans import attached, decree_photo, letter_scan  # noqa: E402
from tests.support.servers import DovecotServer, SmtpRecorder  # noqa: E402

TARGET_SECONDS = 15.0
TARGET_GROWTH_MB = 100.0


def four_page_scan(variant: int) -> bytes:
    """Letter, decree scan, decree photo, the letter upside down: one image-only PDF; each
    `variant` differs by a speck, so no round finds the text of another in the cache."""
    from PIL import Image
    from pypdf import PdfReader

    def first_image(pdf: bytes) -> Image.Image:
        return PdfReader(io.BytesIO(pdf)).pages[0].images[0].image.convert("L")

    decree_scan = attached("48-replacement-two-scans-in-zip.eml", "09302287")
    photo = Image.open(io.BytesIO(decree_photo())).convert("L")
    letter = first_image(letter_scan())
    pages = [letter, first_image(decree_scan), photo, letter.rotate(180)]
    for page in pages:
        page.putpixel((variant + 1, 1), 0)
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    return out.getvalue()


def request(number: int, files: dict[str, bytes]) -> bytes:
    return mail_bytes(
        f"Permohonan Penggantian Administrator Agency {number}",
        "Dengan hormat, terlampir surat permohonan dan SK penunjukan admin agency baru.",
        sender=f"Kecamatan {number} <kec{number}@karawangkab.go.id>",
        Message_ID=f"<scan-bench-{number}-{time.time_ns()}@karawangkab.go.id>",
        attachments=files,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="scan-bench-"))
    dovecot, smtp = DovecotServer(), SmtpRecorder()
    text_times: list[float] = []
    scan_times: list[float] = []
    growth_kb = 0
    try:
        dovecot.start()
        smtp.start()
        account = dovecot.add_user("scans")
        bot = Bot(work, account, smtp)
        bot.write_settings()
        log = work / "run.log"
        process = bot.watch(log)
        try:
            if not wait_until(lambda: "run:" in log.read_text(errors="replace"), timeout=60):
                raise SystemExit("helpdesk run did not start:\n" + log.read_text())
            sampler = TreeSampler(process.pid)
            sampler.start()
            for number in range(args.rounds):
                scan = {"scan0001.pdf": four_page_scan(number)}
                for files, times in (({}, text_times), (scan, scan_times)):
                    before = len(smtp.received)
                    baseline = tree_pss_kb(process.pid)
                    started = time.perf_counter()
                    account.append(request(number * 2 + len(times), files))
                    if not wait_until(lambda n=before: len(smtp.received) > n, timeout=120):
                        raise SystemExit("no answer within 120 s:\n" + log.read_text())
                    times.append(time.perf_counter() - started)
                    if files:
                        growth_kb = max(growth_kb, sampler.peak_kb - baseline)
            sampler.stop()
        finally:
            stop_watching(process)
    finally:
        smtp.stop()
        dovecot.cleanup()
    result = {
        "rounds": args.rounds,
        "text_only_median_s": round(statistics.median(text_times), 2),
        "four_page_scan_median_s": round(statistics.median(scan_times), 2),
        "four_page_scan_max_s": round(max(scan_times), 2),
        "target_s": TARGET_SECONDS,
        "memory_growth_mb": round(growth_kb / 1024, 1),
        "target_growth_mb": TARGET_GROWTH_MB,
        "python": platform.python_version(),
    }
    for key, value in result.items():
        print(f"{key:24} {value}")
    out = ROOT / "bench" / "results" / "scan_latency.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    shutil.rmtree(work, ignore_errors=True)
    met = max(scan_times) <= TARGET_SECONDS and growth_kb / 1024 <= TARGET_GROWTH_MB
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
