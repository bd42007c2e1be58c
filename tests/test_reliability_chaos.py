"""The chaos run (issue 5, item 2), bounded for CI: 40 messages, 8 SIGKILLs of the bot at
FETCH, marking, the cursor, SMTP delivery or from outside, 2 Dovecot restarts, an SMTP
outage of hours (simulated time) and a poison message, then one ticket per message,
nothing left unhandled, raw bytes as the server holds them, every answer sent once.

run_chaos starts its own Dovecot and aiosmtpd, as the full-size run does
(`python -m bench.reliability.chaos`), so the two cannot drift apart.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.reliability.chaos import run_chaos
from bench.reliability.report import table
from tests.support.servers import DOVECOT

pytestmark = pytest.mark.servers


@pytest.mark.skipif(not DOVECOT.exists(), reason="needs Dovecot (tests/run.sh installs it)")
def test_chaos_loses_nothing_doubles_nothing(tmp_path: Path) -> None:
    workdir = tmp_path / "chaos"

    row = run_chaos(messages=40, kills=8, dovecot_restarts=2, seed=5, workdir=workdir)

    details = json.loads((workdir / "chaos.json").read_text(encoding="utf-8"))["details"]
    explained = f"{table([row])}\n\ndetails:\n{json.dumps(details, indent=1)}\nlogs: {workdir}"
    assert row.passed, explained
    assert row.messages == 40 and row.faults >= 8 + 2 + 2, explained
