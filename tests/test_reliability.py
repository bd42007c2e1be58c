"""`python3 bench/reliability --quick --only loops,hostile` passes: the bounded version of
issue 5's loop and hostile-mail checks, through real Dovecot, aiosmtpd and the real bot.

The full sizes run by hand (`python3 bench/reliability`); chaos has its own test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.servers import DOVECOT

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.servers


@pytest.mark.skipif(not DOVECOT.exists(), reason="needs Dovecot (tests/run.sh installs it)")
def test_quick_loops_and_hostile_checks_pass(tmp_path: Path) -> None:
    out = tmp_path / "reliability.json"
    command = [sys.executable, str(ROOT / "bench" / "reliability"), "--quick"]
    command += ["--only", "loops,hostile", "--out", str(out)]
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False
    )

    assert out.exists(), done.stdout + done.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    failed = {row["check"]: row for row in result["rows"] if not row["passed"]}
    assert failed == {}, done.stdout
    checks = " ".join(row["check"] for row in result["rows"])
    for part in ("ping-pong", "flood", "never-answer matrix", "hostile mail", "hostile fuzz"):
        assert part in checks
    assert done.returncode == 0, done.stderr[-3000:]
