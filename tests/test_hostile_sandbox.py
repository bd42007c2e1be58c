"""apply_resource_limits: a worker over its memory or CPU budget stops; its parent goes on."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpdesk.pipeline import check_bytes
from helpdesk.sandbox import apply_resource_limits
from helpdesk.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

# The child builds a 27 MB message, then allows itself 64 MB more address space than it
# already holds: mail-parser and the stdlib need several times the message to parse it.
MEMORY_HUNGRY = """
    import os, sys
    from helpdesk.sandbox import apply_resource_limits
    from helpdesk.errors import MessageParseError
    from parsers.message import parse_message
    from tests.support import files

    raw = files.mail_with_attachment("Formulir.pdf", os.urandom(20 * 1024 * 1024))
    held = int(open("/proc/self/statm").read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    apply_resource_limits(held + 64 * 1024 * 1024, 60)
    try:
        parse_message(raw)
    except MemoryError:
        print("MemoryError")
    except MessageParseError as exc:
        print(f"MessageParseError: {exc}")
    else:
        print("parsed")
"""

CPU_HUNGRY = """
    from helpdesk.sandbox import apply_resource_limits

    apply_resource_limits(4 * 1024 * 1024 * 1024, 1)
    while True:
        pass
"""


def run_child(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc")
def test_memory_hungry_parse_stops_cleanly_and_the_parent_goes_on() -> None:
    child = run_child(MEMORY_HUNGRY)
    assert "parsed" not in child.stdout.split()
    assert child.returncode < 0 or "MemoryError" in child.stdout, child.stderr[-2000:]
    assert check_bytes(
        (ROOT / "tests/samples/02-forensic-minutes-missing.eml").read_bytes(), Settings()
    )


def test_cpu_budget_ends_a_runaway_parse() -> None:
    child = run_child(CPU_HUNGRY)
    assert child.returncode == -signal.SIGXCPU


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError):
        apply_resource_limits(0, 10)
