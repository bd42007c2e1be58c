"""The libraries' complaints about broken files ("EOF marker not found") stay out of the
bot's output, in a process whose logging nobody set up, as a parsing worker's is."""

from __future__ import annotations

import subprocess
import sys

import pytest

PARSE_BROKEN_PDF = """
import sys
from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings
from tests.support.messages import mail_bytes
if sys.argv[1] == "quiet":
    from helpdesk.library_logs import quiet_libraries
    quiet_libraries()
broken = b"%PDF-1.4\\n1 0 obj<</Type/Catalog>>endobj\\ntrailer<</Root 1 0 R>>"
raw = mail_bytes("Uji forensik", "x", attachments={"Form.pdf": broken})
decision = check_bytes(raw, Settings())
print(decision.attachments[0].problem_code)
"""


@pytest.mark.parametrize(("mode", "noisy"), [("as-is", True), ("quiet", False)])
def test_a_broken_pdf_is_a_verdict_not_a_line_on_stderr(mode: str, noisy: bool) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PARSE_BROKEN_PDF, mode], capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    assert result.stdout.strip() == "corrupt"
    assert ("EOF marker" in result.stderr) is noisy, result.stderr
